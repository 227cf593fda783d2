"""The search feature: Ctrl+K searches every pack (articles, and your own notes and
highlights) as you type, off the UI thread; the results replace the tree until the search is
cleared; opening one shows the article with the words marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from nexus_desktop.services.refs import ArticleRef
from nexus_desktop.ui.actions import ActionSpec

if TYPE_CHECKING:
    from nexus_desktop.search.results import SearchHit, SearchResults
    from nexus_desktop.ui.main_window import MainWindow
    from nexus_desktop.ui.tasks import TaskContext

ACTIONS = (
    ActionSpec("search", "&Search Everything", ("Ctrl+K", "Ctrl+Shift+F"), "",
               "Search every content pack and your notes (Ctrl+K)", menu="edit",
               section="search", handler="focus"),
)  # fmt: skip


class SearchFeature(QObject):
    """Owns the search panel's wiring; the window only gives it a place (``search_panel``)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.panel = window.search_panel
        self._generation = 0
        self.panel.query_changed.connect(self.run)
        self.panel.hit_activated.connect(self._on_hit_activated)
        self.panel.cleared.connect(window.tree.show)
        self.panel.results.currentRowChanged.connect(self._on_current_changed)
        window.search_ready.connect(self._on_search_ready)

    def focus(self) -> None:
        self.panel.focus_field()

    def run(self, text: str) -> None:
        """Search for ``text`` in the background; only the newest query's results are shown."""
        window = self.window
        if window.search_service is None or not text.strip():
            return
        self._generation += 1
        generation = self._generation
        service, packs, study, library = (
            window.search_service, window.library.packs, window.study, window.library
        )  # fmt: skip

        def titles(pack_id: str, article_id: str) -> tuple[str, str]:
            article = library.article(ArticleRef(pack_id, article_id))
            pack = library.pack(pack_id)
            if article is None or pack is None:
                return article_id, "not in an open pack"
            crumbs = " › ".join(area.title for area in pack.area_of(article).breadcrumb())
            return article.title, crumbs

        def work(_ctx: TaskContext) -> SearchResults:
            from nexus_desktop.services.study import search_everything

            return search_everything(service, packs, study, text, titles, limit=30)  # type: ignore[no-any-return]

        def show(results: SearchResults) -> None:
            if generation == self._generation:
                self._show(results)

        window.background(work, "Search failed").on_success(show).start(window.pool)

    def _show(self, results: SearchResults) -> None:
        window = self.window
        window.tree.hide()
        self.panel.show_results(results)
        for notice in results.notices:
            window.statusBar().showMessage(notice, 10000)
        window.search_results_shown.emit(results)

    def _on_search_ready(self, _pack_id: str) -> None:
        if self.panel.active:  # the results may now include this pack
            self.run(self.panel.field.text())

    def _on_current_changed(self, _row: int) -> None:
        self.panel.results.scrollToItem(self.panel.results.currentItem())

    def _on_hit_activated(self, hit: SearchHit, terms: list[str]) -> None:
        """Open the article (at the section a learner's question led to); a quiz question
        opens at the section it asks about, and is offered to answer."""
        from nexus_desktop.search.query import match_pattern

        window = self.window
        anchor = hit.anchor
        quiz = getattr(window, "quiz_feature", None)
        if hit.kind == "question" and quiz is not None:
            from nexus_desktop.services.quiz import QuestionKey

            item = window.quiz.item(hit.pack, hit.question)
            if item is not None:
                window.open_marking(ArticleRef(hit.pack, item.source_article, item.anchor), None)
                quiz.start([QuestionKey(hit.pack, hit.question)], "A question from search")
                return
        window.open_marking(ArticleRef(hit.pack, hit.id, anchor), match_pattern(terms))
