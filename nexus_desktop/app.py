"""The composition root: builds the services and the main window and wires them together."""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtWidgets
from PySide6.QtWidgets import QApplication

from nexus_desktop import __version__
from nexus_desktop.paths import AppPaths, app_paths, builtin_content_dir, builtin_search_seed
from nexus_desktop.services.settings import Settings
from nexus_desktop.ui.main_window import MainWindow

if TYPE_CHECKING:
    from PySide6.QtCore import QThreadPool

BUILTIN_PACK_ID = "project-nexus"  # content/nexus-pack.toml


def build_window(
    *,
    paths: AppPaths,
    content: Sequence[str | os.PathLike[str]] = (),
    builtin: bool = True,
    builtin_dir: Path | None = None,
    pool: QThreadPool | None = None,
    read_only: str | None = None,
) -> MainWindow:
    """The window as its first frame shows it: no services yet, nothing slow to import.

    ``content`` folders are registered as packs (written to the settings at once).
    ``read_only`` is why nothing can be saved (from :meth:`AppPaths.prepare`), if so.
    """
    # Workers run pure-Python loops (loading, rendering); a shorter GIL switch interval than
    # the default 5 ms lets the UI thread in sooner, so the window never stalls behind them.
    sys.setswitchinterval(0.001)
    if read_only is None:
        read_only = paths.prepare()
    settings = Settings(paths.settings_file, read_only=read_only is not None)
    for folder in content:
        settings.add_to("packs", str(Path(folder).expanduser().resolve()))
    window = MainWindow(
        settings=settings,
        builtin_dir=(builtin_dir or builtin_content_dir()) if builtin else None,
        pool=pool,
    )
    notices = [n for n in (read_only, settings.notice, settings.problem) if n]
    window.set_read_only(read_only)
    if notices:
        window.statusBar().showMessage(" ".join(notices), 20000)
    return window


def attach_services(window: MainWindow, paths: AppPaths) -> None:
    """Build the services (the content library, search) and hand them to the window."""
    from nexus_desktop.services.library import Library
    from nexus_desktop.services.search import SearchService

    seeds = {BUILTIN_PACK_ID: builtin_search_seed()}
    window.attach(library=Library(), search=SearchService(paths.cache_dir, seeds=seeds))


def open_study(window: MainWindow, paths: AppPaths, *, background: bool = True) -> None:
    """Open the study database (off the UI thread unless ``background`` is False) and give the
    window its study features. A database that cannot be opened is reported, not fatal."""
    from nexus_desktop.services.study import StudyService

    study = StudyService(
        paths.data_dir,
        read_only=window.read_only is not None,
        keep_backups=window.settings.get("keep_backups"),
    )

    def failed(message: str) -> None:
        window.statusBar().showMessage(f"Your study data could not be opened: {message}")

    if not background:
        try:
            study.open()
        except Exception as exc:  # noqa: BLE001 - reported, the reader still works
            failed(str(exc))
            return
        window.attach_study(study)
        return
    from nexus_desktop.ui.tasks import BackgroundTask

    task = BackgroundTask(lambda _context: study.open(), window)
    task.on_success(lambda _status: window.attach_study(study))
    task.on_failure(lambda error: failed(str(error)))
    task.start(window.pool)


def create_main_window(*, paths: AppPaths, **options: Any) -> MainWindow:
    """A complete window at once (tests, tools): :func:`build_window` (same options), then its
    services and its study database. Packs load with :meth:`MainWindow.start`."""
    window = build_window(paths=paths, **options)
    attach_services(window, paths)
    open_study(window, paths, background=False)
    return window


def launch(
    *,
    paths: AppPaths,
    content: Sequence[str | os.PathLike[str]] = (),
    builtin: bool = True,
    read_only: str | None = None,
) -> MainWindow:
    """Show the window as soon as it can paint; attach the services and load packs after that.

    Importing the content model and search, building PySide6's ``Qt`` enums and wiring the
    commands take longer than everything the first frame needs, so they wait for it.
    """
    window = build_window(paths=paths, content=content, builtin=builtin, read_only=read_only)
    window.show()

    def finish() -> None:
        try:
            attach_services(window, paths)
            window.start()
            # The study database opens once the first article is on screen (or the packs are
            # in, if there is none): importing SQLAlchemy must not delay what the learner sees.
            opened: list[bool] = []

            def open_once(*_args: object) -> None:
                if not opened:
                    opened.append(True)
                    open_study(window, paths)

            window.article_shown.connect(open_once)
            window.packs_loaded.connect(open_once)
        finally:
            gc.freeze()  # what start-up built lives on: keep it out of future collections
            gc.enable()  # paused by cli.prepare_gui_start

    window.after_first_paint(finish)
    return window


def _quit_on_terminate(app: QApplication) -> None:
    """SIGTERM/SIGINT (logout, ``kill``, Ctrl+C) quit cleanly, so state is saved."""
    import signal

    from PySide6.QtCore import QTimer

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_args: app.quit())
    # Python runs signal handlers only between bytecodes: wake it up now and then.
    ticker = QTimer(app)
    ticker.setInterval(300)
    ticker.timeout.connect(lambda: None)
    ticker.start()


def create_application() -> QApplication:
    """The QApplication (or the existing one), named, in the Fusion style.

    The style is chosen on the command line Qt parses at creation: switching styles later
    builds a second style object and re-polishes every widget.
    """
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication([*sys.argv[:1], "-style", "fusion"])
    app.setApplicationName("Nexus Desktop")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("nexus-desktop")
    # The installed desktop entry (packaging/linux): Wayland shells match windows to it by name.
    app.setDesktopFileName("io.github.nexus_desktop.NexusDesktop")
    return app


class _LogFile(logging.FileHandler):
    """The log file, which gives up quietly (once) when it cannot be written: a full disk must
    not print a "--- Logging error ---" traceback for every message."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's API
        root = logging.getLogger()
        root.removeHandler(self)
        root.addHandler(_terminal_handler())  # warnings still reach someone, briefly
        stream, self.stream = self.stream, None  # type: ignore[assignment]
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass  # the buffered lines cannot be written either
        sys.stderr.write("nexus-desktop: the log file could not be written; logging stopped\n")


class _OneLine(logging.Formatter):
    """Messages without tracebacks: for the terminal, when there is no log file to hold them."""

    def formatException(self, ei: object) -> str:  # noqa: N802 - logging's API
        return ""

    def format(self, record: logging.LogRecord) -> str:
        record.exc_text = ""
        saved, record.exc_info = record.exc_info, None
        try:
            return super().format(record)
        finally:
            record.exc_info = saved


def _terminal_handler() -> logging.Handler:
    handler = logging.StreamHandler()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(_OneLine("nexus-desktop: %(message)s"))
    return handler


def setup_logging(paths: AppPaths, *, read_only: bool) -> None:
    """Log to the log folder; with nothing writable, only warnings go to stderr."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    if read_only:
        root.addHandler(_terminal_handler())
        return
    handler = _LogFile(paths.log_dir / "nexus-desktop.log", encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)


def check_content_folders(content: Sequence[str]) -> tuple[list[str], list[str]]:
    """The folders that can be opened as packs, and a line for each that cannot (missing, or
    obviously not a content pack, such as ``/`` or a home folder): those are not registered."""
    from nexus_desktop.knowledge.files import not_a_pack_reason

    good: list[str] = []
    refused: list[str] = []
    for folder in content:
        path = Path(folder).expanduser()
        if not path.is_dir():
            refused.append(f"{folder}: no such folder")
            continue
        reason = not_a_pack_reason(path.resolve())
        if reason:
            refused.append(reason)
        else:
            good.append(folder)
    return good, refused


def _forward_to_running_app(paths: AppPaths, content: Sequence[str]) -> int:
    from nexus_desktop.ui.single_instance import forward

    create_application()
    folders = [str(Path(c).expanduser().resolve()) for c in content]
    if forward(paths.data_dir, folders):
        print("Nexus Desktop is already open with this data folder: switched to it.")
        return 0
    print(
        "nexus-desktop: Nexus Desktop is already running with this data folder but does not "
        "answer; close it (or use another --data-dir) and try again.",
        file=sys.stderr,
    )
    return 1


def _listen_for_later_launches(window: MainWindow, paths: AppPaths) -> None:
    from nexus_desktop.ui.single_instance import listen

    window.instance_server = listen(paths.data_dir, window.open_forwarded, window)


QUIT_GRACE_MS = 2500  # how long quitting waits for workers before leaving without them


def run(
    *,
    paths: AppPaths | None = None,
    content: Sequence[str] = (),
    builtin: bool = True,
    read_only: str | None = None,
) -> int:
    """Start the GUI and return its exit code (exits the process if workers do not stop)."""
    paths = paths or app_paths()
    if read_only is None:
        read_only = paths.prepare()
    setup_logging(paths, read_only=read_only is not None)
    from nexus_desktop.ui.single_instance import InstanceLock

    instance = InstanceLock(paths.data_dir)
    if not instance.acquire():  # another window writes this data folder: hand it our folders
        return _forward_to_running_app(paths, content)
    app = create_application()
    good, refused = check_content_folders(content)
    window = launch(paths=paths, content=good, builtin=builtin, read_only=read_only)
    window.instance_lock = instance  # held until the process ends
    window.after_first_paint(lambda: _listen_for_later_launches(window, paths))
    if refused:
        QtWidgets.QMessageBox.warning(
            window,
            "Content folder not added",
            "These folders were not opened as content packs:\n\n" + "\n".join(refused),
        )
    _quit_on_terminate(app)
    app.aboutToQuit.connect(window.save_state)  # also when the session ends or on SIGTERM
    code = app.exec()
    window.cancel_loading()
    window.close_study()  # the last note, a backup, every queued write
    # Workers check their cancel flag often; one that does not stop in time (stuck in a slow
    # file system, say) must not keep the app alive: everything worth keeping is saved by now.
    if not window.pool.waitForDone(QUIT_GRACE_MS):
        logging.getLogger(__name__).warning("workers still busy at quit; leaving without them")
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
