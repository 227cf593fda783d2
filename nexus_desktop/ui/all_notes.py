"""*All Notes* (Ctrl+Shift+A): every note and highlighted passage across packs, grouped by pack
and area, filtered by text, colour and pack; opening one goes to the article (at the passage);
deleting can be undone. Notes whose article has left every open pack are listed as orphaned:
readable, exportable, and re-attachable to the article now open."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog

from nexus_desktop.ui.actions import ActionSpec

if TYPE_CHECKING:
    from nexus_desktop.services.library import Library
    from nexus_desktop.services.refs import ArticleRef
    from nexus_desktop.services.study import StudyService
    from nexus_desktop.storage.records import HighlightRecord, NoteRecord
    from nexus_desktop.ui.db import FutureRelay

ACTIONS = (
    ActionSpec("all_notes", "&All Notes and Highlights…", ("Ctrl+Shift+A",), "",
               "Everything you have written and highlighted, in every pack", menu="study",
               section="all_notes"),
)  # fmt: skip
RECORD_ROLE = QtCore.Qt.ItemDataRole.UserRole + 1
ORPHANED = "Orphaned (no longer in an open pack)"
SHOWN = 400  # rows made at a time: a filter over 10,000 notes stays quick
FILTER_DELAY_MS = 120  # typing in the filter refills once the learner pauses


class _Row(NamedTuple):
    kind: str  # "note" or "passage"
    record: Any
    group: str
    title: str
    text: str
    folded: str  # text.casefold(), for the filter


class AllNotesDialog(QDialog):
    open_requested = Signal(object, str)  # ArticleRef, highlight id ("" for a note)

    def __init__(
        self,
        study: StudyService,
        relay: FutureRelay,
        library: Library,
        current: Callable[[], ArticleRef | None],
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("All notes and highlights")
        self.resize(820, 560)
        self.study, self.relay, self.library, self.current = study, relay, library, current
        self.notes: list[NoteRecord] = []
        self.passages: list[HighlightRecord] = []
        self._deleted: list[tuple[str, str]] = []  # (kind, id), for undo
        self.filter = QtWidgets.QLineEdit()
        self.filter.setPlaceholderText("Filter by text…")
        self.colour = QtWidgets.QComboBox()
        self.colour.addItems(["Any colour", "Notes only", "yellow", "green", "blue", "pink"])
        self.pack = QtWidgets.QComboBox()
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.colour)
        bar.addWidget(self.pack)
        self.tree = QtWidgets.QTreeWidget()
        self.tree.setHeaderLabels(["What", "Where"])
        self.tree.setColumnWidth(0, 470)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        buttons = QtWidgets.QHBoxLayout()
        self.open_button = QtWidgets.QPushButton("Open")
        self.delete_button = QtWidgets.QPushButton("Delete")
        self.undo_button = QtWidgets.QPushButton("Undo Delete")
        self.attach_button = QtWidgets.QPushButton("Attach to the Open Article")
        self.attach_button.setToolTip("Move an orphaned note to the article now in the reader")
        for button in (self.open_button, self.delete_button, self.undo_button,
                       self.attach_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QtWidgets.QPushButton("Close")
        buttons.addWidget(close)
        layout = QtWidgets.QVBoxLayout(self)
        self.summary = QtWidgets.QLabel()
        self.summary.setObjectName("allNotesSummary")
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.undo_button.setEnabled(False)
        writable = not study.read_only
        self.delete_button.setEnabled(writable)
        self.attach_button.setEnabled(writable)
        self._rows: list[_Row] = []
        self._timer = QtCore.QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._timer.timeout.connect(self._fill)
        self.filter.textChanged.connect(self._timer.start)
        self.colour.currentIndexChanged.connect(self._fill)
        self.pack.currentIndexChanged.connect(self._fill)
        self.tree.itemActivated.connect(self._on_item_activated)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.undo_button.clicked.connect(self._on_undo_clicked)
        self.attach_button.clicked.connect(self._on_attach_clicked)
        close.clicked.connect(self.close)
        self.reload()

    # -- data --------------------------------------------------------------------------------
    def reload(self) -> None:
        def loaded(notes: list[NoteRecord]) -> None:
            self.notes = notes
            self.relay.when_done(self.study.highlights(), passages_loaded)

        def passages_loaded(passages: list[HighlightRecord]) -> None:
            self.passages = passages
            packs = sorted({r.pack_id for r in [*self.notes, *self.passages]})
            chosen = self.pack.currentText()
            self.pack.blockSignals(True)
            self.pack.clear()
            self.pack.addItems(["Every pack", *packs])
            if chosen in packs:
                self.pack.setCurrentText(chosen)
            self.pack.blockSignals(False)
            self._rows = self._make_rows()
            self._fill()

        self.relay.when_done(self.study.notes(), loaded)

    def _where(self, pack_id: str, article_id: str) -> tuple[str, str]:
        """(group, article title); group is "Pack › Area" or ORPHANED."""
        from nexus_desktop.services.refs import ArticleRef

        pack = self.library.pack(pack_id)
        article = self.library.article(ArticleRef(pack_id, article_id))
        if pack is None or article is None:
            return ORPHANED, f"{pack_id} / {article_id}"
        area = " › ".join(a.title for a in pack.area_of(article).breadcrumb())
        return area, article.title

    def _make_rows(self) -> list[_Row]:
        """Every note and passage with its place and text, worked out once per load."""
        rows = []
        for kind, records in (("note", self.notes), ("passage", self.passages)):
            for record in records:
                note = kind == "note"
                text = record.body if note else f"“{record.exact}” {record.note}".strip()
                group, title = self._where(record.pack_id, record.article_id)
                rows.append(_Row(kind, record, group, title, text, text.casefold()))
        return rows

    def _fill(self) -> None:
        """Show the rows that pass the filters (at most ``SHOWN``), grouped by area."""
        from nexus_desktop.ui.highlights import COLOURS

        self._timer.stop()
        needle = self.filter.text().strip().casefold()
        colour = self.colour.currentText()
        pack = self.pack.currentText()
        every_pack = pack in ("", "Every pack")
        matching = [
            row for row in self._rows
            if (every_pack or row.record.pack_id == pack)
            and (colour == "Any colour" or (colour == "Notes only") == (row.kind == "note"))
            and (colour in ("Any colour", "Notes only") or row.record.colour == colour)
            and (not needle or needle in row.folded)
        ]  # fmt: skip
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        groups: dict[str, QtWidgets.QTreeWidgetItem] = {}
        for row in matching[:SHOWN]:
            parent = groups.get(row.group)
            if parent is None:
                parent = groups[row.group] = QtWidgets.QTreeWidgetItem([row.group, ""])
                font = parent.font(0)
                font.setBold(True)
                parent.setFont(0, font)
                self.tree.addTopLevelItem(parent)
            shown = " ".join(row.text[:400].split())
            label = ("✎ " if row.kind == "note" else "▍ ") + (
                shown[:240] + ("…" if len(shown) > 240 or len(row.text) > 400 else "")
            )
            item = QtWidgets.QTreeWidgetItem([label, row.title])
            item.setToolTip(0, row.text[:2000])
            item.setData(0, RECORD_ROLE, (row.kind, row.record))
            if row.kind == "passage":
                background = COLOURS.get(row.record.colour, COLOURS["yellow"])[0]
                item.setBackground(0, QtGui.QColor(background))
                item.setForeground(0, QtGui.QColor("#111827"))
            parent.addChild(item)
        self.tree.expandAll()
        self.tree.setUpdatesEnabled(True)
        total = len(self._rows)
        if len(matching) > SHOWN:
            self.summary.setText(
                f"Showing {SHOWN:,} of {len(matching):,} — type in the filter to narrow them."
            )
        elif total:
            self.summary.setText(f"{len(matching):,} of {total:,} shown.")
        else:
            self.summary.setText(
                "No notes or highlights yet: select text in an article and press Ctrl+Shift+H "
                "to highlight it, or write in the note panel."
            )

    def selected(self) -> tuple[str, object] | None:
        item = self.tree.currentItem()
        data = item.data(0, RECORD_ROLE) if item is not None else None
        return data if isinstance(data, tuple) else None

    # -- actions -----------------------------------------------------------------------------
    def _on_item_activated(self, item: QtWidgets.QTreeWidgetItem, _column: int) -> None:
        self._open(item.data(0, RECORD_ROLE))

    def _on_open_clicked(self) -> None:
        self._open(self.selected())

    def _open(self, data: object) -> None:
        from nexus_desktop.services.refs import ArticleRef

        if not isinstance(data, tuple):
            return
        kind, record = data
        ref = ArticleRef(record.pack_id, record.article_id)
        if self.library.article(ref) is None:
            QtWidgets.QMessageBox.information(
                self, "Orphaned", "That article is not in any open pack any more; your words are "
                "kept here and can be attached to another article.",
            )  # fmt: skip
            return
        self.open_requested.emit(ref, record.id if kind == "passage" else "")

    def _on_delete_clicked(self) -> None:
        data = self.selected()
        if data is None:
            return
        kind, record = data
        if kind == "note":
            future = self.study.save_note(record.pack_id, record.article_id, "")  # type: ignore[attr-defined]
        else:
            future = self.study.delete_highlight(record.id)  # type: ignore[attr-defined]
        self._deleted.append((kind, record.id))  # type: ignore[attr-defined]
        self.undo_button.setEnabled(True)
        self.relay.when_done(future, lambda _r: self.reload())

    def _on_undo_clicked(self) -> None:
        if not self._deleted:
            return
        kind, record_id = self._deleted.pop()
        self.undo_button.setEnabled(bool(self._deleted))
        if kind == "note":
            future = self.study.restore_note(record_id)
        else:
            future = self.study.restore_highlight(record_id)
        self.relay.when_done(future, lambda _r: self.reload())

    def _on_attach_clicked(self) -> None:
        data = self.selected()
        target = self.current()
        if data is None or target is None:
            return
        kind, record = data
        if kind != "note":
            return
        future = self.study.move_note(record.id, target.pack_id, target.article_id)  # type: ignore[attr-defined]
        self.relay.when_done(future, lambda _r: self.reload())
