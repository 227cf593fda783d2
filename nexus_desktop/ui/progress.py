"""The reading-progress feature: when an article was first and last opened, active reading time
(only while the window is active and the learner is not idle), how far down they got, where
they stopped, and *completed* (Ctrl+E, or offered on reaching the end). The tree shows ✓ on
completed articles and "done/total" beside each area; reopening an article from the tree
returns to where the learner stopped."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from nexus_desktop.ui.actions import ActionSpec

if TYPE_CHECKING:
    from PySide6 import QtGui

    from nexus_desktop.services.refs import ArticleRef
    from nexus_desktop.services.study import StudyService
    from nexus_desktop.storage.records import ProgressRecord
    from nexus_desktop.ui.db import FutureRelay
    from nexus_desktop.ui.main_window import MainWindow

ACTIONS = (
    ActionSpec("completed", "Mark Article as &Completed", ("Ctrl+E",), "",
               "Mark this article as completed, or not (Ctrl+E)", checkable=True,
               menu="study", section="progress", handler="toggle_completed"),
)  # fmt: skip
TICK_MS = 5_000
IDLE_SECONDS = 90  # no key, mouse or wheel for this long: not reading
FLUSH_EVERY_TICKS = 6  # reading time reaches the database every 30 s (and on switching)
_INPUT = frozenset(
    {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
     QEvent.Type.MouseMove}
)  # fmt: skip


class ProgressFeature(QObject):
    updated = Signal()  # a progress record was written (the start page shows fresh figures)

    def __init__(
        self,
        study: StudyService,
        relay: FutureRelay,
        window: MainWindow,
        actions: dict[str, QtGui.QAction],
        on_marks_changed: Callable[[set[tuple[str, str]]], None],
        digest_of: Callable[[ArticleRef], str] = lambda _ref: "",
    ) -> None:
        super().__init__(window)
        self.study = study
        self.relay = relay
        self.window = window
        self.toggle = actions["completed"]
        self.on_marks_changed = on_marks_changed
        self.digest_of = digest_of
        self.records: dict[tuple[str, str], ProgressRecord] = {}
        self.current: ArticleRef | None = None
        self._reading_ms = 0
        self._furthest = 0.0
        self._ticks = 0
        self._last_input = time.monotonic()
        self._offered = False
        self.toggle.setEnabled(not study.read_only)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()
        app = QtCore.QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        window.reader.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        relay.when_done(study.progress(), self._on_progress_loaded)

    # -- state -------------------------------------------------------------------------------
    def reload(self) -> None:
        self.relay.when_done(self.study.progress(), self._on_progress_loaded)

    def _on_progress_loaded(self, records: list[ProgressRecord]) -> None:
        self.records = {(r.pack_id, r.article_id): r for r in records}
        self._update_toggle()
        self.on_marks_changed(self.completed())

    def completed(self) -> set[tuple[str, str]]:
        return {key for key, record in self.records.items() if record.completed_at is not None}

    def changed_since_read(self, ref: ArticleRef) -> bool:
        """Completed, and the article's text is not what it was when it was completed."""
        from nexus_desktop.services.refs import ArticleRef

        record = self.records.get((ref.pack_id, ref.article_id))
        if record is None or record.completed_at is None or not record.completed_digest:
            return False
        now = self.digest_of(ArticleRef(ref.pack_id, ref.article_id))
        return bool(now) and now != record.completed_digest

    def resume_scroll(self, ref: ArticleRef) -> int | None:
        """Where the learner stopped in ``ref`` (None: never read, or read to the start)."""
        record = self.records.get((ref.pack_id, ref.article_id))
        if record is None or record.scroll <= 0:
            return None
        return round(record.scroll * self.window.zoom)  # stored at 100% zoom

    def _store(self, record: ProgressRecord) -> None:
        key = (record.pack_id, record.article_id)
        was_done = key in self.records and self.records[key].completed_at is not None
        self.records[key] = record
        if was_done != (record.completed_at is not None):
            self.on_marks_changed(self.completed())
        self._update_toggle()
        self.updated.emit()

    # -- following the reader ----------------------------------------------------------------
    def leave(self, ref: ArticleRef, scroll: int) -> None:
        """Another article is about to replace ``ref`` in the reader: write where it stood."""
        if self.current is not None and self.current == ref:
            self.flush(scroll=scroll)
            self.current = None

    def show_article(self, ref: ArticleRef) -> None:
        if self.current is not None and (self.current.pack_id, self.current.article_id) == (
            ref.pack_id,
            ref.article_id,
        ):
            return
        self.flush()
        self.current = ref
        self._furthest = 0.0
        self._offered = False
        self._update_toggle()
        if not self.study.read_only:
            future = self.study.record_reading(ref.pack_id, ref.article_id, opened=True)
            self.relay.when_done(future, self._store)

    def flush(self, scroll: int | None = None) -> None:
        """Write the reading time and position gathered for the current article (``scroll``:
        its position in pixels, when the reader no longer shows it)."""
        ref = self.current
        if ref is None or self.study.read_only:
            return
        if scroll is None:
            scroll = self.window.reader.verticalScrollBar().value()
        scroll = round(scroll / max(self.window.zoom, 0.1))
        ms, self._reading_ms, self._ticks = self._reading_ms, 0, 0
        future = self.study.record_reading(
            ref.pack_id, ref.article_id, reading_ms=ms, furthest=self._furthest, scroll=scroll
        )
        self.relay.when_done(future, self._store)

    def _on_tick(self) -> None:
        if self.current is None or not self.window.isActiveWindow():
            return
        if time.monotonic() - self._last_input > IDLE_SECONDS:
            return
        self._reading_ms += TICK_MS
        self._ticks += 1
        if self._ticks >= FLUSH_EVERY_TICKS:
            self.flush()

    def _on_scrolled(self, value: int) -> None:
        bar = self.window.reader.verticalScrollBar()
        if bar.maximum() <= 0:
            return
        self._furthest = max(self._furthest, value / bar.maximum())
        if self._furthest >= 0.98 and not self._offered and not self.toggle.isChecked():
            self._offered = True
            self.window.statusBar().showMessage(
                "You reached the end of the article: Ctrl+E marks it completed.", 10000
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self._last_input = time.monotonic()
        return False

    # -- completion --------------------------------------------------------------------------
    def _update_toggle(self) -> None:
        ref = self.current
        record = self.records.get((ref.pack_id, ref.article_id)) if ref else None
        self.toggle.setChecked(record is not None and record.completed_at is not None)
        if ref is not None and self.changed_since_read(ref):
            self.window.statusBar().showMessage(
                "This article has changed since you completed it: worth reading again.", 10000
            )

    def toggle_completed(self, checked: bool) -> None:
        ref = self.current
        if ref is None or self.study.read_only:
            self._update_toggle()
            return
        digest = self.digest_of(ref) if checked else ""
        future = self.study.set_completed(ref.pack_id, ref.article_id, checked, digest)
        self.relay.when_done(future, self._store)
