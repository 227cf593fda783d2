"""Quick switcher (Ctrl+P): jump to any article of any pack by fuzzy-matching its title."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from nexus_desktop.services.fuzzy import FuzzyFilter, SwitcherEntry
from nexus_desktop.ui import roles

LIMIT = 60
REF_ROLE = roles.USER + 1


class QuickSwitcher(QDialog):
    article_chosen = Signal(object)  # ArticleRef

    def __init__(self, entries: list[SwitcherEntry], parent: QWidget | None = None) -> None:
        """``entries`` come ready-made from the pack loader (``services.fuzzy``)."""
        super().__init__(parent)
        self.setWindowTitle("Go to article")
        self.resize(620, 420)
        self.filter = FuzzyFilter(entries)
        self.field = QLineEdit()
        self.field.setPlaceholderText("Type part of a title…")
        self.list = QListWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addWidget(self.list)
        self.field.textChanged.connect(self._on_field_text_changed)
        self.field.returnPressed.connect(self._choose_current)
        self.field.installEventFilter(self)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self._on_field_text_changed("")

    def _on_field_text_changed(self, text: str) -> None:
        self.list.clear()
        for entry in self.filter.rank(text, LIMIT):
            item = QListWidgetItem(f"{entry.title}    —  {entry.crumbs}")
            item.setData(REF_ROLE, entry.ref)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _choose_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._on_list_item_activated(item)

    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        self.article_chosen.emit(item.data(REF_ROLE))
        self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
                self.list.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)
