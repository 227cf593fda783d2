"""How many quiz questions are due, kept current: beside each area and article in the tree,
and for the quiz feature's toolbar button (``counts_changed``). Counting runs on the database
thread; reading the packs' questions (the catalogue) on the thread pool, never on the UI
thread."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from nexus_desktop.ui import roles

if TYPE_CHECKING:
    from nexus_desktop.services.quiz import DueCounts, QuizService
    from nexus_desktop.ui.main_window import MainWindow

REFRESH_EVERY_MS = 5 * 60 * 1000  # questions fall due as time passes


class QuizDue(QObject):
    counts_changed = Signal(object)  # DueCounts

    def __init__(self, window: MainWindow, quiz: QuizService) -> None:
        super().__init__(window)
        self.window = window
        self.quiz = quiz
        self.counts: DueCounts | None = None
        self._timer = QTimer(self, interval=REFRESH_EVERY_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        window.packs_loaded.connect(self._on_packs_loaded)
        window.article_shown.connect(lambda _ref: self.mark_outline())

    def _on_packs_loaded(self) -> None:
        """New or changed packs: flag changed questions, then count again."""

        def counted(_catalogue: object) -> None:
            if self.window.study is None:  # closed while the questions were read
                return
            if not self.quiz.read_only:
                self.window.relay.when_done(self.quiz.sync_changes(), lambda _n: self.refresh())
            else:
                self.refresh()

        self.window.background(lambda _ctx: self.quiz.catalogue(), "Reading the quiz failed") \
            .on_success(counted).start(self.window.pool)  # fmt: skip

    def refresh(self) -> None:
        """Count what is due now (the catalogue is read off the UI thread first)."""
        window = self.window
        task = window.background(lambda _ctx: self.quiz.catalogue(), "Reading the quiz failed")
        task.on_success(self._count)
        task.start(window.pool)

    def _count(self, _catalogue: object) -> None:
        if self.window.study is not None:  # else closed while the questions were read
            self.window.relay.when_done(self.quiz.due_counts(), self._show)

    def _show(self, counts: DueCounts) -> None:
        self.counts = counts
        keys: dict[str, int] = {f"{pack}:{article}": n for (pack, article), n in
                                counts.by_article.items()}  # fmt: skip
        keys.update({f"{pack}:{area}": n for (pack, area), n in counts.by_area.items()})
        keys.update({f"{pack}:": n for pack, n in counts.by_pack.items()})
        self.window.model.set_due(keys)
        self.window.tree.viewport().update()
        self.mark_outline()
        self.counts_changed.emit(counts)

    def mark_outline(self) -> None:
        """Beside each heading of the article on screen: how many questions it answers (and
        how many of them are due), once the questions have been read."""
        from nexus_desktop.ui.main_window import ANCHOR_ROLE

        window, catalogue = self.window, self.quiz.cached_catalogue()
        ref = window.current
        if catalogue is None or ref is None:
            return
        asked = Counter(
            item.anchor
            for item in catalogue.items.values()
            if (item.pack_id, item.source_article) == (ref.pack_id, ref.article_id)
        )
        due = self.counts.by_section if self.counts is not None else {}
        # Walked by index: a QTreeWidgetItemIterator kept alive past outline.clear() can free
        # a row twice (a crash seen in PySide6 6.11).
        stack = [window.outline.topLevelItem(i) for i in range(window.outline.topLevelItemCount())]
        while stack:
            item = stack.pop()
            stack.extend(item.child(i) for i in range(item.childCount()))
            heading = item.data(0, roles.OUTLINE_HEADING) or item.text(0)
            item.setData(0, roles.OUTLINE_HEADING, heading)
            anchor = item.data(0, ANCHOR_ROLE)
            questions = asked.get(anchor, 0)
            due_here = due.get((ref.pack_id, ref.article_id, anchor), 0)
            if questions:
                mark = f"{questions} Q, {due_here} due" if due_here else f"{questions} Q"
                item.setText(0, f"{heading}  · {mark}")
                item.setToolTip(0, f"{heading}\n{questions} quiz question"
                                   f"{'s' if questions != 1 else ''} on this section"
                                   f"{f', {due_here} due' if due_here else ''}"
                                   " (right-click to quiz yourself on it)")  # fmt: skip
            else:
                item.setText(0, heading)
                item.setToolTip(0, heading)
