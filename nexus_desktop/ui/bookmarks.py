"""Bookmarks: Ctrl+D bookmarks the article (or takes the bookmark away), Ctrl+Shift+B the section
being read. The toolbar's star shows whether the article is bookmarked; the Bookmarks menu and
the Bookmarks panel list them grouped by area (pack › area).

In the panel a bookmark opens on a click or Enter (at its heading), is renamed in place (F2),
reordered by drag and drop or Alt+Up / Alt+Down, removed with Delete and brought back with
Ctrl+Z. Every change goes to the database thread; the list is shown at once and read back
when the change is saved."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QObject, Qt, Signal

from nexus_desktop.knowledge.ids import ArticleId, PackId
from nexus_desktop.services.refs import ArticleRef
from nexus_desktop.ui import roles
from nexus_desktop.ui.actions import ActionSpec

if TYPE_CHECKING:
    from concurrent.futures import Future

    from nexus_desktop.services.library import Library
    from nexus_desktop.services.study import StudyService
    from nexus_desktop.storage.records import BookmarkRecord
    from nexus_desktop.ui.db import FutureRelay
    from nexus_desktop.ui.reader import ReaderView

ACTIONS = (
    ActionSpec("bookmark", "&Bookmark This Article", ("Ctrl+D",), "",
               "Bookmark this article, or remove its bookmark (Ctrl+D)", checkable=True),
    ActionSpec("bookmark_section", "Bookmark This &Section", ("Ctrl+Shift+B",), "",
               "Bookmark the section you are reading, or remove its bookmark (Ctrl+Shift+B)"),
    ActionSpec("undo_bookmark", "&Undo Removing a Bookmark", (), ""),
)  # fmt: skip

ORPHANED = "Not in an open pack"  # the group of bookmarks whose article is in no open pack
SEPARATOR = " › "  # between an article's title and a heading, and in an area's breadcrumb
MENU_SUBMENUS_OVER = 15  # more bookmarks than this: the menu has a submenu per area
ID_ROLE = roles.USER + 1  # a bookmark row's record id (None on an area's row)
AREA_ROLE = roles.USER + 2  # the area a row belongs to (the group's own text on its row)


def area_finder(library: Library) -> Callable[[str, str], str]:
    """``area_of(pack_id, article_id)`` for :class:`BookmarksFeature`: "Pack › Area › …", or
    :data:`ORPHANED` when the article is in no open pack."""

    def area_of(pack_id: str, article_id: str) -> str:
        pack = library.pack(pack_id)
        article = library.article(_ref(pack_id, article_id))
        if pack is None or article is None:
            return ORPHANED
        return SEPARATOR.join(area.title for area in pack.area_of(article).breadcrumb())

    return area_of


def heading_in_view(
    reader: ReaderView, outline: QtWidgets.QTreeWidget | None = None
) -> tuple[str, str]:
    """The section being read: (anchor, heading text) of the heading above the top of the
    reader's view, ("", "") above the first heading. Scrolled to the very end, it is the last
    section in view (a short last section can never reach the top). The heading's text is
    taken from ``outline`` (the "On this page" tree) when given, else from the document."""
    viewport = reader.viewport()
    bar = reader.verticalScrollBar()
    at_end = bar.maximum() > 0 and bar.value() >= bar.maximum()
    y = viewport.height() - 4 if at_end else min(40, viewport.height() // 4)
    position = reader.cursorForPosition(QtCore.QPoint(viewport.width() // 2, y)).position()
    anchor = reader.heading_at(position)
    if not anchor:
        return "", ""
    if outline is not None:
        from nexus_desktop.ui.main_window import ANCHOR_ROLE

        for item in _walk(outline):
            if item.data(0, ANCHOR_ROLE) == anchor:
                return anchor, item.text(0)
    block = reader.document().findBlock(position)
    while block.isValid():
        if block.blockFormat().headingLevel() > 0:
            fragments = block.begin()
            while not fragments.atEnd():
                if anchor in fragments.fragment().charFormat().anchorNames():
                    return anchor, block.text().strip()
                fragments += 1
        block = block.previous()
    return anchor, humanise(anchor)


def _walk(tree: QtWidgets.QTreeWidget) -> Iterator[QtWidgets.QTreeWidgetItem]:
    """Every item of ``tree``, depth first (QTreeWidgetItemIterator is avoided: with PySide it
    can leave items to be deleted twice when the tree is cleared)."""
    stack = [tree.topLevelItem(n) for n in reversed(range(tree.topLevelItemCount()))]
    while stack:
        item = stack.pop()
        if item is None:
            continue
        yield item
        stack.extend(item.child(n) for n in reversed(range(item.childCount())))


def _ref(pack_id: str, article_id: str, fragment: str = "") -> ArticleRef:
    return ArticleRef(PackId(pack_id), ArticleId(article_id), fragment)


def humanise(anchor: str) -> str:
    """A heading's words from its anchor ("deep-section" → "Deep section"), when its own text
    is not known."""
    words = anchor.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else anchor


def _no_heading() -> tuple[str, str]:
    return "", ""


class BookmarksFeature(QObject):
    """Owns the bookmark actions, the Bookmarks menu and :attr:`panel`; knows the current
    article. ``current_heading()`` gives the section being read as (anchor, heading text),
    ("", "") above the first heading; ``area_of(pack_id, article_id)`` the area a bookmark is
    listed under (:func:`area_finder`; by default the pack id)."""

    changed = Signal()  # the list of bookmarks changed

    def __init__(
        self,
        study: StudyService,
        relay: FutureRelay,
        menu: QtWidgets.QMenu,
        actions: dict[str, QtGui.QAction],
        open_ref: Callable[[ArticleRef], None],
        title_of: Callable[[ArticleRef], str],
        *,
        current_heading: Callable[[], tuple[str, str]] = _no_heading,
        area_of: Callable[[str, str], str] | None = None,
    ) -> None:
        super().__init__(menu)
        self.study = study
        self.relay = relay
        self.menu = menu
        self.toggle = actions["bookmark"]
        self.toggle_section = actions["bookmark_section"]
        self.undo = actions["undo_bookmark"]
        self.undo.setEnabled(False)
        self.open_ref = open_ref
        self.title_of = title_of
        self.current_heading = current_heading
        self.area_of: Callable[[str, str], str] = area_of or (lambda pack_id, _article: pack_id)
        self.writable = not study.read_only
        self.current: ArticleRef | None = None
        self.records: list[BookmarkRecord] = []
        self._removed: list[BookmarkRecord] = []  # for undo, the last removed at the end
        self._generation = 0  # changes made here; a list read before the last one is stale
        self._headings: dict[tuple[str, str, str], str] = {}  # (pack, article, anchor) → text
        self._listed: list[QtGui.QAction] = []  # what _rebuild_menu added to the menu
        self._submenus: list[QtWidgets.QMenu] = []
        self._menu_colour = ""  # the text colour the menu's marks were drawn in
        self.toggle.triggered.connect(self._on_toggle_triggered)
        self.toggle_section.triggered.connect(self._on_section_triggered)
        self.undo.triggered.connect(self.undo_remove)
        self.toggle.setEnabled(self.writable)
        self.toggle_section.setEnabled(self.writable)
        menu.setToolTipsVisible(True)
        menu.aboutToShow.connect(self._on_menu_about_to_show)
        self.panel = BookmarksPanel(self)
        # The panel goes when the feature goes (with its window), wherever it was put.
        self.destroyed.connect(self.panel.deleteLater)
        self.refresh()

    # -- what is bookmarked ------------------------------------------------------------------
    def show_article(self, ref: ArticleRef) -> None:
        self.current = ref
        self._update_star()

    def bookmarked(self, ref: ArticleRef) -> BookmarkRecord | None:
        """The bookmark of the article itself (not of one of its sections)."""
        return self.find(ref.pack_id, ref.article_id, "")

    def find(self, pack_id: str, article_id: str, anchor: str) -> BookmarkRecord | None:
        return next(
            (b for b in self.records
             if (b.pack_id, b.article_id, b.anchor) == (pack_id, article_id, anchor)),
            None,
        )  # fmt: skip

    def record(self, bookmark_id: str) -> BookmarkRecord | None:
        return next((b for b in self.records if b.id == bookmark_id), None)

    def area(self, record: BookmarkRecord) -> str:
        return self.area_of(record.pack_id, record.article_id)

    def display_title(self, record: BookmarkRecord) -> str:
        return record.title or self.generated_title(record)

    def generated_title(self, record: BookmarkRecord) -> str:
        """The title a bookmark is given: the article's, and "› Heading" for a section."""
        title = self.title_of(_ref(record.pack_id, record.article_id))
        if not record.anchor:
            return title
        key = (record.pack_id, record.article_id, record.anchor)
        return f"{title}{SEPARATOR}{self._headings.get(key) or humanise(record.anchor)}"

    def groups(self, needle: str = "") -> list[tuple[str, list[BookmarkRecord]]]:
        """The bookmarks by area (areas in alphabetical order, orphans last), each area's in
        the learner's order; only those whose title contains ``needle`` (any case)."""
        needle = needle.casefold()
        by_area: dict[str, list[BookmarkRecord]] = {}
        for record in self.records:
            if needle and needle not in self.display_title(record).casefold():
                continue
            by_area.setdefault(self.area(record), []).append(record)
        return sorted(by_area.items(), key=lambda group: (group[0] == ORPHANED,
                                                          group[0].casefold()))  # fmt: skip

    # -- reading the list --------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the bookmarks from the database again."""
        generation = self._generation
        self.relay.when_done(
            self.study.bookmarks(), lambda records: self._on_bookmarks_loaded(records, generation)
        )

    def regroup(self) -> None:
        """List the bookmarks again under their areas (after packs were opened or closed)."""
        self._learn_headings()
        self._publish()

    def _on_bookmarks_loaded(self, records: list[BookmarkRecord], generation: int) -> None:
        if generation != self._generation:
            return  # read before a change made since: the read after it is on its way
        self.records = records
        self._learn_headings()
        self._publish()

    def _learn_headings(self) -> None:
        """Remember the heading text of titles still as generated ("Article › Heading"), so
        that clearing a new name gives the same title back."""
        for record in self.records:
            if record.anchor:
                prefix = self.title_of(_ref(record.pack_id, record.article_id)) + SEPARATOR
                if record.title.startswith(prefix) and len(record.title) > len(prefix):
                    key = (record.pack_id, record.article_id, record.anchor)
                    self._headings.setdefault(key, record.title.removeprefix(prefix))

    def _publish(self) -> None:
        self._update_star()
        self._rebuild_menu()
        self.changed.emit()

    def _replace(self, record: BookmarkRecord) -> None:
        self.records = sorted(
            (record if r.id == record.id else r for r in self.records),
            key=lambda r: (r.position, r.created_at),
        )

    def _write(self, future: Future[Any], then: Callable[[Any], None] | None = None) -> None:
        """A change on its way to the database: read the list back once it is saved (and
        also when it failed, so that what is shown is what is saved; the relay reports the
        failure)."""
        self._generation += 1

        def saved(value: Any) -> None:
            if then is not None:
                then(value)
            self.refresh()

        self.relay.when_done(future, saved)
        self.relay.when_done(future, None, lambda _error: self.refresh())

    # -- changing it -------------------------------------------------------------------------
    def _on_toggle_triggered(self) -> None:
        ref = self.current
        if ref is None or not self.writable:
            self._update_star()
            return
        base = ArticleRef(ref.pack_id, ref.article_id)
        self._toggle(base, "", self.title_of(base))

    def _on_section_triggered(self) -> None:
        ref = self.current
        if ref is None or not self.writable:
            return
        base = ArticleRef(ref.pack_id, ref.article_id)
        anchor, text = self.current_heading()
        if not anchor:  # above the first heading: the article itself
            self._toggle(base, "", self.title_of(base))
            return
        text = " ".join(text.split()) or humanise(anchor)
        self._headings[(ref.pack_id, ref.article_id, anchor)] = text
        self._toggle(base, anchor, f"{self.title_of(base)}{SEPARATOR}{text}")

    def _toggle(self, ref: ArticleRef, anchor: str, title: str) -> None:
        existing = self.find(ref.pack_id, ref.article_id, anchor)
        if existing is not None:
            self._removed.append(existing)
            self.undo.setEnabled(True)
            self.panel.show_removed(self.display_title(existing))

        def saved(record: BookmarkRecord | None) -> None:
            if record is not None:
                self.panel.select_later(record.id)
                self.panel.say(f"Bookmarked “{record.title}”.")

        self._write(self.study.toggle_bookmark(ref.pack_id, ref.article_id, anchor, title), saved)

    def open_bookmark(self, bookmark_id: str) -> bool:
        """Open a bookmark's article at its heading; False if it cannot be opened."""
        record = self.record(bookmark_id)
        if record is None:
            return False
        if self.area(record) == ORPHANED:
            self.panel.say(f"“{self.display_title(record)}” is not in any open pack: add its "
                           "content folder to read it again.")  # fmt: skip
            return False
        self.open_ref(_ref(record.pack_id, record.article_id, record.anchor))
        return True

    def rename(self, bookmark_id: str, title: str) -> None:
        """Give a bookmark a new title; an empty one gives back the generated title."""
        record = self.record(bookmark_id)
        if record is None or not self.writable:
            return
        title = " ".join(title.split()) or self.generated_title(record)
        if title == record.title:
            return
        self._replace(dataclasses.replace(record, title=title))
        self._publish()
        self._write(self.study.rename_bookmark(bookmark_id, title))

    def move(self, bookmark_id: str, before: str | None) -> None:
        """Put a bookmark just before another of its area (``before``), or last in its area
        (None). The new position is halfway between its new neighbours'."""
        record = self.record(bookmark_id)
        if record is None or not self.writable or before == bookmark_id:
            return
        area = self.area(record)
        members = [r for r in self.records if self.area(r) == area]
        others = [r for r in members if r.id != bookmark_id]
        index = next((i for i, r in enumerate(others) if r.id == before), len(others))
        if before is not None and index == len(others):
            return  # not a bookmark of the same area
        order = [*others[:index], record, *others[index:]]
        if [r.id for r in order] == [r.id for r in members]:
            return  # already there
        if not others:
            return
        if index == 0:
            positions = {bookmark_id: others[0].position - 1.0}
        elif index == len(others):
            positions = {bookmark_id: others[-1].position + 1.0}
        else:
            low, high = others[index - 1].position, others[index].position
            middle = (low + high) / 2
            positions = {bookmark_id: middle}
            if not low < middle < high:  # equal neighbours, or no float left between them
                positions = {r.id: float(number) for number, r in enumerate(order, start=1)}
        for moved in [r for r in order if r.id in positions]:
            self._replace(dataclasses.replace(moved, position=positions[moved.id]))
        self._publish()
        for moved_id, position in positions.items():
            self._write(self.study.move_bookmark(moved_id, position))

    def move_after(self, bookmark_id: str, after: str) -> None:
        """Put a bookmark just after another of its area."""
        record = self.record(bookmark_id)
        if record is None:
            return
        area = self.area(record)
        others = [r for r in self.records if self.area(r) == area and r.id != bookmark_id]
        index = next((i for i, r in enumerate(others) if r.id == after), None)
        if index is None:
            return
        self.move(bookmark_id, others[index + 1].id if index + 1 < len(others) else None)

    def remove(self, bookmark_id: str) -> None:
        """Remove a bookmark (undo brings it back)."""
        record = self.record(bookmark_id)
        if record is None or not self.writable:
            return
        self._removed.append(record)
        self.undo.setEnabled(True)
        self.records = [r for r in self.records if r.id != bookmark_id]
        self.panel.show_removed(self.display_title(record))
        self._publish()
        self._write(self.study.delete_bookmark(bookmark_id))

    def undo_remove(self) -> None:
        """Bring back the bookmark removed last."""
        if not self._removed or not self.writable:
            return
        record = self._removed.pop()
        self.undo.setEnabled(bool(self._removed))
        self.panel.select_later(record.id)
        if self._removed:
            self.panel.show_removed(self.display_title(self._removed[-1]))
        else:
            self.panel.say(f"“{self.display_title(record)}” is back.", seconds=6)
        self._write(self.study.restore_bookmark(record.id))

    # -- the star and the menu ---------------------------------------------------------------
    def _update_star(self) -> None:
        on = self.current is not None and self.bookmarked(self.current) is not None
        self.toggle.setChecked(on)
        self.toggle.setIconText("★" if on else "☆")

    def _on_menu_about_to_show(self) -> None:
        self._update_section_action()
        if self._menu_colour != _text_colour().name():
            self._rebuild_menu()  # the theme changed: the marks in the new text colour

    def _update_section_action(self) -> None:
        """Name the section the action would bookmark (when the menu opens)."""
        action = self.toggle_section
        anchor, text = self.current_heading() if self.current is not None else ("", "")
        if not anchor or self.current is None:
            action.setText("Bookmark This &Section")
            return
        text = " ".join(text.split()) or humanise(anchor)
        short = text if len(text) <= 40 else text[:39] + "…"
        short = short.replace("&", "&&")
        if self.find(self.current.pack_id, self.current.article_id, anchor) is not None:
            action.setText(f"Remove Bookmark of &Section “{short}”")
        else:
            action.setText(f"Bookmark &Section “{short}”")

    def empty_text(self) -> str:
        def keys(action: QtGui.QAction, default: str) -> str:
            native = QtGui.QKeySequence.SequenceFormat.NativeText
            return action.shortcut().toString(native) or default

        return (
            f"No bookmarks yet. {keys(self.toggle, 'Ctrl+D')} bookmarks an article; "
            f"{keys(self.toggle_section, 'Ctrl+Shift+B')} bookmarks the section you are reading."
        )

    def _rebuild_menu(self) -> None:
        for action in self._listed:
            self.menu.removeAction(action)
            action.deleteLater()
        for submenu in self._submenus:
            submenu.deleteLater()
        self._listed, self._submenus = [], []
        menu = self.menu
        colour = _text_colour()
        self._menu_colour = colour.name()
        self._listed.append(menu.addSeparator())
        if not self.records:
            empty = menu.addAction("No bookmarks yet")
            empty.setToolTip(self.empty_text())
            empty.setEnabled(False)
            self._listed.append(empty)
            return
        groups = self.groups()
        as_submenus = len(self.records) > MENU_SUBMENUS_OVER and len(groups) > 1
        for area, records in groups:
            target = menu
            if as_submenus:
                target = QtWidgets.QMenu(area.replace("&", "&&"), menu)
                target.setToolTipsVisible(True)
                self._submenus.append(target)
                self._listed.append(menu.addMenu(target))
            else:
                label = menu.addAction(area.replace("&", "&&"))
                label.setEnabled(False)
                self._listed.append(label)
            for record in records:
                action = target.addAction(
                    mark_icon(record.anchor, colour), self.display_title(record).replace("&", "&&")
                )
                action.setToolTip(self.tooltip(record))
                action.triggered.connect(lambda _c=False, r=record.id: self.open_bookmark(r))
                if target is menu:
                    self._listed.append(action)

    def tooltip(self, record: BookmarkRecord) -> str:
        place = f"{record.pack_id} / {record.article_id}"
        if record.anchor:
            place += f" § {record.anchor}"
        return f"{self.display_title(record)}\n{self.area(record)}\n{place}"


def _text_colour() -> QtGui.QColor:
    return QtWidgets.QApplication.palette().color(QtGui.QPalette.ColorRole.Text)


_ICONS: dict[tuple[bool, str, float], QtGui.QIcon] = {}


def mark_icon(anchor: str, colour: QtGui.QColor) -> QtGui.QIcon:
    """A small page for an article's bookmark, "§" for a section's, drawn in ``colour``."""
    app = QtWidgets.QApplication.instance()
    ratio = app.devicePixelRatio() if isinstance(app, QtGui.QGuiApplication) else 1.0
    key = (bool(anchor), colour.name(), ratio)
    icon = _ICONS.get(key)
    if icon is not None:
        return icon
    pixmap = QtGui.QPixmap(int(16 * ratio), int(16 * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pixmap)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    muted = QtGui.QColor(colour)
    muted.setAlphaF(0.7)
    if anchor:
        font = painter.font()
        font.setPixelSize(14)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(muted)
        painter.drawText(QtCore.QRectF(0, 0, 16, 16), Qt.AlignmentFlag.AlignCenter, "§")
    else:
        painter.setPen(QtGui.QPen(muted, 1.2))
        page = QtGui.QPainterPath()
        page.moveTo(3.5, 1.5)
        page.lineTo(9.5, 1.5)
        page.lineTo(12.5, 4.5)
        page.lineTo(12.5, 14.5)
        page.lineTo(3.5, 14.5)
        page.closeSubpath()
        page.moveTo(9.5, 1.5)
        page.lineTo(9.5, 4.5)
        page.lineTo(12.5, 4.5)
        for y in (7.5, 10.0, 12.0):
            page.moveTo(5.5, y)
            page.lineTo(10.5, y)
        painter.drawPath(page)
    painter.end()
    icon = _ICONS[key] = QtGui.QIcon(pixmap)
    return icon


class BookmarksPanel(QtWidgets.QWidget):
    """The bookmarks as a list beside the outline: a filter field, the bookmarks by area, a
    line saying what was just done (with Undo after a removal)."""

    def __init__(self, feature: BookmarksFeature, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookmarksPanel")
        self.feature = feature
        self._collapsed: set[str] = set()
        self._select = ""  # the bookmark to select when the list is next shown
        self._stale = False  # a refill waits for the title being edited
        self._repaint_marks = False
        self._removed_title = ""  # the removal the line below the list offers to undo
        self.filter = QtWidgets.QLineEdit()
        self.filter.setObjectName("bookmarksFilter")
        self.filter.setPlaceholderText("Filter bookmarks")
        self.filter.setClearButtonEnabled(True)
        self.filter.installEventFilter(self)
        self.tree = _BookmarkTree(self)
        self.delegate = _TitleDelegate(self.tree)
        self.tree.setItemDelegate(self.delegate)
        self.empty = QtWidgets.QLabel()
        self.empty.setObjectName("bookmarksEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty.setContentsMargins(12, 24, 12, 12)
        self.empty.setForegroundRole(QtGui.QPalette.ColorRole.PlaceholderText)
        self.pages = QtWidgets.QStackedWidget()
        self.pages.addWidget(self.tree)
        self.pages.addWidget(self.empty)
        self.status = QtWidgets.QLabel()
        self.status.setObjectName("bookmarksStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setContentsMargins(8, 4, 8, 6)
        self.status.linkActivated.connect(self._on_status_link_activated)
        self.status.hide()
        self._status_timer = QtCore.QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.timeout.connect(self._show_standing_status)
        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(4, 4, 4, 4)
        top.addWidget(self.filter)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.status)

        def command(text: str, keys: tuple[str, ...], run: Callable[[], None]) -> QtGui.QAction:
            action = QtGui.QAction(text, self.tree)
            action.setShortcuts([QtGui.QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False: run())
            self.tree.addAction(action)
            return action

        self.open_action = command("&Open", (), self.open_current)
        self.rename_action = command("&Rename…", ("F2",), self.rename_current)
        self.move_up_action = command("Move &Up", ("Alt+Up",), lambda: self.move_current(-1))
        self.move_down_action = command("Move &Down", ("Alt+Down",),
                                        lambda: self.move_current(+1))  # fmt: skip
        self.remove_action = command("Re&move Bookmark", ("Del",), self.remove_current)
        self.undo_action = command("&Undo Removing a Bookmark", ("Ctrl+Z",), feature.undo_remove)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_context_menu_requested)
        self.tree.itemClicked.connect(self._on_item_clicked)
        self.tree.itemExpanded.connect(lambda item: self._collapsed.discard(item.text(0)))
        self.tree.itemCollapsed.connect(lambda item: self._collapsed.add(item.text(0)))
        self.tree.currentItemChanged.connect(lambda *_items: self._update_actions())
        self.delegate.renamed.connect(self._on_renamed)
        self.delegate.closeEditor.connect(
            lambda *_args: QtCore.QTimer.singleShot(0, self, self._refill)
        )
        self.filter.textChanged.connect(lambda _text: self.fill())
        feature.changed.connect(self.fill)
        feature.undo.changed.connect(self._update_actions)
        self._show_standing_status()
        self.fill()

    # -- the list ----------------------------------------------------------------------------
    def fill(self) -> None:
        """Show the bookmarks (those matching the filter) by area."""
        tree = self.tree
        if tree.state() == QtWidgets.QAbstractItemView.State.EditingState:
            self._stale = True  # after the title being typed is done
            return
        self._stale = False
        feature = self.feature
        needle = self.filter.text().strip()
        keep = self._select or self.current_id()
        self._select = ""
        scroll = tree.verticalScrollBar().value()
        writable = feature.writable
        colour = self.palette().color(QtGui.QPalette.ColorRole.Text)
        muted = self.palette().color(QtGui.QPalette.ColorRole.PlaceholderText)
        flag = Qt.ItemFlag
        tree.blockSignals(True)
        while tree.topLevelItemCount():  # not clear(): PySide may delete a row twice after it
            tree.takeTopLevelItem(0)
        chosen: QtWidgets.QTreeWidgetItem | None = None
        for area, records in feature.groups(needle):
            group = QtWidgets.QTreeWidgetItem([area])
            group.setData(0, AREA_ROLE, area)
            group.setFlags(flag.ItemIsEnabled | (flag.ItemIsDropEnabled if writable else flag(0)))
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setForeground(0, muted)
            group.setToolTip(0, area if area != ORPHANED else "Their articles are in no open "
                             "pack: add its content folder to read them again.")  # fmt: skip
            tree.addTopLevelItem(group)
            for record in records:
                item = QtWidgets.QTreeWidgetItem([feature.display_title(record)])
                item.setData(0, ID_ROLE, record.id)
                item.setData(0, AREA_ROLE, area)
                item.setIcon(0, mark_icon(record.anchor, colour))
                item.setToolTip(0, feature.tooltip(record))
                flags = flag.ItemIsEnabled | flag.ItemIsSelectable
                if writable:
                    flags |= flag.ItemIsEditable | flag.ItemIsDragEnabled
                item.setFlags(flags)
                if area == ORPHANED:
                    item.setForeground(0, muted)
                group.addChild(item)
                if record.id == keep:
                    chosen = item
            group.setExpanded(bool(needle) or area not in self._collapsed)
        tree.blockSignals(False)
        if chosen is not None:
            tree.setCurrentItem(chosen)
        tree.doItemsLayout()  # the rows' heights now, for the scroll position to be kept
        tree.verticalScrollBar().setValue(scroll)
        if chosen is not None:
            tree.scrollToItem(chosen)
        if tree.topLevelItemCount():
            self.pages.setCurrentWidget(tree)
        else:
            self.empty.setText(
                f"No bookmark’s title contains “{needle}”." if needle and feature.records
                else feature.empty_text()
            )  # fmt: skip
            self.pages.setCurrentWidget(self.empty)
        self._update_actions()

    def _refill(self) -> None:
        if self._stale:
            self.fill()

    def current_id(self) -> str:
        item = self.tree.currentItem()
        value = item.data(0, ID_ROLE) if item is not None else None
        return value if isinstance(value, str) else ""

    def item_of(self, bookmark_id: str) -> QtWidgets.QTreeWidgetItem | None:
        return next((i for i in _walk(self.tree) if i.data(0, ID_ROLE) == bookmark_id), None)

    def select_later(self, bookmark_id: str) -> None:
        """Select this bookmark when the list is next shown (one just made or brought back)."""
        self._select = bookmark_id

    def _update_actions(self) -> None:
        chosen = bool(self.current_id())
        writable = self.feature.writable
        self.open_action.setEnabled(chosen)
        for action in (self.rename_action, self.move_up_action, self.move_down_action,
                       self.remove_action):  # fmt: skip
            action.setEnabled(chosen and writable)
        self.undo_action.setEnabled(self.feature.undo.isEnabled() and writable)

    # -- the line below the list -------------------------------------------------------------
    def show_removed(self, title: str) -> None:
        self._status_timer.stop()
        self._removed_title = title
        link = self.palette().color(QtGui.QPalette.ColorRole.Link).name()
        self.status.setText(f"Removed “{html.escape(title)}” — "
                            f"<a href='undo' style='color:{link}'>Undo</a>")  # fmt: skip
        self.status.setToolTip("Bring it back (Ctrl+Z)")
        self.status.show()

    def say(self, text: str, *, seconds: int = 8) -> None:
        """Say what happened, for a few seconds."""
        self._removed_title = ""
        self.status.setText(html.escape(text))
        self.status.setToolTip("")
        self.status.show()
        self._status_timer.start(seconds * 1000)

    def _show_standing_status(self) -> None:
        self._removed_title = ""
        if self.feature.writable:
            self.status.clear()
            self.status.hide()
        else:
            self.status.setText("Read-only: bookmarks open, but cannot be changed.")
            self.status.show()

    def _on_status_link_activated(self, link: str) -> None:
        if link == "undo":
            self.feature.undo_remove()

    # -- commands ----------------------------------------------------------------------------
    def _on_item_clicked(self, item: QtWidgets.QTreeWidgetItem, _column: int) -> None:
        value = item.data(0, ID_ROLE)
        if isinstance(value, str):
            self.feature.open_bookmark(value)

    def open_current(self) -> None:
        if self.current_id():
            self.feature.open_bookmark(self.current_id())

    def rename_current(self) -> None:
        item = self.tree.currentItem()
        if item is not None and self.current_id() and self.feature.writable:
            self.tree.scrollToItem(item)
            self.tree.editItem(item, 0)

    def _on_renamed(self, bookmark_id: str, title: str) -> None:
        # After the editor has closed: the list may then be filled again.
        QtCore.QTimer.singleShot(0, self, lambda: self.feature.rename(bookmark_id, title))

    def move_current(self, step: int) -> None:
        item = self.tree.currentItem()
        bookmark_id = self.current_id()
        if item is None or not bookmark_id or self.tree.state() != self.tree.State.NoState:
            return
        group = item.parent()
        index = group.indexOfChild(item) + step if group is not None else -1
        if group is None or not 0 <= index < group.childCount():
            return
        neighbour = str(group.child(index).data(0, ID_ROLE))  # type: ignore[union-attr]
        if step < 0:
            self.feature.move(bookmark_id, neighbour)
        else:
            self.feature.move_after(bookmark_id, neighbour)

    def remove_current(self) -> None:
        item = self.tree.currentItem()
        bookmark_id = self.current_id()
        if item is None or not bookmark_id or self.tree.state() != self.tree.State.NoState:
            return
        below = self.tree.itemBelow(item)
        above = self.tree.itemAbove(item)
        for neighbour in (below, above):  # the next bookmark is selected, ready for Delete
            if neighbour is not None and isinstance(neighbour.data(0, ID_ROLE), str):
                self.select_later(neighbour.data(0, ID_ROLE))
                break
        self.feature.remove(bookmark_id)

    def _on_context_menu_requested(self, pos: QtCore.QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None or not isinstance(item.data(0, ID_ROLE), str):
            if not self.undo_action.isEnabled():
                return
        else:
            self.tree.setCurrentItem(item)
        menu = QtWidgets.QMenu(self)
        if self.current_id() and item is not None:
            menu.addAction(self.open_action)
            menu.addSeparator()
            for action in (self.rename_action, self.move_up_action, self.move_down_action,
                           self.remove_action):  # fmt: skip
                menu.addAction(action)
            menu.addSeparator()
        menu.addAction(self.undo_action)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # -- events ------------------------------------------------------------------------------
    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if watched is self.filter and event.type() == QtCore.QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Escape and self.filter.text():
                self.filter.clear()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                first = self._first_bookmark()
                if first is None:
                    return False
                if not self.current_id():
                    self.tree.setCurrentItem(first)
                if key == Qt.Key.Key_Down:
                    self.tree.setFocus()
                else:
                    self.open_current()
                return True
        return super().eventFilter(watched, event)

    def _first_bookmark(self) -> QtWidgets.QTreeWidgetItem | None:
        return next((i for i in _walk(self.tree) if isinstance(i.data(0, ID_ROLE), str)), None)

    def changeEvent(self, event: QtCore.QEvent) -> None:
        super().changeEvent(event)
        kinds = (QtCore.QEvent.Type.PaletteChange, QtCore.QEvent.Type.ApplicationPaletteChange)
        if event.type() in kinds and not self._repaint_marks:
            # The marks are drawn in the text colour: drawn again once the change is done
            # (not while Qt is still handing the new palette down to the children).
            self._repaint_marks = True
            QtCore.QTimer.singleShot(0, self, self._on_palette_changed)

    def _on_palette_changed(self) -> None:
        self._repaint_marks = False
        self.fill()
        if self._removed_title and not self.status.isHidden():  # the link in the new colour
            self.show_removed(self._removed_title)


class _TitleDelegate(QtWidgets.QStyledItemDelegate):
    """Edits a bookmark's title in place; the new title goes to the feature, not the model."""

    renamed = Signal(str, str)  # bookmark id, the title typed

    def createEditor(
        self,
        parent: QtWidgets.QWidget,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> QtWidgets.QWidget:
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QtWidgets.QLineEdit):
            editor.setPlaceholderText("Empty: the article's own title")
            editor.setMaxLength(500)
        return editor

    def sizeHint(
        self,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> QtCore.QSize:
        """Tall enough for the title wrapped to the width it really has (QTreeView asks
        without a width, and the title would be cut instead of wrapped)."""
        view = self.parent()
        if not isinstance(view, QtWidgets.QTreeView):
            return super().sizeHint(option, index)
        depth = 1 if view.rootIsDecorated() else 0
        parent = index.parent()
        while parent.isValid():
            depth += 1
            parent = parent.parent()
        width = max(60, view.viewport().width() - depth * view.indentation())
        sized = QtWidgets.QStyleOptionViewItem(option)
        sized.rect = QtCore.QRect(0, 0, width, max(1, option.rect.height()))
        return super().sizeHint(sized, index) + QtCore.QSize(0, 4)  # a little air

    def updateEditorGeometry(
        self,
        editor: QtWidgets.QWidget,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> None:
        super().updateEditorGeometry(editor, option, index)
        rect = editor.geometry()  # one line high, in the middle of a row of two
        height = min(rect.height(), editor.sizeHint().height())
        editor.setGeometry(rect.x(), rect.center().y() - height // 2, rect.width(), height)

    def setModelData(
        self,
        editor: QtWidgets.QWidget,
        model: QtCore.QAbstractItemModel,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> None:
        bookmark_id = index.data(ID_ROLE)
        if isinstance(editor, QtWidgets.QLineEdit) and isinstance(bookmark_id, str):
            self.renamed.emit(bookmark_id, editor.text())


class _BookmarkTree(QtWidgets.QTreeWidget):
    """The list of the panel: Enter opens; a bookmark is dragged to a new place in its area."""

    def __init__(self, panel: BookmarksPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.setObjectName("bookmarksTree")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setIndentation(12)
        self.setWordWrap(True)  # long titles ("Article › Heading") on two lines, not cut
        self.setUniformRowHeights(False)
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.invisibleRootItem().setFlags(Qt.ItemFlag.ItemIsEnabled)  # nothing between areas
        if panel.feature.writable:
            self.setDragDropMode(QtWidgets.QAbstractItemView.DragDropMode.InternalMove)
            self.setDefaultDropAction(Qt.DropAction.MoveAction)
            self.setDropIndicatorShown(True)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()  # the titles wrap to the new width

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        editing = self.state() == QtWidgets.QAbstractItemView.State.EditingState
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not editing:
            item = self.currentItem()
            if item is not None and self.panel.current_id():
                self.panel.open_current()
                return
            if item is not None:
                item.setExpanded(not item.isExpanded())
                return
        super().keyPressEvent(event)

    def drop_target(self, pos: QtCore.QPoint) -> tuple[str, str | None] | None:
        """Where the bookmark being dragged would go: (its area, the bookmark it would go
        before, None for last); None when it cannot go there (another area)."""
        moving = self.currentItem()
        if moving is None or not isinstance(moving.data(0, ID_ROLE), str):
            return None
        item = self.itemAt(pos)
        before: str | None
        if item is None:  # below the last row: last in the last area
            group = self.topLevelItem(self.topLevelItemCount() - 1)
            before = None
        elif item.parent() is None:  # an area's heading: first in that area
            group = item
            first = item.child(0)
            before = str(first.data(0, ID_ROLE)) if first is not None else None
        else:
            group = item.parent()
            assert group is not None
            if pos.y() < self.visualItemRect(item).center().y():
                before = str(item.data(0, ID_ROLE))
            else:
                after = group.child(group.indexOfChild(item) + 1)
                before = str(after.data(0, ID_ROLE)) if after is not None else None
        if group is None or group.data(0, AREA_ROLE) != moving.data(0, AREA_ROLE):
            return None
        return str(group.data(0, AREA_ROLE)), before

    def dragMoveEvent(self, event: QtGui.QDragMoveEvent) -> None:
        super().dragMoveEvent(event)
        if event.source() is self and self.drop_target(event.position().toPoint()) is not None:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        target = self.drop_target(event.position().toPoint())
        moving = self.panel.current_id()
        self.stopAutoScroll()
        self.setState(QtWidgets.QAbstractItemView.State.NoState)
        self.viewport().update()
        if event.source() is not self or target is None or not moving:
            event.ignore()
            return
        # The list is filled again from the new order: Qt must not move (or remove) the row,
        # and not while the drag is still being finished.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        feature, before = self.panel.feature, target[1]
        QtCore.QTimer.singleShot(0, self, lambda: feature.move(moving, before))
