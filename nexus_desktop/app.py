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
) -> MainWindow:
    """The window as its first frame shows it: no services yet, nothing slow to import."""
    # Workers run pure-Python loops (loading, rendering); a shorter GIL switch interval than
    # the default 5 ms lets the UI thread in sooner, so the window never stalls behind them.
    sys.setswitchinterval(0.001)
    paths.ensure()
    settings = Settings(paths.settings_file)
    registered = [str(p) for p in settings.get("packs", [])]
    for folder in content:
        resolved = str(Path(folder).expanduser().resolve())
        if resolved not in registered:
            registered.append(resolved)
    settings.set("packs", registered)
    window = MainWindow(
        settings=settings,
        builtin_dir=(builtin_dir or builtin_content_dir()) if builtin else None,
        pool=pool,
    )
    if settings.notice:
        window.statusBar().showMessage(settings.notice, 15000)
    return window


def attach_services(window: MainWindow, paths: AppPaths) -> None:
    """Build the services (the content library, search) and hand them to the window."""
    from nexus_desktop.services.library import Library
    from nexus_desktop.services.search import SearchService

    seeds = {BUILTIN_PACK_ID: builtin_search_seed()}
    window.attach(library=Library(), search=SearchService(paths.cache_dir, seeds=seeds))


def create_main_window(*, paths: AppPaths, **options: Any) -> MainWindow:
    """A complete window at once (tests, tools): :func:`build_window` (same options), then its
    services. Packs load with :meth:`MainWindow.start`."""
    window = build_window(paths=paths, **options)
    attach_services(window, paths)
    return window


def launch(
    *,
    paths: AppPaths,
    content: Sequence[str | os.PathLike[str]] = (),
    builtin: bool = True,
) -> MainWindow:
    """Show the window as soon as it can paint; attach the services and load packs after that.

    Importing the content model and search, building PySide6's ``Qt`` enums and wiring the
    commands take longer than everything the first frame needs, so they wait for it.
    """
    window = build_window(paths=paths, content=content, builtin=builtin)
    window.show()

    def finish() -> None:
        try:
            attach_services(window, paths)
            window.start()
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
    return app


def run(
    *,
    paths: AppPaths | None = None,
    content: Sequence[str] = (),
    builtin: bool = True,
) -> int:
    """Start the GUI and return its exit code."""
    paths = paths or app_paths()
    paths.log_dir.mkdir(parents=True, exist_ok=True)  # the rest is made by build_window
    logging.basicConfig(
        filename=paths.log_dir / "nexus-desktop.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app = create_application()
    missing = [c for c in content if not Path(c).is_dir()]
    window = launch(paths=paths, content=[c for c in content if c not in missing],
                    builtin=builtin)  # fmt: skip
    if missing:
        QtWidgets.QMessageBox.warning(
            window,
            "Content folder not found",
            "These folders do not exist and were not added:\n" + "\n".join(missing),
        )
    _quit_on_terminate(app)
    app.aboutToQuit.connect(window.save_state)  # also when the session ends or on SIGTERM
    code = app.exec()
    window.cancel_loading()
    window.pool.waitForDone(10_000)  # no worker may outlive the objects it reports to
    return code
