"""pytest-qt fixtures: a real main window over packs in tmp_path, all state redirected."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from nexus_desktop.app import create_main_window
from nexus_desktop.paths import app_paths
from nexus_desktop.ui.main_window import MainWindow

WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, tmp_path: Path) -> Iterator[WindowFactory]:
    """Build windows with their data dir in tmp_path; wait until their packs have loaded."""
    windows: list[MainWindow] = []
    pool = QThreadPool()

    def factory(*content: Path, builtin: bool = False, data: str = "data") -> MainWindow:
        window = create_main_window(
            paths=app_paths(tmp_path / data), content=list(content), builtin=builtin, pool=pool
        )
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignal(window.packs_loaded, timeout=20_000):
            window.load_sources(window.pack_sources())
        qtbot.waitUntil(lambda: window.current is not None and window.reader.toPlainText() != "")
        windows.append(window)
        return window

    yield factory
    for window in windows:
        window.cancel_loading()
        window.close_study()
    pool.waitForDone(20_000)
