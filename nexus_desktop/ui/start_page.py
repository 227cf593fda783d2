"""The start page (Go → Start Page, Alt+Home): *Continue where you left off* (articles opened
and not completed, newest first) and *Next up* (articles whose prerequisites are completed, in
the hub's learning-path order), with how far the learner has got."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from nexus_desktop.services.refs import article_url
from nexus_desktop.study.path import PathStep, continue_reading, next_up
from nexus_desktop.ui.actions import ActionSpec

if TYPE_CHECKING:
    from PySide6 import QtGui

    from nexus_desktop.ui.main_window import MainWindow
    from nexus_desktop.ui.progress import ProgressFeature

ACTIONS = (
    ActionSpec("start_page", "&Start Page", ("Alt+Home",), "",
               "Continue where you left off, and what to read next (Alt+Home)", menu="go",
               section="start", handler="show"),
)  # fmt: skip


class StartPage(QObject):
    def __init__(
        self, window: MainWindow, progress: ProgressFeature, actions: dict[str, QtGui.QAction]
    ) -> None:
        super().__init__(window)
        self.window = window
        self.progress = progress
        self.showing = False
        progress.updated.connect(self._on_progress_updated)
        window.article_shown.connect(self._on_article_shown)

    def _on_article_shown(self, _ref: object) -> None:
        self.showing = False

    def _on_progress_updated(self) -> None:
        if self.showing and self.window.current is None:
            scroll = self.window.reader.verticalScrollBar().value()
            self.window.reader.show_html(self.html(), scroll=scroll)

    def html(self) -> str:
        library = self.window.library
        records = self.progress.records
        parts = ["<h1>Welcome back</h1>"]
        opened = [(f"{pack}\x00{article}", r.last_opened_at, r.completed_at is not None)
                  for (pack, article), r in records.items()]  # fmt: skip
        recent = []
        for key in continue_reading(opened, limit=4):
            pack_id, article_id = key.split("\x00", 1)
            from nexus_desktop.services.refs import ArticleRef

            article = library.article(ArticleRef(pack_id, article_id))
            if article is not None and not article.is_index:
                record = records[(pack_id, article_id)]
                recent.append((pack_id, article, record.furthest))
        parts.append("<h2>Continue where you left off</h2>")
        if recent:
            items = [
                f'<li><a href="{article_url(pack_id, article.id)}">{html.escape(article.title)}'
                f"</a> — {round(furthest * 100)}% read</li>"
                for pack_id, article, furthest in recent
            ]
            parts.append("<ul>" + "".join(items) + "</ul>")
        else:
            parts.append("<p>Nothing yet: open an article and it appears here.</p>")
        parts.append("<h2>Next up</h2>")
        for pack in library.packs:
            done = {a for (p, a), r in records.items() if p == pack.id and r.completed_at}
            articles = [a for area in pack.root_area.walk_areas() for a in area.articles]
            steps = [PathStep(a.id, tuple(a.prerequisites)) for a in articles]
            upcoming = next_up(steps, done, limit=5)
            if not upcoming:
                continue
            total = len(steps)
            parts.append(
                f"<p><b>{html.escape(pack.name)}</b> — {len(done)} of {total} articles "
                "completed</p><ol>"
            )
            for article_id in upcoming:
                article = pack.articles[article_id]  # type: ignore[index]
                minutes = f" ({article.minutes} min)" if article.minutes else ""
                summary = (
                    f"<br><small>{html.escape(article.summary)}</small>" if article.summary else ""
                )
                parts.append(
                    f'<li><a href="{article_url(pack.id, article.id)}">'
                    f"{html.escape(article.title)}</a>{minutes}{summary}</li>"
                )
            parts.append("</ol>")
        return "\n".join(parts)

    def show(self) -> None:
        window = self.window
        if window.current is not None:
            window.leaving_article.emit(window.current, window.reader.verticalScrollBar().value())
        window.current = None
        window.notes.leave()
        window.outline.clear()
        window.breadcrumb.setText("")
        window.setWindowTitle("Start — Nexus Desktop")
        window.reader.show_html(self.html())
        self.showing = True
