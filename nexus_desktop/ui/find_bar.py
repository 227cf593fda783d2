"""Find in the current article (Ctrl+F): next/previous, a match count, all matches marked."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextEdit, QToolButton, QWidget

from nexus_desktop.ui.actions import ActionSpec

ACTIONS = (
    ActionSpec("find", "&Find in Article", ("std:Find", "Ctrl+F"), "",
               "Find in the current article (Ctrl+F)", menu="edit", section="find",
               handler="open_bar"),
    ActionSpec("find_next", "Find &Next", ("std:FindNext", "F3"), menu="edit", section="find",
               handler="find_next_or_open"),
)  # fmt: skip


class FindBar(QWidget):
    closed = Signal()

    def __init__(self, browser: QTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = browser
        self.field = QLineEdit()
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in article")
        self.count = QLabel()
        self.count.setMinimumWidth(90)
        self.previous_button = QToolButton(text="▲")
        self.previous_button.setToolTip("Previous match (Shift+Enter)")
        self.next_button = QToolButton(text="▼")
        self.next_button.setToolTip("Next match (Enter)")
        close = QToolButton(text="✕")
        close.setToolTip("Close (Escape)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 8, 3)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addWidget(close)
        self.matches: list[QTextCursor] = []
        self.current = -1
        self.field.textChanged.connect(self._on_field_text_changed)
        self.field.installEventFilter(self)
        self.next_button.clicked.connect(self.find_next)
        self.previous_button.clicked.connect(self.find_previous)
        close.clicked.connect(self.close_bar)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.field.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()
        self.refresh()

    def close_bar(self) -> None:
        self.hide()
        self.matches = []
        self.browser.setExtraSelections([])
        self.closed.emit()

    def refresh(self) -> None:
        """Recount and re-mark the matches (after typing, or when the article changes)."""
        text = self.field.text()
        self.matches = []
        self.current = -1
        if text and self.isVisible():
            document = self.browser.document()
            cursor = document.find(text, 0)
            while not cursor.isNull():
                self.matches.append(cursor)
                cursor = document.find(text, cursor)
        if self.matches:
            self.current = 0
        self._show_current()

    def _on_field_text_changed(self, _text: str) -> None:
        self.refresh()

    def find_next_or_open(self) -> None:
        """F3: the next match, or the bar itself when it is closed."""
        if self.isVisible():
            self.find_next()
        else:
            self.open_bar()

    def find_next(self) -> None:
        if self.matches:
            self.current = (self.current + 1) % len(self.matches)
            self._show_current()

    def find_previous(self) -> None:
        if self.matches:
            self.current = (self.current - 1) % len(self.matches)
            self._show_current()

    def _show_current(self) -> None:
        if not self.field.text():
            self.count.setText("")
        elif not self.matches:
            self.count.setText("No matches")
        else:
            self.count.setText(f"{self.current + 1} of {len(self.matches)}")
        selections = []
        for number, cursor in enumerate(self.matches):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setBackground(QColor("#ff9632" if number == self.current else "#ffe066"))
            fmt.setForeground(QColor("#000000"))
            selection.format = fmt
            selections.append(selection)
        self.browser.setExtraSelections(selections)
        if 0 <= self.current < len(self.matches):
            cursor = QTextCursor(self.matches[self.current])
            cursor.clearSelection()
            self.browser.setTextCursor(cursor)
            self.browser.ensureCursorVisible()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            keys = QtCore.Qt.Key
            if event.key() in (keys.Key_Return, keys.Key_Enter):
                shift = event.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier
                self.find_previous() if shift else self.find_next()
                return True
            if event.key() == keys.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(watched, event)
