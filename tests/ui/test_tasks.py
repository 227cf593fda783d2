"""Background tasks: results, failures, progress and cancellation reach the UI thread."""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QObject, QThreadPool, Signal
from pytestqt.qtbot import QtBot

from nexus_desktop.ui.tasks import BackgroundTask, TaskContext


def test_result_and_progress_are_delivered(qtbot: QtBot) -> None:
    results: list[object] = []
    progress: list[tuple[int, int]] = []

    def work(context: TaskContext) -> str:
        for step in range(3):
            context.progress(step, 3)
        return f"done in {threading.current_thread().name}"

    task = BackgroundTask(work).on_success(results.append)
    task.on_progress(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignal(task._signals.ended, timeout=5000):
        task.start(QThreadPool())
    assert progress == [(0, 3), (1, 3), (2, 3)]
    assert len(results) == 1 and results[0] != f"done in {threading.current_thread().name}"


def test_a_failure_arrives_as_the_exception_object(qtbot: QtBot) -> None:
    failures: list[BaseException] = []
    reported: list[tuple[BaseException, str]] = []

    def work(_context: TaskContext) -> None:
        raise ValueError("bad pack")

    task = BackgroundTask(work, report=lambda e, doing: reported.append((e, doing)))
    task.on_failure(failures.append)
    with qtbot.waitSignal(task._signals.ended, timeout=5000):
        task.start(QThreadPool())
    assert [type(f) for f in failures] == [ValueError] and str(failures[0]) == "bad pack"
    assert failures[0].__traceback__ is not None  # the log can show where it happened
    assert reported == []  # handled by the caller: the central reporter is not told


def test_an_unhandled_failure_goes_to_the_central_reporter_in_words(qtbot: QtBot) -> None:
    from nexus_desktop.ui.failures import FailureReporter

    shown: list[str] = []
    reporter = FailureReporter(shown.append)

    def work(_context: TaskContext) -> None:
        raise OSError(28, "No space left on device")

    task = BackgroundTask(work, doing="The notes could not be exported", report=reporter.report)
    with qtbot.waitSignal(task._signals.ended, timeout=5000):
        task.start(QThreadPool())
    assert shown == ["The notes could not be exported: the disk is full"]


def test_cancel_sets_the_token_the_work_checks(qtbot: QtBot) -> None:
    started = threading.Event()
    results: list[object] = []

    def work(context: TaskContext) -> str:
        started.set()
        while not context.is_set():
            context.cancelled.wait(0.01)
        return "stopped"

    pool = QThreadPool()  # kept alive: a pool's destructor waits for its work
    task = BackgroundTask(work).on_success(results.append)
    task.start(pool)
    assert started.wait(5)
    with qtbot.waitSignal(task._signals.ended, timeout=5000):
        task.cancel()
    assert results == ["stopped"] and not task.running
    pool.waitForDone()


def test_qt_binding_keeps_reference_counts_balanced() -> None:
    """PySide6 6.12.0 dropped a reference to True on every Signal.emit, crashing the app."""

    class Emitter(QObject):
        pair = Signal(int, int)
        anything = Signal(object)

    emitter = Emitter()
    before = sys.getrefcount(True)
    for number in range(2000):
        emitter.pair.emit(number, 2000)
        emitter.anything.emit(number)
    assert abs(sys.getrefcount(True) - before) < 50  # the bug loses 4,000 here


def test_nothing_reaches_an_owner_that_is_gone(qtbot: QtBot) -> None:
    from PySide6.QtCore import QCoreApplication
    from shiboken6 import Shiboken

    owner = QObject()
    release = threading.Event()
    delivered: list[object] = []

    def work(context: TaskContext) -> str:
        release.wait(5)
        context.emit("partial")
        return "result"

    task = BackgroundTask(work, owner).on_success(delivered.append)
    task.on_partial(delivered.append).on_end(lambda: delivered.append("ended"))
    pool = QThreadPool()
    task.start(pool)
    Shiboken.delete(owner)  # e.g. the window closed while an article was rendering
    release.set()
    assert pool.waitForDone(5000)
    QCoreApplication.processEvents()
    assert delivered == []
