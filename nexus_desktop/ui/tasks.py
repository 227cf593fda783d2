"""Background work on a QThreadPool, as a small builder (after Anki's CollectionOp).

    task = BackgroundTask(work).on_success(show).on_progress(bar.update).start(pool)
    task.cancel()

``work`` receives a ``TaskContext`` (progress reporting and a cancel flag) and core objects,
never widgets. Callbacks run on the UI thread. A failure arrives as the exception object: at
``on_failure`` when the caller handles it, else at the task's ``report`` (``ui.failures``:
logged, and told in words), else in the log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from nexus_desktop.ui.failures import FailureReport

log = logging.getLogger(__name__)


class TaskContext:
    """What a work function may use: report progress, and check whether to stop."""

    def __init__(self, signals: _TaskSignals) -> None:
        self._signals = signals
        self.cancelled = threading.Event()

    def progress(self, done: int, total: int, label: str = "") -> None:
        """Report progress (``total`` 0: not known yet) and what is being worked on."""
        _emit(self._signals, "progressed", done, total, label)

    def emit(self, value: object) -> None:
        """Deliver an intermediate result to ``on_partial`` (on the UI thread)."""
        _emit(self._signals, "partial", value)

    def is_set(self) -> bool:
        """Cancel-token protocol used by the core loaders."""
        return self.cancelled.is_set()


class _TaskSignals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    progressed = Signal(int, int, str)
    partial = Signal(object)
    ended = Signal()


def _emit(signals: _TaskSignals, name: str, *args: object) -> None:
    """Emit unless the task's owner, and the signals object with it, has been destroyed: a
    result for a closed window is dropped, never delivered to half-deleted widgets."""
    try:
        getattr(signals, name).emit(*args)
    except RuntimeError:  # "Internal C++ object already deleted"
        log.debug("dropped %s of a task whose owner is gone", name)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[TaskContext], Any], context: TaskContext) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._context = context

    def run(self) -> None:
        signals = self._context._signals
        try:
            result = self._fn(self._context)
        except Exception as exc:  # delivered to the UI thread, never lost
            _emit(signals, "failed", exc)
        else:
            _emit(signals, "succeeded", result)
        finally:
            _emit(signals, "ended")


_live: set[BackgroundTask] = set()


class BackgroundTask:
    """Run ``fn(context)`` on a thread pool; deliver its result on the UI thread.

    With an ``owner`` (a widget), nothing is delivered once the owner has been destroyed.
    """

    def __init__(
        self,
        fn: Callable[[TaskContext], Any],
        owner: QObject | None = None,
        *,
        doing: str = "A background job failed",
        report: FailureReport | None = None,
    ) -> None:
        self._fn = fn
        self._signals = _TaskSignals(owner)
        self.context = TaskContext(self._signals)
        self.running = False
        self.doing = doing  # what the work is, for the sentence that reports its failure
        self._report = report
        self._handled = False
        self._signals.failed.connect(self._on_failed)
        self._signals.ended.connect(self._on_ended)

    def on_success(self, callback: Callable[[Any], None]) -> BackgroundTask:
        self._signals.succeeded.connect(callback)
        return self

    def on_failure(self, callback: Callable[[BaseException], None]) -> BackgroundTask:
        """The caller handles a failure itself (the central reporter is not told)."""
        self._handled = True
        self._signals.failed.connect(callback)
        return self

    def on_progress(self, callback: Callable[[int, int, str], None]) -> BackgroundTask:
        self._signals.progressed.connect(callback)
        return self

    def on_partial(self, callback: Callable[[Any], None]) -> BackgroundTask:
        self._signals.partial.connect(callback)
        return self

    def on_end(self, callback: Callable[[], None]) -> BackgroundTask:
        self._signals.ended.connect(callback)
        return self

    def start(self, pool: QThreadPool | None = None) -> BackgroundTask:
        self.running = True
        _live.add(self)  # keep the signals object alive until the work has ended
        (pool or QThreadPool.globalInstance()).start(_Runnable(self._fn, self.context))
        return self

    def cancel(self) -> None:
        self.context.cancelled.set()

    def _on_failed(self, error: BaseException) -> None:
        if self._handled:
            log.info("%s (handled): %r", self.doing, error)
        elif self._report is not None:
            self._report(error, self.doing)
        else:
            log.error("%s: %s", self.doing, error, exc_info=error)

    def _on_ended(self) -> None:
        self.running = False
        _live.discard(self)
        if self._signals.parent() is not None:  # else it would live as long as its owner
            self._signals.setParent(None)  # Python's again: it goes with this task
