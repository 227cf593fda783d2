"""Start-up: the window paints first and gets its services right after.

Timing belongs in ``benchmarks/bench_startup.py``; these tests pin down the design that makes it
fast (what the first frame may not pay for) and that the two-step start still ends in a working
window.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from nexus_desktop.app import build_window, launch
from nexus_desktop.paths import app_paths, resources_dir
from nexus_desktop.ui import roles
from nexus_desktop.ui.actions import ACTIONS
from tests.conftest import REPO

FIRST_FRAME = r"""
import json, sys
from nexus_desktop.cli import prepare_gui_start
paths = prepare_gui_start(sys.argv[1])
import PySide6.QtCore, PySide6.QtWidgets
from nexus_desktop.app import create_application, build_window
app = create_application()
window = build_window(paths=paths, builtin=True)
window.show()
window.grab()  # paints the first frame
print(json.dumps({
    "qt_namespace_built": "Qt" in vars(PySide6.QtCore),
    "qstyle_built": "QStyle" in vars(PySide6.QtWidgets),
    "modules": sorted(sys.modules),
    "attached": window.attached,
}))
"""

# What the first frame must not import: the content model and its parsers, rendering, search.
NOT_BEFORE_FIRST_PAINT = (
    "nexus_desktop.knowledge.model",
    "nexus_desktop.knowledge.loader",
    "nexus_desktop.services.library",
    "nexus_desktop.services.search",
    "nexus_desktop.render.markdown",
    "nexus_desktop.ui.tasks",
    "yaml",
    "markdown",
    "pygments",
    "whoosh",
    "html.entities",
)


def test_first_frame_pays_only_for_what_it_shows(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(tmp_path / "data")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    facts = json.loads(result.stdout)
    assert facts["attached"] is False
    # Naming any Qt.* enum builds PySide6's 98-enum Qt namespace (~35 ms); QStyle's ~8 ms.
    assert facts["qt_namespace_built"] is False
    assert facts["qstyle_built"] is False
    imported = set(facts["modules"])
    assert sorted(imported & set(NOT_BEFORE_FIRST_PAINT)) == []


def test_launch_attaches_after_the_first_paint_and_loads(
    qtbot: QtBot, tmp_path: Path, sample_pack: Path
) -> None:
    window = launch(paths=app_paths(tmp_path / "data"), content=[sample_pack], builtin=False)
    qtbot.addWidget(window)
    assert window.isVisible()
    assert not window.attached  # nothing but the frame so far
    assert window.tree.model() is None
    with qtbot.waitSignal(window.packs_loaded, timeout=20_000):
        pass
    assert window.attached
    assert window.library.pack("sample") is not None
    qtbot.waitUntil(lambda: window.reader.toPlainText() != "", timeout=10_000)
    assert window.current is not None and window.current.pack_id == "sample"
    # Shortcuts and the search list exist once attached.
    assert window.actions_by_name["back"].shortcuts()
    assert window.search_panel.results.isHidden()
    # The study database opens off the UI thread after that, and its features appear.
    qtbot.waitUntil(lambda: window.study is not None, timeout=10_000)
    assert window.notes.isVisible() and "bookmark" in window.actions_by_name
    window.cancel_loading()
    window.pool.waitForDone(10_000)
    window.close_study()


def test_launch_resumes_garbage_collection_it_was_started_without(
    qtbot: QtBot, tmp_path: Path, sample_pack: Path
) -> None:
    gc.disable()  # as cli.prepare_gui_start does
    try:
        window = launch(paths=app_paths(tmp_path / "data"), content=[sample_pack], builtin=False)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.packs_loaded, timeout=20_000):
            pass  # loading pauses the collector itself, and resumes it when done
        assert window.attached and gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
    qtbot.waitUntil(lambda: window.study is not None, timeout=10_000)
    window.cancel_loading()
    window.pool.waitForDone(10_000)
    window.close_study()


def test_a_window_that_never_paints_still_gets_its_services(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_window(paths=app_paths(tmp_path / "data"), builtin=False)
    qtbot.addWidget(window)
    calls: list[str] = []
    window.after_first_paint(lambda: calls.append("done"))  # never shown, so never painted
    qtbot.waitUntil(lambda: calls == ["done"], timeout=3000)
    window.grab()  # a later paint does not run it again
    qtbot.wait(1)
    assert calls == ["done"]


def test_role_numbers_are_qts() -> None:
    assert Qt.ItemDataRole.DisplayRole.value == roles.DISPLAY
    assert Qt.ItemDataRole.DecorationRole.value == roles.DECORATION
    assert Qt.ItemDataRole.ToolTipRole.value == roles.TOOLTIP
    assert Qt.ItemDataRole.UserRole.value == roles.USER


@pytest.mark.parametrize("spec", ACTIONS, ids=lambda spec: spec.name)
def test_every_action_names_real_keys_and_icons(spec) -> None:  # type: ignore[no-untyped-def]
    for shortcut in spec.shortcuts:
        if shortcut.startswith("std:"):
            assert hasattr(QKeySequence.StandardKey, shortcut.removeprefix("std:")), shortcut
        else:
            assert not QKeySequence(shortcut).isEmpty(), shortcut
    if spec.icon:
        for suffix in ("", "@2x"):
            assert (resources_dir() / "icons" / f"{spec.icon}{suffix}.png").is_file()


def test_pyside_decides_which_modules_use_it_by_name_not_by_reading_their_source() -> None:
    import sys
    import types

    import nexus_desktop.ui

    feature = sys.modules["shibokensupport.feature"]
    unread = types.ModuleType("somewhere_else")  # no source file: reading it would fail
    assert feature._mod_uses_pyside(unread) is False
    assert feature._mod_uses_pyside(nexus_desktop.ui) is True
