"""The bookmarks feature: Ctrl+D bookmarks the article (or takes the bookmark away), the
toolbar's star shows whether it is bookmarked, and the Bookmarks menu opens any of them.
Removing a bookmark can be undone from the menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtGui
from PySide6.QtCore import QObject, Signal

from nexus_desktop.ui.actions import ActionSpec

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

    from nexus_desktop.services.refs import ArticleRef
    from nexus_desktop.services.study import StudyService
    from nexus_desktop.storage.records import BookmarkRecord
    from nexus_desktop.ui.db import FutureRelay

ACTIONS = (
    ActionSpec("bookmark", "&Bookmark This Article", ("Ctrl+D",), "",
               "Bookmark this article, or remove its bookmark (Ctrl+D)", checkable=True),
    ActionSpec("undo_bookmark", "&Undo Removing a Bookmark", (), ""),
)  # fmt: skip


class BookmarksFeature(QObject):
    """Owns the bookmark actions and the Bookmarks menu; knows the current article."""

    changed = Signal()  # the list of bookmarks changed

    def __init__(
        self,
        study: StudyService,
        relay: FutureRelay,
        menu: QMenu,
        actions: dict[str, QtGui.QAction],
        open_ref: Callable[[ArticleRef], None],
        title_of: Callable[[ArticleRef], str],
    ) -> None:
        super().__init__(menu)
        self.study = study
        self.relay = relay
        self.menu = menu
        self.toggle = actions["bookmark"]
        self.undo = actions["undo_bookmark"]
        self.undo.setEnabled(False)
        self.open_ref = open_ref
        self.title_of = title_of
        self.current: ArticleRef | None = None
        self.records: list[BookmarkRecord] = []
        self._removed: list[str] = []
        self.toggle.triggered.connect(self._on_toggle_triggered)
        self.undo.triggered.connect(self._on_undo_triggered)
        self.toggle.setEnabled(not study.read_only)
        self.refresh()

    def show_article(self, ref: ArticleRef) -> None:
        self.current = ref
        self._update_star()

    def bookmarked(self, ref: ArticleRef) -> BookmarkRecord | None:
        return next(
            (b for b in self.records
             if (b.pack_id, b.article_id, b.anchor) == (ref.pack_id, ref.article_id, "")),
            None,
        )  # fmt: skip

    def refresh(self) -> None:
        self.relay.when_done(self.study.bookmarks(), self._on_bookmarks_loaded)

    def _on_bookmarks_loaded(self, records: list[BookmarkRecord]) -> None:
        self.records = records
        self._update_star()
        self._rebuild_menu()
        self.changed.emit()

    def _update_star(self) -> None:
        on = self.current is not None and self.bookmarked(self.current) is not None
        self.toggle.setChecked(on)
        self.toggle.setIconText("★" if on else "☆")

    def _rebuild_menu(self) -> None:
        for action in self.menu.actions()[3:]:  # keep: toggle, undo, separator
            self.menu.removeAction(action)
            action.deleteLater()
        if not self.records:
            empty = self.menu.addAction("No bookmarks yet (Ctrl+D bookmarks an article)")
            empty.setEnabled(False)
        for record in self.records:
            action = self.menu.addAction(record.title or record.article_id)
            action.setToolTip(f"{record.pack_id} / {record.article_id}")
            action.triggered.connect(lambda _c=False, r=record: self._open(r))

    def _open(self, record: BookmarkRecord) -> None:
        from nexus_desktop.services.refs import ArticleRef

        self.open_ref(ArticleRef(record.pack_id, record.article_id, record.anchor))

    def _on_toggle_triggered(self) -> None:
        ref = self.current
        if ref is None or self.study.read_only:
            self._update_star()
            return
        existing = self.bookmarked(ref)
        if existing is not None:
            self._removed.append(existing.id)
            self.undo.setEnabled(True)
        future = self.study.toggle_bookmark(ref.pack_id, ref.article_id, "", self.title_of(ref))
        self.relay.when_done(future, lambda _record: self.refresh())

    def _on_undo_triggered(self) -> None:
        if not self._removed:
            return
        future = self.study.restore_bookmark(self._removed.pop())
        self.undo.setEnabled(bool(self._removed))
        self.relay.when_done(future, lambda _none: self.refresh())
