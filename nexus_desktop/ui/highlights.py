"""The highlights feature: select text in the reader, then *Highlight* (four colours) or
*Add Note to Passage…* from the context menu or the shortcuts. Each passage is anchored by
quote (study/anchoring.py) and found again when the article changes; the reader paints it, a
passage with a note is underlined and shows the note as its tooltip, and a passage that can no
longer be found is listed as orphaned under the note panel, never dropped."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QObject, Signal

from nexus_desktop.study.anchoring import Located, PassageAnchor, locate, make_anchor
from nexus_desktop.ui.actions import ActionSpec

if TYPE_CHECKING:
    from nexus_desktop.services.refs import ArticleRef
    from nexus_desktop.services.study import StudyService
    from nexus_desktop.storage.records import HighlightRecord
    from nexus_desktop.ui.db import FutureRelay
    from nexus_desktop.ui.main_window import MainWindow

ACTIONS = (
    ActionSpec("highlight", "&Highlight Selection", ("Ctrl+Shift+H",), "",
               "Highlight the selected passage (Ctrl+Shift+H)", menu="study", section="passages",
               handler="highlight_in_yellow"),
    ActionSpec("passage_note", "Add &Note to Selection…", ("Ctrl+Shift+N",), "",
               "Write a note on the selected passage (Ctrl+Shift+N)", menu="study",
               section="passages", handler="note_on_selection"),
)  # fmt: skip
COLOURS = {  # name -> (light theme, dark theme)
    "yellow": ("#fde68a", "#7c5e10"),
    "green": ("#bbf7d0", "#1f6b3a"),
    "blue": ("#bfdbfe", "#1e4b8f"),
    "pink": ("#fbcfe8", "#7d2452"),
}


class HighlightsFeature(QObject):
    changed = Signal()  # the current article's highlights were loaded or changed

    def __init__(
        self,
        study: StudyService,
        relay: FutureRelay,
        window: MainWindow,
        actions: dict[str, QtGui.QAction],
        heading_at: Callable[[int], str],
    ) -> None:
        super().__init__(window)
        self.study = study
        self.relay = relay
        self.window = window
        self.reader = window.reader
        self.heading_at = heading_at
        self.current: ArticleRef | None = None
        self.records: list[HighlightRecord] = []
        self.placed: dict[str, Located] = {}  # highlight id -> where it is in the reader now
        self._removed: list[str] = []
        for action in actions.values():
            action.setEnabled(not study.read_only)
        self.reader.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self.reader.customContextMenuRequested.connect(self._on_context_menu_requested)
        self.reader.part_changed.connect(lambda _part, _count: self.paint())

    # -- which article -----------------------------------------------------------------------
    def show_article(self, ref: ArticleRef) -> None:
        """Load the article's highlights (again: a theme change re-renders it) and paint them."""
        self.current = ref
        self.relay.when_done(
            self.study.highlights(ref.pack_id, ref.article_id),
            lambda records, wanted=ref: self._on_loaded(wanted, records),
        )

    def _on_loaded(self, wanted: ArticleRef, records: list[HighlightRecord]) -> None:
        if wanted != self.current:
            return
        self.records = records
        self.paint()

    @property
    def orphaned(self) -> list[HighlightRecord]:
        return [r for r in self.records if r.id not in self.placed]

    # -- painting ----------------------------------------------------------------------------
    def _text(self) -> tuple[str, list[tuple[int, int]]]:
        """The reader's text, block by block, with each block's (text offset, position)."""
        document = self.reader.document()
        parts: list[str] = []
        starts: list[tuple[int, int]] = []
        offset = 0
        block = document.begin()
        while block.isValid():
            starts.append((offset, block.position()))
            parts.append(block.text())
            offset += len(block.text()) + 1
            block = block.next()
        return "\n".join(parts), starts

    @staticmethod
    def _position(starts: list[tuple[int, int]], offset: int) -> int:
        """The document position of a text offset (blocks map one to one inside)."""
        low, high = 0, len(starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if starts[middle][0] <= offset:
                low = middle
            else:
                high = middle - 1
        block_offset, position = starts[low]
        return position + offset - block_offset

    def paint(self) -> None:
        text, starts = self._text()
        self.placed = {}
        dark = self.window.theme.name == "dark"
        batch = QtGui.QTextCursor(self.reader.document())
        batch.beginEditBlock()  # one relayout for all the passages, not one each
        for record in self.records:
            anchor = PassageAnchor(record.exact, record.prefix, record.suffix, record.position,
                                   record.heading)  # fmt: skip
            found = locate(anchor, text)
            if found is None:
                continue
            self.placed[record.id] = found
            cursor = QtGui.QTextCursor(self.reader.document())
            cursor.setPosition(self._position(starts, found.start))
            cursor.setPosition(
                self._position(starts, found.end), QtGui.QTextCursor.MoveMode.KeepAnchor
            )
            fmt = QtGui.QTextCharFormat()
            light, darker = COLOURS.get(record.colour, COLOURS["yellow"])
            fmt.setBackground(QtGui.QColor(darker if dark else light))
            if record.note:
                fmt.setUnderlineStyle(QtGui.QTextCharFormat.UnderlineStyle.DotLine)
                fmt.setToolTip(record.note)
            cursor.mergeCharFormat(fmt)
        batch.endEditBlock()
        self.changed.emit()

    # -- making and changing highlights ------------------------------------------------------
    def _selection_anchor(self) -> PassageAnchor | None:
        cursor = self.reader.textCursor()
        if not cursor.hasSelection():
            self.window.statusBar().showMessage("Select a passage in the article first.", 6000)
            return None
        text, starts = self._text()
        positions = [position for _offset, position in starts]
        start_pos, end_pos = cursor.selectionStart(), cursor.selectionEnd()
        start = self._offset(starts, positions, start_pos)
        end = self._offset(starts, positions, end_pos)
        return make_anchor(text, start, end, heading=self.heading_at(start_pos))

    @staticmethod
    def _offset(starts: list[tuple[int, int]], positions: list[int], position: int) -> int:
        import bisect

        index = max(0, bisect.bisect_right(positions, position) - 1)
        block_offset, block_position = starts[index]
        return block_offset + position - block_position

    def highlight_in_yellow(self) -> None:
        self.highlight_selection("yellow")

    def highlight_selection(self, colour: str, note: str = "") -> None:
        ref = self.current
        anchor = self._selection_anchor()
        if ref is None or anchor is None or self.study.read_only:
            return
        future = self.study.add_highlight(ref.pack_id, ref.article_id, anchor, colour, note)
        self.relay.when_done(future, lambda _record: self.show_article(ref))

    def note_on_selection(self) -> None:
        if not self.reader.textCursor().hasSelection():
            self._selection_anchor()  # says what to do
            return
        note, ok = QtWidgets.QInputDialog.getMultiLineText(
            self.window, "Note on this passage", "Your note:"
        )
        if ok and note.strip():
            self.highlight_selection("yellow", note.strip())

    def scroll_to(self, highlight_id: str) -> bool:
        """Put the reader's cursor on a painted passage; False when it is not in the article."""
        found = self.placed.get(highlight_id)
        if found is None:
            return False
        _text, starts = self._text()
        cursor = QtGui.QTextCursor(self.reader.document())
        cursor.setPosition(self._position(starts, found.start))
        self.reader.setTextCursor(cursor)
        self.reader.ensureCursorVisible()
        return True

    def highlight_at(self, position: int) -> HighlightRecord | None:
        """The highlight painted over a document position, if any."""
        text, starts = self._text()
        del text
        for record in self.records:
            found = self.placed.get(record.id)
            if found is None:
                continue
            if self._position(starts, found.start) <= position < self._position(starts, found.end):
                return record
        return None

    def remove(self, record: HighlightRecord) -> None:
        self._removed.append(record.id)
        ref = self.current
        future = self.study.delete_highlight(record.id)
        self.relay.when_done(future, lambda _none: self._repaint_from_scratch(ref))

    def undo_remove(self) -> None:
        if self._removed:
            ref = self.current
            future = self.study.restore_highlight(self._removed.pop())
            self.relay.when_done(future, lambda _none: self._repaint_from_scratch(ref))

    def edit_note(self, record: HighlightRecord) -> None:
        note, ok = QtWidgets.QInputDialog.getMultiLineText(
            self.window, "Note on this passage", "Your note:", record.note
        )
        if ok:
            ref = self.current
            future = self.study.update_highlight(record.id, note=note.strip())
            self.relay.when_done(future, lambda _r: self._repaint_from_scratch(ref))

    def recolour(self, record: HighlightRecord, colour: str) -> None:
        ref = self.current
        future = self.study.update_highlight(record.id, colour=colour)
        self.relay.when_done(future, lambda _r: self._repaint_from_scratch(ref))

    def _repaint_from_scratch(self, ref: ArticleRef | None) -> None:
        """Formats cannot be taken off a passage cleanly: show the article again, which
        reloads and repaints its highlights."""
        if ref is not None and ref == self.current:
            scroll = self.reader.verticalScrollBar().value()
            self.window.open_ref(ref, push=False, scroll=scroll)

    # -- the context menu --------------------------------------------------------------------
    def _on_context_menu_requested(self, point: QtCore.QPoint) -> None:
        menu = self.reader.createStandardContextMenu(point)
        cursor = self.reader.cursorForPosition(point)
        record = self.highlight_at(cursor.position())
        writable = not self.study.read_only
        if self.reader.textCursor().hasSelection() and writable:
            menu.addSeparator()
            colours = menu.addMenu("Highlight")
            for name in COLOURS:
                action = colours.addAction(name.capitalize())
                action.triggered.connect(lambda _c=False, n=name: self.highlight_selection(n))
            menu.addAction(self.window.actions_by_name["passage_note"])
        if record is not None and writable:
            menu.addSeparator()
            if record.note:
                shown = record.note if len(record.note) < 80 else record.note[:77] + "…"
                menu.addAction(f"Note: {shown}").setEnabled(False)
            menu.addAction("Edit Note on Passage…").triggered.connect(
                lambda: self.edit_note(record)
            )
            recolour = menu.addMenu("Colour")
            for name in COLOURS:
                action = recolour.addAction(name.capitalize())
                action.triggered.connect(lambda _c=False, n=name: self.recolour(record, n))
            menu.addAction("Remove Highlight").triggered.connect(lambda: self.remove(record))
        if self._removed and writable:
            menu.addAction("Undo Removing a Highlight").triggered.connect(self.undo_remove)
        menu.exec(self.reader.viewport().mapToGlobal(point))
        menu.deleteLater()
