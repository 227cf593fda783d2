"""Results of study-database jobs (futures finished on the writer thread) delivered on the UI
thread, and one place where failures go when the caller does not handle them itself: the log,
and a sentence in the status bar."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class FutureRelay(QObject):
    """``relay.when_done(future, on_result)``: ``on_result(value)`` runs on the UI thread."""

    _finished = Signal(object, object, object)  # future, on_result, on_error
    failed = Signal(str)  # a failure nobody handled, in words

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._finished.connect(self._deliver)

    def when_done(
        self,
        future: Future[Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        def finished(done: Future[Any]) -> None:  # on the writer thread
            try:
                self._finished.emit(done, on_result, on_error)
            except RuntimeError:  # the window has gone: nobody to tell
                log.debug("dropped the result of a database job: its receiver is gone")

        future.add_done_callback(finished)

    def _deliver(
        self,
        future: Future[Any],
        on_result: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        error = future.exception()
        if error is None:
            if on_result is not None:
                on_result(future.result())
            return
        if on_error is not None:
            on_error(error)
            return
        log.error("study database job failed: %s", describe(error))
        log.debug("the failure in full", exc_info=error)
        self.failed.emit(describe(error))


def describe(error: BaseException) -> str:
    """A failure in words for the status bar."""
    text = str(error).strip()
    if isinstance(error, OSError):
        from nexus_desktop.core.errors import describe_os_error

        return describe_os_error(error, "Your study data could not be saved")
    return f"Your study data could not be saved: {text or type(error).__name__}"
