"""Results of study-database jobs (futures finished on the writer thread) delivered on the UI
thread. A failure the caller does not handle goes, as the exception object, to the window's
central reporter (``ui.failures``: the log, and a sentence in the status bar)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Signal

from nexus_desktop.ui.failures import FailureReport, in_words

log = logging.getLogger(__name__)


class FutureRelay(QObject):
    """``relay.when_done(future, on_result)``: ``on_result(value)`` runs on the UI thread."""

    _finished = Signal(object, object, object)  # future, on_result, on_error

    def __init__(self, parent: QObject | None = None, report: FailureReport | None = None) -> None:
        super().__init__(parent)
        self._report = report
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
        if self._report is not None:
            self._report(error, SAVE_FAILED)
        else:
            log.error("study database job failed: %s", describe(error), exc_info=error)


SAVE_FAILED = "Your study data could not be saved"


def describe(error: BaseException) -> str:
    """A failure of a database job in words, for the status bar."""
    return in_words(error, SAVE_FAILED)
