"""Search as you type: a field, a ranked result list with snippets, and "did you mean"."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from nexus_desktop.ui import roles

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QListWidget, QListWidgetItem

    from nexus_desktop.search.results import SearchHit, SearchResults

DEBOUNCE_MS = 180
HIT_ROLE = roles.USER + 1


class SearchPanel(QWidget):
    """The field and its results. Searching itself is done by whoever handles ``query_changed``."""

    query_changed = Signal(str)  # debounced
    hit_activated = Signal(object, list)  # SearchHit, terms to highlight
    cleared = Signal()

    # Built by finish_setup():
    status: QLabel
    results: QListWidget

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit()
        self.field.setObjectName("searchField")
        self.field.setPlaceholderText("Search everything  (Ctrl+K)")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 0)
        self._layout.setSpacing(3)
        self._layout.addWidget(self.field)
        self._terms: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def finish_setup(self) -> None:
        """Build what the first frame does not show: the status line and result list (hidden
        until there are results) and the field's clear button (shown only with text; its icon
        makes Qt scan every image-format plugin). Searching works from here on."""
        self.status = QLabel()
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        self.status.setContentsMargins(4, 2, 4, 2)
        self.status.hide()
        self.results = QtWidgets.QListWidget()
        self.results.setObjectName("searchResults")
        self.results.setWordWrap(True)
        self.results.setAlternatingRowColors(True)
        self.results.setVerticalScrollMode(self.results.ScrollMode.ScrollPerPixel)
        # Results wrap to the panel's width: never a sideways scroll that cuts titles.
        self.results.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setResizeMode(self.results.ResizeMode.Adjust)
        self.results.viewport().installEventFilter(self)
        self.results.hide()
        self._layout.addWidget(self.status)
        self._layout.addWidget(self.results)
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(self._on_field_text_changed)
        self.field.returnPressed.connect(self.activate_current)
        self.field.installEventFilter(self)
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.results.itemClicked.connect(self._on_results_item_activated)
        self.status.linkActivated.connect(self._on_status_link_activated)

    @property
    def active(self) -> bool:
        return bool(self.field.text().strip())

    def focus_field(self) -> None:
        self.field.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def _on_field_text_changed(self, text: str) -> None:
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self.results.clear()
            self.results.hide()
            self.status.hide()
            self.cleared.emit()

    def _on_timer_timeout(self) -> None:
        self.query_changed.emit(self.field.text())

    def show_results(self, results: SearchResults) -> None:
        """Show results for the query they answer (stale results are ignored)."""
        import html  # not at start-up: html.entities is a 2,000-entry table

        if results.query != self.field.text():
            return
        self._terms = results.terms
        self.results.clear()
        for hit in results.hits:
            item = QtWidgets.QListWidgetItem()
            item.setData(HIT_ROLE, hit)
            label = QLabel(_hit_html(hit))
            label.setWordWrap(True)
            label.setTextFormat(QtCore.Qt.TextFormat.RichText)
            label.setContentsMargins(6, 4, 6, 6)
            label.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setSizePolicy(
                QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred
            )
            item.setToolTip(f"{hit.title}\n{hit.breadcrumb}")
            self.results.addItem(item)
            self.results.setItemWidget(item, label)
            self._fit(item, label)
        if self.results.count():
            self.results.setCurrentRow(0)
        parts = [f"{results.total:,} result{'s' if results.total != 1 else ''}"]
        if results.suggestion:
            link = html.escape(results.suggestion, quote=True)
            parts.append(
                f'Did you mean <a href="{link}"><i>{html.escape(results.suggestion)}</i></a>?'
            )
        parts.extend(html.escape(n) for n in results.notices)
        self.status.setText(" · ".join(parts))
        self.status.show()
        self.results.show()

    def _fit(self, item: QListWidgetItem, label: QLabel) -> None:
        """Size a result to the list's width, its text wrapped (long words too)."""
        width = max(80, self.results.viewport().width())
        height = label.heightForWidth(width)
        item.setSizeHint(QtCore.QSize(width, height if height > 0 else label.sizeHint().height()))

    def _refit(self) -> None:
        for row in range(self.results.count()):
            item = self.results.item(row)
            label = self.results.itemWidget(item)
            if isinstance(label, QLabel):
                self._fit(item, label)

    def _on_status_link_activated(self, suggestion: str) -> None:
        self.field.setText(suggestion)
        self._timer.stop()
        self.query_changed.emit(suggestion)

    def activate_current(self) -> None:
        item = self.results.currentItem()
        if item is None and self.results.count():
            item = self.results.item(0)
        if item is not None:
            self._on_results_item_activated(item)

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        hit = item.data(HIT_ROLE)  # a SearchHit
        if hit is not None:
            self.hit_activated.emit(hit, list(self._terms))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Arrow keys in the field move through the results; Escape clears. Results are
        re-wrapped when the list changes width."""
        if event.type() == QEvent.Type.Resize and watched is not self.field:
            self._refit()
            return False
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            key, keys = cast("QKeyEvent", event).key(), QtCore.Qt.Key
            if key in (keys.Key_Down, keys.Key_Up) and self.results.count():
                step = 1 if key == keys.Key_Down else -1
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
            if key == keys.Key_Escape:
                self.field.clear()
                return True
        return super().eventFilter(watched, event)


def _hit_html(hit: SearchHit) -> str:
    import html

    mark = {"note": "✎ ", "passage": "✎ ", "question": "? Quiz: "}.get(hit.kind, "")
    answers = ""
    if hit.answers:  # why a learner's question found it: the hub's own question it matched
        label = "" if hit.answers.startswith("Glossary: ") else "Answers: "
        answers = (f"<span style='font-size:small'>↳ {label}"
                   f"<i>{html.escape(_breakable(hit.answers[:200]))}</i></span><br>")  # fmt: skip
    return (
        f"<b>{mark}{html.escape(_breakable(hit.title))}</b><br>"
        f"<span style='font-size:small'><i>{html.escape(hit.breadcrumb)}</i></span><br>"
        f"{answers}"
        f"<span style='font-size:small'>{hit.snippet_html}</span>"
    )


def _breakable(text: str) -> str:
    """Let a long word (a file name, an identifier) wrap instead of widening the list."""
    return re.sub(r"(\S{30})(?=\S)", "\\1\u200b", text)
