"""The notes feature: one Markdown note per article, beside the reader, saved as you type.

No Save button. A change is written about a second after typing stops (debounced), when
another article is opened, and when the app quits; at most about a second of typing is ever
at risk. Edit and preview; a line under the note says whether it is saved.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextBrowser, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from nexus_desktop.services.refs import ArticleRef
    from nexus_desktop.services.study import StudyService
    from nexus_desktop.storage.records import NoteRecord
    from nexus_desktop.ui.db import FutureRelay

AUTOSAVE_MS = 800
FLUSH_SECONDS = 3.0  # how long quitting waits for the last save


class NotesPanel(QWidget):
    """The note on the current article. ``saved`` is emitted once a write is committed."""

    saved = Signal(object)  # NoteRecord | None (None: the note was emptied)
    passage_activated = Signal(str)  # highlight id

    def __init__(self, study: StudyService, relay: FutureRelay, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("notesPanel")
        self.study = study
        self.relay = relay
        self.ref: ArticleRef | None = None
        self._saved_text = ""
        self._loading = False
        self._pending = None  # the future of the last save, until it is done
        title = QLabel("<b>Your note</b> on this article")
        title.setContentsMargins(4, 4, 4, 0)
        self.mode = QtWidgets.QToolButton()
        self.mode.setText("Preview")
        self.mode.setCheckable(True)
        self.mode.setToolTip("Show the note formatted (Ctrl+Shift+M)")
        header = QtWidgets.QHBoxLayout()
        header.addWidget(title, 1)
        header.addWidget(self.mode)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteEditor")
        self.editor.setPlaceholderText(
            "Write what you understood, in your own words (Markdown).\nSaved as you type."
        )
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.hide()
        self.state = QLabel("")
        self.state.setObjectName("noteState")
        self.state.setContentsMargins(4, 0, 4, 4)
        self.passages_title = QLabel("<b>Highlighted passages</b>")
        self.passages_title.setContentsMargins(4, 6, 4, 0)
        self.passages = QtWidgets.QListWidget()
        self.passages.setObjectName("passages")
        self.passages.setWordWrap(True)
        self.passages.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.passages.itemActivated.connect(self._on_passage_activated)
        self.passages.itemClicked.connect(self._on_passage_activated)
        self.passages_title.hide()
        self.passages.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.state)
        layout.addWidget(self.passages_title)
        layout.addWidget(self.passages)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.save_now)
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.mode.toggled.connect(self._on_mode_toggled)
        self.setEnabled(False)
        if study.read_only:
            self.editor.setReadOnly(True)
            self.state.setText("Read-only: notes cannot be changed here.")

    # -- which article -----------------------------------------------------------------------
    def show_article(self, ref: ArticleRef) -> None:
        """Save the note being written, then load the note on ``ref``."""
        key = (ref.pack_id, ref.article_id)
        if self.ref is not None and (self.ref.pack_id, self.ref.article_id) == key:
            return
        self.save_now()
        self.ref = ref
        self.setEnabled(False)
        self.relay.when_done(
            self.study.note(ref.pack_id, ref.article_id),
            lambda note, wanted=ref: self._on_note_loaded(wanted, note),
        )

    def leave(self) -> None:
        """No article in the reader (the start page): save, then show nothing."""
        self.save_now()
        self.ref = None
        self._loading = True
        self.editor.clear()
        self._saved_text = ""
        self._loading = False
        self.state.setText("")
        self.set_passages([], set())
        self.setEnabled(False)

    def reload(self) -> None:
        """Show the stored note again (after a restore or an import); nothing is saved."""
        ref, self.ref = self.ref, None
        self._timer.stop()
        self._saved_text = self.editor.toPlainText()
        if ref is not None:
            self.show_article(ref)

    def _on_note_loaded(self, wanted: ArticleRef, note: NoteRecord | None) -> None:
        if wanted != self.ref:
            return  # another article was opened meanwhile
        self._loading = True
        self._saved_text = note.body if note else ""
        self.editor.setPlainText(self._saved_text)
        self.editor.moveCursor(QtGui.QTextCursor.MoveOperation.End)  # go on where it ends
        self._loading = False
        self.setEnabled(True)
        if not self.study.read_only:
            self.state.setText("Saved." if note else "")
        if self.mode.isChecked():
            self._render_preview()

    # -- saving ------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self.editor.toPlainText() != self._saved_text

    def _on_editor_text_changed(self) -> None:
        if self._loading or self.study.read_only:
            return
        self.state.setText("Editing…")
        self._timer.start()

    def save_now(self) -> None:
        """Write the note if it changed (on the writer thread)."""
        self._timer.stop()
        if self.ref is None or not self.dirty or self.study.read_only:
            return
        text = self.editor.toPlainText()
        ref = self.ref
        self.state.setText("Saving…")
        future = self.study.save_note(ref.pack_id, ref.article_id, text)
        self._saved_text = text  # what is on its way; a failure puts it back
        self._pending = future

        def done(note: NoteRecord | None) -> None:
            if ref == self.ref and not self.dirty:
                self.state.setText("Saved.")
            self.saved.emit(note)

        def failed(error: BaseException) -> None:
            from nexus_desktop.ui.db import describe

            if ref == self.ref:
                self._saved_text = ""  # not saved: the next change or flush tries again
            self.state.setText(describe(error))

        self.relay.when_done(future, done, failed)

    def flush(self) -> None:
        """Save now and wait (briefly) until the write is committed: for quitting."""
        self.save_now()
        future = self._pending
        if future is not None:
            # A failure is reported by the relay; quitting goes on regardless.
            with contextlib.suppress(Exception):
                future.result(timeout=FLUSH_SECONDS)

    # -- passages ----------------------------------------------------------------------------
    def set_passages(self, records: list[object], found: set[str]) -> None:
        """List the article's highlighted passages; those not found now are marked orphaned."""
        self.passages.clear()
        for record in records:
            exact = " ".join(record.exact.split())  # type: ignore[attr-defined]
            quote = exact if len(exact) <= 90 else exact[:87] + "…"
            note = record.note  # type: ignore[attr-defined]
            line = f"“{quote}”" + (f"\n{note}" if note else "")
            if record.id not in found:  # type: ignore[attr-defined]
                line += "\n(not found in the article now: kept here)"
            item = QtWidgets.QListWidgetItem(line)
            item.setData(QtCore.Qt.ItemDataRole.UserRole, record.id)  # type: ignore[attr-defined]
            if record.id not in found:  # type: ignore[attr-defined]
                item.setForeground(QtGui.QColor("#b45309"))
            self.passages.addItem(item)
        visible = bool(records)
        self.passages_title.setVisible(visible)
        self.passages.setVisible(visible)
        self.passages.setMaximumHeight(min(220, 24 + 44 * len(records)))

    def _on_passage_activated(self, item: QtWidgets.QListWidgetItem) -> None:
        self.passage_activated.emit(str(item.data(QtCore.Qt.ItemDataRole.UserRole)))

    # -- preview -----------------------------------------------------------------------------
    def _on_mode_toggled(self, preview: bool) -> None:
        self.mode.setText("Edit" if preview else "Preview")
        self.editor.setVisible(not preview)
        self.preview.setVisible(preview)
        if preview:
            self._render_preview()
        else:
            self.editor.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)

    def _render_preview(self) -> None:
        from nexus_desktop.render import theme_named
        from nexus_desktop.render.markdown import ArticleRenderer

        text = self.editor.toPlainText()
        if len(text) > 200_000:  # a note this long is shown as it is written
            self.preview.setPlainText(text)
            return
        rendered = ArticleRenderer(theme_named("light"), highlight=False).render(text)
        self.preview.setHtml(rendered.html)
