"""The study-record features, put in place once the study database is open: the note beside
the reader, bookmarks, reading progress, highlights, the start page, all notes, and the
study-data commands. Each feature module declares its own actions (menu, section, shortcut,
handler) and keeps its widgets; this module only introduces them to the window and to each
other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtWidgets import QDialog, QSplitter, QTabWidget

from nexus_desktop.services.refs import ArticleRef
from nexus_desktop.ui.actions import connect_handlers

if TYPE_CHECKING:
    from nexus_desktop.services.study import StudyService
    from nexus_desktop.ui.main_window import MainWindow
    from nexus_desktop.ui.quiz import QuizFeature


def install(window: MainWindow, study: StudyService) -> None:
    """Build the study features into ``window`` (after ``window.attach``)."""
    from nexus_desktop.ui import all_notes, bookmarks, highlights, progress, start_page
    from nexus_desktop.ui import study_data as data
    from nexus_desktop.ui.db import FutureRelay
    from nexus_desktop.ui.notes_panel import NotesPanel

    relay = window.relay = FutureRelay(window, window.failures.report)
    notes = window.notes = NotesPanel(study, relay)
    # Owned by the window from the start (PySide would otherwise delete it with `right`).
    right = window.side_panel = QSplitter(QtCore.Qt.Orientation.Vertical, window)
    right.setObjectName("sidePanel")
    window.splitter.replaceWidget(window.splitter.indexOf(window.outline), right)
    tabs = window.side_tabs = QTabWidget()
    tabs.setDocumentMode(True)
    tabs.setObjectName("sideTabs")
    window.outline.setHeaderHidden(True)  # the tab says what it is
    tabs.addTab(window.outline, "On this page")
    right.addWidget(tabs)
    right.addWidget(notes)
    right.setSizes([300, 400])
    if window.settings.get("splitter_state") is None:  # first start: room to write
        left, centre, side = window.splitter.sizes()
        window.splitter.setSizes([left, max(400, centre - 100), side + 100])

    menu, actions = window.install_actions("&Bookmarks", bookmarks.ACTIONS)
    window.toolbar.addSeparator()
    window.toolbar.addAction(actions["bookmark"])

    def title_of(ref: ArticleRef) -> str:
        article = window.library.article(ref)
        return article.title if article else ref.article_id

    window.bookmarks = bookmarks.BookmarksFeature(
        study, relay, menu, actions, window.open_ref, title_of,
        current_heading=lambda: bookmarks.heading_in_view(window.reader, window.outline),
        area_of=bookmarks.area_finder(window.library),
    )  # fmt: skip
    tabs.addTab(window.bookmarks.panel, "Bookmarks")
    window.packs_loaded.connect(window.bookmarks.regroup)
    window.pack_removed.connect(window.bookmarks.regroup)

    _menu, progress_actions = window.install_actions("&Study", progress.ACTIONS)

    def show_marks(completed: set[tuple[str, str]]) -> None:
        window.model.set_completed(completed)
        window.tree.viewport().update()

    def digest_of(ref: ArticleRef) -> str:
        article = window.library.article(ref)
        return article.digest if article else ""

    reading = window.progress_feature = progress.ProgressFeature(
        study, relay, window, progress_actions, show_marks, digest_of
    )
    connect_handlers(progress_actions, progress.ACTIONS, reading)
    window.model.changed_since_read = reading.changed_since_read
    window.resume_scroll = reading.resume_scroll  # type: ignore[method-assign]
    window.leaving_article.connect(reading.leave)

    _menu, highlight_actions = window.install_actions("&Study", highlights.ACTIONS)
    marks = window.highlights = highlights.HighlightsFeature(
        study, relay, window, highlight_actions, window.reader.heading_at
    )
    connect_handlers(highlight_actions, highlights.ACTIONS, marks)
    window.article_shown.connect(marks.show_article)
    if window.current is not None:
        marks.show_article(window.current)
    marks.changed.connect(lambda: notes.set_passages(marks.records, set(marks.placed)))
    notes.passage_activated.connect(lambda highlight_id: show_passage(window, highlight_id))

    _menu, start_actions = window.install_actions("&Go", start_page.ACTIONS)
    window.start_page = start_page.StartPage(window, reading, start_actions)
    connect_handlers(start_actions, start_page.ACTIONS, window.start_page)
    _menu, notes_actions = window.install_actions("&Study", all_notes.ACTIONS)
    notes_actions["all_notes"].triggered.connect(lambda: show_all_notes(window))

    install_quiz(window, study)

    _menu, data_actions = window.install_actions("&Study", data.ACTIONS)

    def reload_features() -> None:  # after a restore or an import
        notes.reload()
        window.bookmarks.refresh()
        reading.reload()

    window.study_data = data.StudyDataFeature(study, relay, window, data_actions, reload_features)
    connect_handlers(data_actions, data.ACTIONS, window.study_data)
    for feature in (notes, window.bookmarks, reading):
        window.article_shown.connect(feature.show_article)
        if window.current is not None:
            feature.show_article(window.current)
    for notice in study.status.notices:
        window.statusBar().showMessage(notice, 30000)


def install_quiz(window: MainWindow, study: StudyService) -> None:
    """The quiz over the open packs' questions, in the same database, and its due counts."""
    from nexus_desktop.services.quiz import QuizService
    from nexus_desktop.ui.quiz_due import QuizDue

    def open_packs() -> list[object]:  # validated packs give their checked questions
        library = window.library
        return [library.loaded(pack.id) or pack for pack in library.packs]

    from nexus_desktop.ui import quiz, stats

    settings = window.settings
    window.quiz = QuizService.for_study(
        study, open_packs,  # type: ignore[arg-type]
        desired_retention=settings.get("desired_retention"),
        new_per_session=settings.get("new_per_session"),
    )  # fmt: skip
    window.quiz_due = QuizDue(window, window.quiz)
    feature = window.quiz_feature = quiz.install(window, window.quiz, window.quiz_due)
    window.toolbar.addAction(feature.actions["quiz_due"])  # "Due Today (12)"
    window.stats = stats.install(window, window.quiz)
    feature.session_finished.connect(window.stats.refresh)
    add_quiz_menus(window, feature)
    from nexus_desktop.ui import quiz_extras

    _menu, extra_actions = window.install_actions("&Quiz", quiz_extras.ACTIONS)
    window.quiz_extras = quiz_extras.QuizExtras(window, window.quiz)
    connect_handlers(extra_actions, quiz_extras.ACTIONS, window.quiz_extras)


def add_quiz_menus(window: MainWindow, feature: QuizFeature) -> None:
    """Right-click an area or article in the tree, or a heading in the outline, to quiz
    yourself on it."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtWidgets import QMenu

    from nexus_desktop.ui import roles
    from nexus_desktop.ui.main_window import ANCHOR_ROLE

    def tree_menu(point: QPoint) -> None:
        index = window.tree.indexAt(point)
        if not index.isValid():
            return
        node = window.model.node_for_index(index)
        pack_id, _, node_id = str(index.data(roles.TREE_KEY)).partition(":")
        menu = QMenu(window.tree)
        if node.kind == "article" and node.ref is not None:
            ref = node.ref
            menu.addAction("Quiz Me on This Article").triggered.connect(
                lambda: feature.start_article(ref.pack_id, ref.article_id)
            )
        else:
            what = "Pack" if node.kind == "pack" else "Area"
            menu.addAction(f"Quiz This {what}").triggered.connect(
                lambda: feature.start_area(pack_id, node_id)
            )
        menu.exec(window.tree.viewport().mapToGlobal(point))

    def outline_menu(point: QPoint) -> None:
        item = window.outline.itemAt(point)
        ref = window.current
        if item is None or ref is None:
            return
        anchor = str(item.data(0, ANCHOR_ROLE) or "")
        menu = QMenu(window.outline)
        menu.addAction("Quiz Yourself on This Section").triggered.connect(
            lambda: feature.start_section(ref.pack_id, ref.article_id, anchor)
        )
        menu.exec(window.outline.viewport().mapToGlobal(point))

    for view, handler in ((window.tree, tree_menu), (window.outline, outline_menu)):
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(handler)


def show_all_notes(window: MainWindow) -> QDialog | None:
    """Every note and highlight, in every pack (Study → All Notes and Highlights)."""
    from nexus_desktop.ui.all_notes import AllNotesDialog

    if window.study is None:
        return None
    dialog = AllNotesDialog(window.study, window.relay, window.library, lambda: window.current,
                            window)  # fmt: skip
    dialog.open_requested.connect(lambda ref, hid: open_at_passage(window, ref, hid))
    dialog.show()
    return dialog


def open_at_passage(window: MainWindow, ref: ArticleRef, highlight_id: str) -> None:
    """Open ``ref`` and, once its highlights are painted, scroll to ``highlight_id``."""
    if highlight_id:

        def jump() -> None:
            window.highlights.changed.disconnect(jump)
            if window.current is not None and window.current.article_id == ref.article_id:
                show_passage(window, highlight_id)

        window.highlights.changed.connect(jump)
    window.open_ref(ref)


def show_passage(window: MainWindow, highlight_id: str) -> None:
    if not window.highlights.scroll_to(highlight_id):
        window.statusBar().showMessage(
            "That passage is no longer in the article; it is kept in your notes.", 8000
        )
