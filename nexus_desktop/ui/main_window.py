"""The main window: knowledge tree, reader, outline, breadcrumb, history and pack loading.

Start-up budget: this module is imported before the window's first paint, so it names at
import only the Qt classes that frame needs. Others are reached through their module
(``QtWidgets.QMessageBox``) or imported in :meth:`MainWindow.attach`; naming a PySide6 class
builds its type and enums (``Qt`` alone is 98 enums, ~35 ms). ``tests/ui/test_startup.py``
checks this.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QByteArray, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QToolButton,
    QTreeView,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from nexus_desktop.render import Theme, theme_named
from nexus_desktop.services.refs import ArticleRef, PackSource, article_url, parse_article_url
from nexus_desktop.services.settings import Settings
from nexus_desktop.services.text import plural
from nexus_desktop.ui import roles
from nexus_desktop.ui.actions import (
    ACTIONS,
    MENUS,
    ActionSpec,
    bind_keys,
    build_actions,
    connect_handlers,
)
from nexus_desktop.ui.failures import FailureReporter
from nexus_desktop.ui.reader import ReaderView
from nexus_desktop.ui.roles import TREE_KEY, TREE_REF
from nexus_desktop.ui.search_panel import SearchPanel
from nexus_desktop.ui.style import apply_app_theme

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QModelIndex, QUrl
    from PySide6.QtGui import QCloseEvent, QPaintEvent
    from PySide6.QtWidgets import QTabWidget, QTreeWidgetItem

    from nexus_desktop.knowledge.model import Pack
    from nexus_desktop.render.markdown import Heading, RenderedArticle
    from nexus_desktop.services.fuzzy import SwitcherEntry
    from nexus_desktop.services.library import Library, LoadFailure
    from nexus_desktop.services.opening import OpenEvent
    from nexus_desktop.services.quiz import QuizService
    from nexus_desktop.services.search import SearchService
    from nexus_desktop.services.study import StudyService
    from nexus_desktop.services.tree import PackTree
    from nexus_desktop.ui.bookmarks import BookmarksFeature
    from nexus_desktop.ui.db import FutureRelay
    from nexus_desktop.ui.dialogs import ProblemsDialog
    from nexus_desktop.ui.find_bar import FindBar
    from nexus_desktop.ui.highlights import HighlightsFeature
    from nexus_desktop.ui.notes_panel import NotesPanel
    from nexus_desktop.ui.progress import ProgressFeature
    from nexus_desktop.ui.quick_switcher import QuickSwitcher
    from nexus_desktop.ui.quiz import QuizFeature
    from nexus_desktop.ui.quiz_due import QuizDue
    from nexus_desktop.ui.quiz_extras import QuizExtras
    from nexus_desktop.ui.search_feature import SearchFeature
    from nexus_desktop.ui.start_page import StartPage
    from nexus_desktop.ui.stats import StatsFeature
    from nexus_desktop.ui.study_data import StudyDataFeature
    from nexus_desktop.ui.tasks import BackgroundTask, TaskContext
    from nexus_desktop.ui.tree_model import KnowledgeTreeModel

ZOOM_STEPS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0)
ANCHOR_ROLE = roles.USER + 1  # outline items: the heading's anchor


class HistoryEntry:
    """A place in the back/forward history (a plain class: defined before the first paint)."""

    __slots__ = ("part", "ref", "scroll")

    def __init__(self, ref: ArticleRef, scroll: int = 0) -> None:
        self.ref = ref
        self.scroll = scroll
        self.part = 0  # of a very long article


class MainWindow(QMainWindow):
    """The window, built in two steps so that it paints as early as possible.

    The constructor builds everything the first frame shows (menus, toolbar, tree, reader,
    outline, theme, geometry) from modules that are cheap to import; :meth:`attach` then hands
    it the services (library, search) and connects the commands. ``app.launch`` runs
    :meth:`attach` right after the first paint; ``app.create_main_window`` runs both at once.
    """

    article_shown = Signal(object)  # ArticleRef
    packs_loaded = Signal()
    external_link_opened = Signal(str)
    search_results_shown = Signal(object)  # SearchResults
    search_ready = Signal(str)  # pack id whose index is up to date
    study_attached = Signal()  # the study database is open and its features are in place
    leaving_article = Signal(object, int)  # ArticleRef and its scroll, before another opens
    forwarded = Signal(list)  # folders handed over by a later launch on this data folder
    pack_removed = Signal(str)  # the pack id

    study: StudyService | None = None  # set by attach_study() once the database is open

    @staticmethod
    def resume_scroll(ref: ArticleRef) -> int | None:
        """Where to reopen an article (the progress feature knows, once it is attached)."""
        return None

    # Set by ui.study_features once the study database is open:
    relay: FutureRelay
    notes: NotesPanel
    bookmarks: BookmarksFeature
    progress_feature: ProgressFeature
    highlights: HighlightsFeature
    start_page: StartPage
    study_data: StudyDataFeature
    side_panel: QSplitter
    side_tabs: QTabWidget
    quiz: QuizService
    quiz_due: QuizDue
    quiz_feature: QuizFeature
    quiz_extras: QuizExtras
    stats: StatsFeature

    # Set by attach():
    library: Library
    search_service: SearchService | None
    model: KnowledgeTreeModel
    find_bar: FindBar
    search: SearchFeature

    def __init__(
        self,
        *,
        settings: Settings,
        builtin_dir: Path | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__()
        self.attached = False
        self._after_paint: list[Callable[[], None]] = []
        self._search_generation = 0
        self._pending_highlight: tuple[ArticleRef, str | None] | None = None
        self._pending_part: int | None = None
        self._article_notice = ""
        self.settings = settings
        self.builtin_dir = builtin_dir
        self.pool = pool or QThreadPool.globalInstance()
        self.setWindowTitle("Nexus Desktop")
        self.resize(1280, 800)
        self.current: ArticleRef | None = None
        self.history: list[HistoryEntry] = []
        self.history_pos = -1
        self._render_generation = 0
        self._load_task: BackgroundTask | None = None
        self._queued_sources: list[PackSource] = []
        self._load_generation = 0
        self._failures: list[LoadFailure] = []
        self._notices: list[str] = []  # e.g. a search index rebuilt during the last load
        self._pack_trees: dict[str, PackTree] = {}
        self._switcher_entries: dict[str, list[SwitcherEntry]] = {}
        self._expanded: set[str] = set(settings.get("expanded"))
        # A pack opens with its areas showing, unless the user folded it away.
        self._collapsed_packs: set[str] = set(settings.get("collapsed_packs"))
        self.theme: Theme = theme_named(settings.get("theme"))
        self.zoom: float = settings.get("zoom")
        self.read_only: str | None = None

        self.actions_by_name = build_actions(self)
        self._build_widgets()
        # Failures of background work nobody handles: logged, and told in the status bar.
        self.failures = FailureReporter(lambda words: self.statusBar().showMessage(words, 15000))
        self.failures.setParent(self)
        self._build_menus()
        self._apply_theme()
        self._restore_window_state()
        self._update_nav_actions()

    def attach(self, *, library: Library, search: SearchService | None = None) -> None:
        """Give the window its services and make it work: commands, links, tree, search."""
        if self.attached:
            raise RuntimeError("the window already has its services")
        from nexus_desktop.ui.find_bar import FindBar
        from nexus_desktop.ui.tree_model import KnowledgeTreeModel

        self.library = library
        self.search_service = search
        self.model = KnowledgeTreeModel(self)
        self.tree.setModel(self.model)
        self.find_bar = FindBar(self.reader)
        self._centre_layout.addWidget(self.find_bar)
        self.reader.attach(library.resource_path)
        self.search_panel.finish_setup()
        from nexus_desktop.ui import find_bar, search_feature

        self.install_actions("&Edit", find_bar.ACTIONS, owner=self.find_bar)
        self.search = search_feature.SearchFeature(self)
        self.install_actions("&Edit", search_feature.ACTIONS, owner=self.search)
        self.breadcrumb.setTextFormat(QtCore.Qt.TextFormat.RichText)
        # A title with no place to break must not widen the window: the path is clipped
        # (the whole of it is in the tooltip).
        ignored, preferred = (
            QtWidgets.QSizePolicy.Policy.Ignored,
            QtWidgets.QSizePolicy.Policy.Preferred,
        )
        self.breadcrumb.setSizePolicy(ignored, preferred)
        bind_keys(self.actions_by_name)
        self._connect()
        self.attached = True

    def after_first_paint(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the window has painted (or after half a second regardless)."""
        self._after_paint.append(callback)
        QTimer.singleShot(500, self._run_after_paint)  # e.g. started hidden: never painted

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._after_paint:
            QTimer.singleShot(0, self._run_after_paint)  # after this frame reaches the screen

    def _run_after_paint(self) -> None:
        callbacks, self._after_paint = self._after_paint, []
        for callback in callbacks:
            callback()

    # -- construction ----------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.tree = QTreeView()
        self.tree.setObjectName("knowledgeTree")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.search_panel = SearchPanel()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(0)
        left_layout.addWidget(self.search_panel, 0)
        left_layout.addWidget(self.tree, 1)

        self.breadcrumb = QLabel()
        self.breadcrumb.setObjectName("breadcrumb")
        self.breadcrumb.setContentsMargins(12, 6, 12, 6)
        self.breadcrumb.setOpenExternalLinks(False)
        self.reader = ReaderView()
        self.reader.setObjectName("reader")
        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.breadcrumb)
        layout.addWidget(self.reader)
        self._centre_layout = layout  # the find bar goes below the reader

        self.outline = QTreeWidget()
        self.outline.setObjectName("outline")
        self.outline.setHeaderLabel("On this page")
        self.outline.setRootIsDecorated(False)
        self.outline.setIndentation(14)

        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.outline)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([280, 760, 220])
        self.setCentralWidget(self.splitter)

        status = self.statusBar()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.hide()
        self._read_only_label = QLabel("Read-only: nothing is saved")
        self._read_only_label.setObjectName("readOnlyNotice")
        self._read_only_label.hide()
        status.addPermanentWidget(self._read_only_label)
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.cancel_button)
        status.showMessage("Opening content…")  # until the first pack starts loading

        toolbar = self.toolbar = self.addToolBar("Navigation")
        toolbar.setObjectName("navigationToolbar")
        toolbar.setMovable(False)
        for name in ("back", "forward", None, "zoom_out", "zoom_in", None, "add_pack", "problems"):
            if name is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.actions_by_name[name])
        self.actions_by_name["zoom_out"].setText("A−")
        self.actions_by_name["zoom_in"].setText("A+")

    def _build_menus(self) -> None:
        self.menus: dict[str, QtWidgets.QMenu] = {}
        self._menu_sections: dict[str, str] = {}
        self._place(ACTIONS, self.actions_by_name)
        self.actions_by_name["zoom_out"].setIconText("A−")

    def menu_for(self, key: str) -> QtWidgets.QMenu:
        """The menu ``key`` (see ``actions.MENUS``), made in its place on the bar if new."""
        menu = self.menus.get(key)
        if menu is not None:
            return menu
        order = [k for k, _title in MENUS]
        menu = QtWidgets.QMenu(dict(MENUS).get(key, key.title()), self)
        rank = order.index(key) if key in order else order.index("help") - 1
        after = [self.menus[k] for k in order[rank + 1 :] if k in self.menus]
        if after:
            self.menuBar().insertMenu(after[0].menuAction(), menu)
        else:
            self.menuBar().addMenu(menu)
        self.menus[key] = menu
        return menu

    def _place(
        self,
        specs: tuple[ActionSpec, ...],
        actions: dict[str, QtGui.QAction],
        default_menu: str = "",
    ) -> None:
        """Put each action in its menu; a separator wherever the section changes (a feature's
        actions without a section are a section of their own)."""
        for spec in specs:
            key = spec.menu or default_menu
            section = spec.section or f"feature:{specs[0].name}"
            menu = self.menu_for(key)
            if self._menu_sections.get(key, section) != section:
                menu.addSeparator()
            self._menu_sections[key] = section
            menu.addAction(actions[spec.name])

    def _connect(self) -> None:
        self.actions_by_name["dark_theme"].setChecked(self.theme.name == "dark")
        connect_handlers(self.actions_by_name, ACTIONS, self)
        self.tree.clicked.connect(self._on_tree_activated)
        self.tree.expanded.connect(self._on_tree_expanded)
        self.tree.collapsed.connect(self._on_tree_collapsed)
        self.tree.activated.connect(self._on_tree_activated)
        self.reader.anchorClicked.connect(self._on_reader_anchor_clicked)
        self.reader.back_requested.connect(self.go_back)
        self.reader.forward_requested.connect(self.go_forward)
        self.outline.itemClicked.connect(self._on_outline_item_clicked)
        self.outline.itemActivated.connect(self._on_outline_item_clicked)
        self.breadcrumb.linkActivated.connect(self._on_breadcrumb_link_activated)
        self.cancel_button.clicked.connect(self.cancel_loading)

    def background(self, work: Callable[[TaskContext], object], doing: str) -> BackgroundTask:
        """A task for the thread pool, for this window's features: its results are dropped
        once the window is gone, and a failure nobody handles is reported as "``doing``: …"."""
        return _background(work, self, doing)

    # -- loading packs ---------------------------------------------------------------------------
    def load_sources(self, sources: list[PackSource]) -> None:
        """Load packs in the background; each appears in the tree as soon as it is ready.

        While packs are loading or indexing, new sources wait their turn (nothing running is
        cancelled); they start as soon as the current run ends.
        """
        if self.loading:
            self._queued_sources.extend(s for s in sources if s not in self._queued_sources)
            return
        self._failures = []
        self._notices = []
        search = self.search_service
        library = self.library

        def work(context: TaskContext) -> None:
            from nexus_desktop.services.opening import open_packs

            open_packs(
                sources,
                emit=context.emit,
                search=search,
                open_roots=library.open_roots(),
                progress=context.progress,
                cancel=context,
            )

        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        generation = self._load_generation

        def on_event(event: OpenEvent) -> None:
            if generation == self._load_generation:  # else from a run cancelled since
                self._on_load_event(event)

        task = _background(work, self, "Loading the content failed")
        task.on_partial(on_event).on_progress(self._on_load_progress)
        task.on_end(self._on_load_ended)
        self._load_task = task.start(self.pool)

    def start(self) -> None:
        """Begin loading the packs once the window has had a chance to paint."""
        QTimer.singleShot(0, lambda: self.load_sources(self.pack_sources()))

    def cancel_loading(self) -> None:
        """Stop loading and indexing (and forget what was waiting its turn)."""
        self._queued_sources.clear()
        if self._load_task is not None and self._load_task.running:
            self._load_generation += 1
            self._load_task.cancel()

    @property
    def loading(self) -> bool:
        return self._load_task is not None and self._load_task.running

    def _on_load_event(self, event: OpenEvent) -> None:
        from nexus_desktop.services import opening as ev

        status = self.statusBar()
        if isinstance(event, ev.PackStarted):
            status.showMessage(f"Loading {event.name} ({event.number}/{event.total})…")
        elif isinstance(event, ev.PackLoaded):
            loaded = event.loaded
            self.library.add(loaded)
            for problem in loaded.problems:
                if problem.kind == "pack":  # e.g. a copy of an open pack, opened apart
                    self._notices.append(f"{loaded.pack.name}: {problem.message}.")
            self._pack_trees[loaded.pack.id] = event.tree
            self._switcher_entries[loaded.pack.id] = event.entries
            self._refresh_tree()
            if self.current is None:
                self._open_initial_article()
            elif self.current.pack_id == loaded.pack.id:
                self.open_ref(self.current, push=False)
        elif isinstance(event, ev.PackFailed):
            self._failures.append(event.failure)
            status.showMessage(event.failure.message, 10000)
        elif isinstance(event, ev.IndexStarted):
            status.showMessage(
                f"Indexing {event.pack_name} for search ({event.number}/{event.total})…"
            )
            self.progress.setRange(0, 0)  # busy until the first count arrives
        elif isinstance(event, ev.IndexReady):
            notice = event.report.notice
            if notice:
                self._notices.append(notice)
                status.showMessage(notice, 10000)
            self.search_ready.emit(event.pack_id)
        elif isinstance(event, ev.StepFailed):
            message = f"Could not build the {event.what} of {event.pack_name}: {event.message}"
            self._notices.append(message)
            status.showMessage(message, 10000)

    def _on_load_progress(self, done: int, total: int, label: str) -> None:
        if total <= 0:
            self.progress.setRange(0, 0)
            if label:
                self.statusBar().showMessage(f"Opening content: {label} ({done:,} files)…")
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done:,} / {total:,}")

    def _on_load_ended(self) -> None:
        if self._queued_sources:  # added while this run was busy: their turn now
            queued, self._queued_sources = self._queued_sources, []
            self.load_sources(queued)
            return
        self.progress.hide()
        self.cancel_button.hide()
        packs = self.library.packs
        problems = sum(len(self.library.loaded(p.id).problems) for p in packs)  # type: ignore[union-attr]
        articles = sum(1 for p in packs for a in p.articles.values() if not a.is_index)
        message = f"{plural(len(packs), 'content pack')}, {plural(articles, 'article')}"
        if problems:
            message += f" — {plural(problems, 'content problem')} (View → Content Problems)"
        if self._failures:
            message += " — could not open: " + "; ".join(f.message for f in self._failures)
        if self._notices:
            message += " — " + " ".join(self._notices)
        self.statusBar().showMessage(message)
        self.actions_by_name["problems"].setText(
            f"Content &Problems ({problems})…" if problems else "Content &Problems…"
        )
        if self.current is None:
            self._open_initial_article()
        self.packs_loaded.emit()

    def reload_packs(self) -> None:
        """Drop every pack and load them all again (a run in progress is cancelled first)."""
        self.cancel_loading()
        gc.unfreeze()  # the packs about to be dropped may be collected again
        sources = self.pack_sources()
        for pack in self.library.packs:
            self.library.remove(pack.id)
            if self.search_service is not None:
                self.search_service.forget(pack.id)
        self._pack_trees.clear()
        self._switcher_entries.clear()
        self._refresh_tree()
        self.load_sources(sources)

    def pack_sources(self) -> list[PackSource]:
        """The built-in pack (when enabled) and every registered folder."""
        sources = []
        if self.builtin_dir is not None:
            sources.append(PackSource(self.builtin_dir, builtin=True))
        sources.extend(PackSource(Path(p)) for p in self.settings.get("packs"))
        return sources

    def _refresh_tree(self) -> None:
        trees = [self._pack_trees[p.id] for p in self.library.packs if p.id in self._pack_trees]
        self.model.set_pack_trees(trees)
        for tree in trees:
            if tree.node.key not in self._collapsed_packs:
                self.tree.setExpanded(self.model.index_for_node(tree.node), True)
        for key in list(self._expanded):
            index = self.model.index_for_key(key)
            if index.isValid():
                self.tree.setExpanded(index, True)
        if self.current is not None:
            self._select_in_tree(self.current)

    def _on_tree_expanded(self, index: QModelIndex) -> None:
        key = index.data(TREE_KEY)
        self._expanded.add(key)
        self._collapsed_packs.discard(key)

    def _on_tree_collapsed(self, index: QModelIndex) -> None:
        key = index.data(TREE_KEY)
        self._expanded.discard(key)
        if not index.parent().isValid():  # a pack's own row
            self._collapsed_packs.add(key)

    def _open_initial_article(self) -> None:
        last = self.settings.get("last_article")
        if isinstance(last, dict):
            ref = ArticleRef(str(last.get("pack", "")), str(last.get("article", "")))
            if self.library.article(ref) is not None:
                self.open_ref(ref, scroll=int(last.get("scroll", 0) or 0))
                return
            if self.loading:
                return  # its pack may still be on its way
        first = self.library.first_article()
        if first is not None:
            self.open_ref(first)

    # -- navigation ------------------------------------------------------------------------------
    def open_url(self, url: str) -> None:
        ref = parse_article_url(url)
        if ref is not None:
            self.open_ref(ref)

    def open_ref(self, ref: ArticleRef, *, push: bool = True, scroll: int | None = None) -> None:
        """Show an article; rendering happens off the UI thread unless it is cached."""
        previous = self.current
        if previous is not None and (previous.pack_id, previous.article_id) != (
            ref.pack_id,
            ref.article_id,
        ):
            self.leaving_article.emit(previous, self.reader.verticalScrollBar().value())
        if push:
            self._push_history(ref)
        self.current = ref
        self._render_generation += 1
        generation = self._render_generation
        cached = self.library.cached_render(ref, self.theme)
        if cached is not None:
            self._display(ref, cached, scroll)
            return
        theme = self.theme
        task = _background(
            lambda _ctx: self.library.render(ref, theme), self, f"Cannot show {ref.article_id}"
        )
        task.on_success(
            lambda rendered: (
                self._display(ref, rendered, scroll)
                if generation == self._render_generation
                else None
            )
        )
        task.start(self.pool)

    def _display(self, ref: ArticleRef, rendered: RenderedArticle, scroll: int | None) -> None:
        part = self._pending_part
        self._pending_part = None
        self.reader.show_article(
            rendered.parts, rendered.page_of_anchor, anchor=ref.fragment, scroll=scroll, part=part
        )
        article = self.library.article(ref)
        if article is None:
            self.statusBar().showMessage(f"Not found: {ref.article_id}", 8000)
        elif rendered.notice:
            notice = f"{article.title}: {rendered.notice}"
            self.statusBar().showMessage(notice, 15000)
            self._article_notice = notice
        elif self._article_notice and self.statusBar().currentMessage() == self._article_notice:
            self.statusBar().clearMessage()  # it was about the previous article
            self._article_notice = ""
        self._fill_outline(rendered.headings)
        pending = self._pending_highlight
        if pending is not None and pending[0] == ref:
            self._pending_highlight = None
            self.reader.highlight_matches(pending[1])
        if self.find_bar.isVisible():
            self.find_bar.refresh()
        self._update_breadcrumb(ref)
        self._select_in_tree(ref)
        self.setWindowTitle(f"{article.title} — Nexus Desktop" if article else "Nexus Desktop")
        self._update_nav_actions()
        self.article_shown.emit(ref)

    def _push_history(self, ref: ArticleRef) -> None:
        if 0 <= self.history_pos < len(self.history):
            self._remember_place(self.history[self.history_pos])
        del self.history[self.history_pos + 1 :]
        self.history.append(HistoryEntry(ref))
        self.history_pos = len(self.history) - 1

    def go_back(self) -> None:
        self._go(-1)

    def go_forward(self) -> None:
        self._go(+1)

    def _go(self, step: int) -> None:
        target = self.history_pos + step
        if not 0 <= target < len(self.history):
            return
        self._remember_place(self.history[self.history_pos])
        self.history_pos = target
        entry = self.history[target]
        self._pending_part = entry.part
        self.open_ref(ArticleRef(entry.ref.pack_id, entry.ref.article_id), push=False,
                      scroll=entry.scroll)  # fmt: skip

    def _remember_place(self, entry: HistoryEntry) -> None:
        entry.scroll = self.reader.verticalScrollBar().value()
        entry.part = self.reader.part

    def _update_nav_actions(self) -> None:
        self.actions_by_name["back"].setEnabled(self.history_pos > 0)
        self.actions_by_name["forward"].setEnabled(self.history_pos < len(self.history) - 1)

    def _on_tree_activated(self, index: QModelIndex) -> None:
        ref = index.data(TREE_REF)
        if isinstance(ref, ArticleRef) and ref != self.current:
            self.open_ref(ref, scroll=self.resume_scroll(ref))  # where the learner stopped
        elif ref is None and self.model.hasChildren(index):
            self.tree.setExpanded(index, not self.tree.isExpanded(index))

    def _select_in_tree(self, ref: ArticleRef) -> None:
        index = self.model.index_for_ref(ref)
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    def _on_reader_anchor_clicked(self, url: QUrl) -> None:
        text = url.toString()
        scheme = url.scheme().lower()
        if scheme == "nexus":
            ref = parse_article_url(text)
            if ref is None:
                return
            if (
                self.current
                and ref.pack_id == self.current.pack_id
                and (ref.article_id == self.current.article_id and ref.fragment)
            ):
                self.reader.go_to_anchor(ref.fragment)
                return
            if self.library.article(ref) is None:
                self.statusBar().showMessage(f"That article does not exist: {ref.article_id}")
            self.open_ref(ref)
        elif scheme in ("http", "https", "mailto"):
            self.statusBar().showMessage(f"Opened in your browser: {text}", 6000)
            self.external_link_opened.emit(text)
            QtGui.QDesktopServices.openUrl(url)
        elif scheme == "nexus-part":
            return  # the reader moves between the parts of a long article itself
        elif scheme == "nexusfile":
            path = self.library.resource_path(text)
            if path is not None:
                QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(path)))
        else:
            self.statusBar().showMessage(f"Link not followed: {text[:80]}", 6000)

    def _fill_outline(self, headings: tuple[Heading, ...]) -> None:
        self.outline.clear()
        stack: list[tuple[int, QTreeWidgetItem | None]] = [(0, None)]
        for heading in headings:
            while len(stack) > 1 and stack[-1][0] >= heading.level:
                stack.pop()
            parent = stack[-1][1]
            item = QtWidgets.QTreeWidgetItem([heading.text])
            item.setData(0, ANCHOR_ROLE, heading.anchor)
            item.setToolTip(0, heading.text)
            if parent is None:
                self.outline.addTopLevelItem(item)
            else:
                parent.addChild(item)
            stack.append((heading.level, item))
        self.outline.expandAll()

    def _on_outline_item_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        anchor = item.data(0, ANCHOR_ROLE)
        if anchor:
            self.reader.go_to_anchor(anchor)

    def _update_breadcrumb(self, ref: ArticleRef) -> None:
        import html

        pack = self.library.pack(ref.pack_id)
        article = self.library.article(ref)
        if pack is None or article is None:
            self.breadcrumb.setText("")
            return
        parts = []
        for area in pack.area_of(article).breadcrumb():
            label = html.escape(area.title)
            if area.index_article and area.index_article != article.id:
                url = article_url(pack.id, area.index_article)
                style = f"text-decoration:none; color:{self.theme.link}"
                parts.append(f'<a href="{url}" style="{style}">{label}</a>')
            else:
                parts.append(label)
        if not article.is_index:
            parts.append(f"<b>{html.escape(article.title)}</b>")
        self.breadcrumb.setText(" &nbsp;›&nbsp; ".join(parts))
        titles = [area.title for area in pack.area_of(article).breadcrumb()]
        self.breadcrumb.setToolTip(
            " › ".join([*titles, *([] if article.is_index else [article.title])])
        )

    def _on_breadcrumb_link_activated(self, link: str) -> None:
        self.open_url(link)

    # -- search ----------------------------------------------------------------------------------
    def open_marking(self, ref: ArticleRef, pattern: str | None) -> None:
        """Open ``ref`` with the matches of ``pattern`` marked (a search result)."""
        self._pending_highlight = (ref, pattern)
        if ref == self.current:
            self.open_ref(ref, push=False, scroll=self.reader.verticalScrollBar().value())
        else:
            self.open_ref(ref)

    def show_quick_switcher(self) -> QuickSwitcher:
        from nexus_desktop.ui.quick_switcher import QuickSwitcher

        entries = [e for p in self.library.packs for e in self._switcher_entries.get(p.id, [])]
        switcher = QuickSwitcher(entries, self)
        switcher.article_chosen.connect(self.open_ref)
        switcher.show()
        return switcher

    # -- view ----------------------------------------------------------------------------------
    def _zoom_step(self, direction: int) -> float:
        nearest = min(range(len(ZOOM_STEPS)), key=lambda i: abs(ZOOM_STEPS[i] - self.zoom))
        return ZOOM_STEPS[max(0, min(len(ZOOM_STEPS) - 1, nearest + direction))]

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom_step(+1))

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom_step(-1))

    def zoom_reset(self) -> None:
        self.set_zoom(1.0)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self.settings.set("zoom", zoom)
        self._report_settings_problem()
        self._apply_theme()

    def set_dark_theme(self, dark: bool) -> None:
        self.theme = theme_named("dark" if dark else "light")
        self.settings.set("theme", self.theme.name)
        self._report_settings_problem()
        self._apply_theme()

    def _apply_theme(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_app_theme(app, self.theme)
        self.reader.apply_theme(self.theme, self.zoom)
        self.actions_by_name["zoom_reset"].setText(f"&Reset Zoom ({round(self.zoom * 100)}%)")
        if self.current is not None:
            scroll = self.reader.verticalScrollBar().value()
            self._pending_part = self.reader.part
            self.open_ref(self.current, push=False, scroll=scroll)

    def show_about(self) -> None:
        from nexus_desktop.ui.dialogs import show_about

        show_about(self)

    def show_problems(self) -> ProblemsDialog:
        from nexus_desktop.ui.dialogs import ProblemsDialog

        dialog = ProblemsDialog(self.library.problems(), self)
        dialog.article_requested.connect(self._on_problem_article_requested)
        dialog.show()
        return dialog

    def _on_problem_article_requested(self, pack_id: str, path: str) -> None:
        pack = self.library.pack(pack_id)
        if pack is None:
            return
        for article in pack.articles.values():
            if str(article.path) == path:
                self.open_ref(ArticleRef(pack.id, article.id))
                return
        QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(Path(path).parent)))

    # -- packs ---------------------------------------------------------------------------------
    def choose_pack_folder(self) -> None:
        folder = QtWidgets.QFileDialog.getExistingDirectory(self, "Add a folder of Markdown files")
        if folder:
            self.add_pack_folder(Path(folder))

    def add_pack_folder(self, folder: Path) -> None:
        """Register a folder as a content pack and load it (refused, with a message, when it
        is obviously not a content pack, such as a disk's root or the home folder)."""
        from nexus_desktop.knowledge.files import not_a_pack_reason

        folder = folder.expanduser().resolve()
        reason = not_a_pack_reason(folder)
        if reason:
            QtWidgets.QMessageBox.warning(
                self, "Not a content pack", reason[:1].upper() + reason[1:] + "."
            )
            return
        self.settings.add_to("packs", str(folder))
        self._report_settings_problem()
        self.load_sources([PackSource(folder)])

    def selected_pack(self) -> Pack | None:
        index = self.tree.currentIndex()
        key = index.data(TREE_KEY) if index.isValid() else None
        if not key:
            return None
        return self.library.pack(str(key).split(":", 1)[0])

    def remove_selected_pack(self) -> None:
        pack = self.selected_pack()
        if pack is None or pack.builtin:
            QtWidgets.QMessageBox.information(
                self, "Remove content folder", "Select one of your own content packs in the tree."
            )
            return
        answer = QtWidgets.QMessageBox.question(
            self,
            "Remove content folder",
            f"Stop showing “{pack.name}”?\n\nThe folder {pack.root} is not touched.",
        )
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            self.remove_pack(pack)

    def remove_pack(self, pack: Pack) -> None:
        gc.unfreeze()  # its objects may be collected again (the next load freezes the rest)
        for registered in self.settings.get("packs"):
            if Path(registered).expanduser().resolve() == pack.root:
                self.settings.remove_from("packs", registered)
        self._report_settings_problem()
        self.library.remove(pack.id)
        self._pack_trees.pop(pack.id, None)
        self._switcher_entries.pop(pack.id, None)
        if self.search_service is not None:
            self.search_service.forget(pack.id)  # its index stays in the cache, unused
        if self.current and self.current.pack_id == pack.id:
            self.current = None
            self.history.clear()
            self.history_pos = -1
            self._open_initial_article()
        self._refresh_tree()
        self.pack_removed.emit(pack.id)

    # -- state -------------------------------------------------------------------------------
    def _restore_window_state(self) -> None:
        geometry = self.settings.get("window_geometry")
        if isinstance(geometry, str):
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        splitter = self.settings.get("splitter_state")
        if isinstance(splitter, str):
            self.splitter.restoreState(QByteArray.fromBase64(splitter.encode("ascii")))

    def save_state(self) -> bool:
        """Write the window state (at quit). A failure is logged, never shown in a dialog:
        quitting must not wait for anyone (SIGTERM, logout)."""
        settings = self.settings
        settings.set("window_geometry", _b64(self.saveGeometry()), save=False)
        settings.set("splitter_state", _b64(self.splitter.saveState()), save=False)
        settings.set("expanded", sorted(self._expanded), save=False)
        settings.set("collapsed_packs", sorted(self._collapsed_packs), save=False)
        if self.current is not None:
            scroll = self.reader.verticalScrollBar().value()
            place = {"pack": self.current.pack_id, "article": self.current.article_id}
            settings.set("last_article", {**place, "scroll": scroll}, save=False)
        saved = settings.try_save()
        if not saved and not settings.read_only:
            import logging

            logging.getLogger(__name__).warning("window state not saved: %s", settings.problem)
        return saved

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cancel_loading()
        if self.study is not None:
            self.notes.flush()  # the note being typed is saved before anything else
            self.quiz_feature.shutdown()  # an answer waiting for its second try is recorded
        self.save_state()
        super().closeEvent(event)

    # -- features that declare their own actions ---------------------------------------------------
    def install_actions(
        self, menu_title: str, specs: tuple[ActionSpec, ...], owner: object = None
    ) -> tuple[QtWidgets.QMenu, dict[str, QtGui.QAction]]:
        """A feature's actions, shortcuts bound, each in the menu its spec names (else
        ``menu_title``'s) and run by ``owner``'s method its spec names."""
        actions = build_actions(self, specs)
        bind_keys(actions, specs)
        key = menu_title.replace("&", "").lower()
        self._place(specs, actions, key)
        if owner is not None:
            connect_handlers(actions, specs, owner)
        self.actions_by_name.update(actions)
        return self.menu_for(key), actions

    def attach_study(self, study: StudyService) -> None:
        """Put the study-record features in place once the database is open (they wire
        themselves: ``ui.study_features``)."""
        from nexus_desktop.ui import study_features

        self.study = study
        study_features.install(self, study)
        self.study_attached.emit()

    def close_study(self) -> None:
        """Save the note being written, back up and close the database (at quit)."""
        study = self.study
        if study is None:
            return
        self.notes.flush()
        self.progress_feature.flush()
        self.quiz_feature.shutdown()
        if not study.read_only:
            try:
                study.backup("auto").result(timeout=10)
            except Exception:  # noqa: BLE001 - a backup that fails must not stop quitting
                import logging

                logging.getLogger(__name__).warning("backup at quit failed", exc_info=True)
        study.close()
        self.study = None

    def open_forwarded(self, content: list[str]) -> None:
        """A later launch on this data folder: come to the front and open its folders."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        for folder in content:
            self.add_pack_folder(Path(folder))
        self.forwarded.emit(content)

    def set_read_only(self, reason: str | None) -> None:
        """Show, for as long as the app runs, that nothing can be saved (and why)."""
        self.read_only = reason
        self._read_only_label.setVisible(reason is not None)
        self._read_only_label.setToolTip(reason or "")

    def _report_settings_problem(self) -> None:
        problem = self.settings.problem
        if problem and not self.settings.read_only:
            self.statusBar().showMessage(problem, 15000)


def _background(
    work: Callable[[TaskContext], object], owner: MainWindow, doing: str
) -> BackgroundTask:
    """A task for the thread pool whose results are dropped if ``owner`` is gone; a failure
    the caller does not handle goes to the window's reporter as "``doing``: what went wrong"
    (``ui.tasks`` is imported on first use, after the first paint)."""
    from nexus_desktop.ui.tasks import BackgroundTask

    return BackgroundTask(work, owner, doing=doing, report=owner.failures.report)


def _b64(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")
