"""Quick switcher (Ctrl+P): jump to any article of any pack by fuzzy-matching its title."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from nexus_desktop.knowledge.model import Pack
from nexus_desktop.services.fuzzy import fuzzy_score
from nexus_desktop.services.library import ArticleRef

LIMIT = 60
REF_ROLE = Qt.ItemDataRole.UserRole + 1


class QuickSwitcher(QDialog):
    article_chosen = Signal(object)  # ArticleRef

    def __init__(self, packs: list[Pack], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Go to article")
        self.resize(620, 420)
        self.entries: list[tuple[str, str, ArticleRef]] = []
        for pack in packs:
            for article in pack.articles.values():
                crumbs = " › ".join(a.title for a in pack.area_of(article).breadcrumb())
                self.entries.append((article.title, crumbs, ArticleRef(pack.id, article.id)))
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
        scored = []
        for title, crumbs, ref in self.entries:
            score = fuzzy_score(text, title)
            if score is not None:
                scored.append((score, title, crumbs, ref))
        scored.sort(key=lambda row: (-row[0], row[1].casefold()))
        self.list.clear()
        for _score, title, crumbs, ref in scored[:LIMIT]:
            item = QListWidgetItem(f"{title}    —  {crumbs}")
            item.setData(REF_ROLE, ref)
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
