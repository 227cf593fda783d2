"""Where failures of background work go when the caller does not handle them itself.

A task or database job that fails hands its exception object here: it is logged in full (with
its traceback) and told to the learner in one sentence in the status bar, never as a
traceback and never as a dialog that stops quitting. The composition root builds one reporter
per window; tasks and the database relay are given it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

FailureReport = Callable[[BaseException, str], None]  # (the exception, what was being done)


def in_words(error: BaseException, doing: str) -> str:
    """``doing`` ("Search failed") and what went wrong, as one sentence for a person."""
    if isinstance(error, OSError):
        from nexus_desktop.core.errors import describe_os_error

        return describe_os_error(error, doing)
    if isinstance(error, MemoryError):
        return f"{doing}: there was not enough memory."
    text = " ".join(str(error).split())
    if len(text) > 300:
        text = text[:300] + "…"
    return f"{doing}: {text or type(error).__name__}"


class FailureReporter(QObject):
    """``report(error, doing)``: logged in full, then ``show``n in words (and signalled)."""

    reported = Signal(str)  # the sentence shown

    def __init__(self, show: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._show = show

    def report(self, error: BaseException, doing: str) -> None:
        words = in_words(error, doing)
        log.error("%s", words, exc_info=error)
        self._show(words)
        self.reported.emit(words)
