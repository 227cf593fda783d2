"""Help → About offers the bundled licence notices (THIRD-PARTY-NOTICES.txt) where the app
carries them: an installer's frozen build."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from nexus_desktop.ui import dialogs


def _visible(kind: type) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if type(w) is kind and w.isVisible()]


def test_the_licences_button_shows_the_notices(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "THIRD-PARTY-NOTICES.txt").write_text("Qt: LGPL-3.0\n", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[str] = []

    def click_licences() -> None:
        (box,) = _visible(QMessageBox)
        (button,) = [b for b in box.buttons() if b.text() == "Licences…"]
        button.click()

    def read_notices() -> None:
        (dialog,) = _visible(QDialog)
        shown.append(dialog.findChild(QPlainTextEdit).toPlainText())
        dialog.reject()

    QTimer.singleShot(100, click_licences)
    QTimer.singleShot(400, read_notices)
    dialogs.show_about(parent)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == ["Qt: LGPL-3.0\n"]


def test_without_notices_the_about_box_has_no_licences_button(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    parent = QWidget()
    qtbot.addWidget(parent)
    buttons: list[list[str]] = []

    def close() -> None:
        (box,) = _visible(QMessageBox)
        buttons.append([b.text() for b in box.buttons()])
        box.accept()

    QTimer.singleShot(100, close)
    dialogs.show_about(parent)
    assert buttons and "Licences…" not in buttons[0]
