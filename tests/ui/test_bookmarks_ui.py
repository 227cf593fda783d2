"""Bookmarks in the window: a section is bookmarked with its heading, the Bookmarks panel lists
them by area, opens them at their heading, renames in place, reorders by drag and drop or
Alt+Up/Down (the order is saved), removes with undo, filters; the menu lists them by area."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from nexus_desktop.knowledge.ids import ArticleId, PackId
from nexus_desktop.services.library import ArticleRef
from nexus_desktop.storage.records import BookmarkRecord
from nexus_desktop.ui import bookmarks
from nexus_desktop.ui.bookmarks import ORPHANED, BookmarksFeature
from nexus_desktop.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory


@pytest.fixture
def window(qtbot: QtBot, make_window: WindowFactory, sample_pack: Path) -> MainWindow:
    """The window over the sample pack, its Bookmarks panel on screen."""
    window = make_window(sample_pack)
    feature = window.bookmarks
    # What the window passes once the panel is wired in (harmless if it already does).
    feature.current_heading = lambda: bookmarks.heading_in_view(window.reader, window.outline)
    feature.area_of = bookmarks.area_finder(window.library)
    feature.regroup()
    show_panel(qtbot, feature)
    return window


def show_panel(qtbot: QtBot, feature: BookmarksFeature) -> None:
    panel = feature.panel
    if panel.parentWidget() is None:  # not yet placed in the window: on its own
        qtbot.addWidget(panel)
        panel.resize(320, 480)
    node: QtWidgets.QWidget | None = panel
    while node is not None:  # in a tab: that tab
        parent = node.parentWidget()
        if isinstance(parent, QtWidgets.QStackedWidget):
            parent.setCurrentWidget(node)
        node = parent
    panel.show()
    qtbot.waitExposed(panel)


def ref(article: str, fragment: str = "") -> ArticleRef:
    return ArticleRef(PackId("sample"), ArticleId(article), fragment)


def chosen(window: MainWindow) -> str:
    """The title of the bookmark chosen in the panel."""
    current = window.bookmarks.panel.tree.currentItem()
    return current.text(0) if current is not None else ""


def open_article(qtbot: QtBot, window: MainWindow, article: str) -> None:
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ref(article))


def go_to_heading(window: MainWindow, anchor: str) -> None:
    window.reader.go_to_anchor(anchor)


def trigger(qtbot: QtBot, window: MainWindow, name: str) -> None:
    with qtbot.waitSignal(window.bookmarks.changed, timeout=5000):
        window.actions_by_name[name].trigger()


def saved(window: MainWindow) -> list[BookmarkRecord]:
    """The bookmarks as the database has them (every write before this has been made)."""
    return window.bookmarks.study.bookmarks().result(timeout=5)


def rows(window: MainWindow) -> dict[str, list[str]]:
    """The panel's list: each area's heading and its bookmarks' titles, as shown."""
    return rows_of(window.bookmarks.panel)


def rows_of(panel: bookmarks.BookmarksPanel) -> dict[str, list[str]]:
    tree = panel.tree
    out: dict[str, list[str]] = {}
    for number in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(number)
        assert group is not None
        out[group.text(0)] = [group.child(i).text(0) for i in range(group.childCount())]  # type: ignore[union-attr]
    return out


def item(window: MainWindow, title: str) -> QtWidgets.QTreeWidgetItem:
    found = window.bookmarks.panel.tree.findItems(
        title, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive
    )
    assert found, f"{title!r} is not listed"
    return found[0]


def focus_tree(qtbot: QtBot, window: MainWindow, title: str) -> QtWidgets.QTreeWidget:
    panel = window.bookmarks.panel
    panel.activateWindow()
    panel.tree.setCurrentItem(item(window, title))
    panel.tree.setFocus()
    qtbot.waitUntil(panel.tree.hasFocus, timeout=5000)
    return panel.tree


def three_bookmarks(qtbot: QtBot, window: MainWindow) -> None:
    """First article (the article, then its Overview section) and the advanced topic."""
    open_article(qtbot, window, "basics/first")
    trigger(qtbot, window, "bookmark")
    go_to_heading(window, "overview")
    trigger(qtbot, window, "bookmark_section")
    open_article(qtbot, window, "advanced/topic")
    trigger(qtbot, window, "bookmark")


BASICS = "Sample Pack › Basics"
ADVANCED = "Sample Pack › Advanced"


def test_a_section_is_bookmarked_with_its_heading_and_listed_by_area(
    qtbot: QtBot, window: MainWindow
) -> None:
    section = window.actions_by_name["bookmark_section"]
    assert section.shortcut().toString() == "Ctrl+Shift+B"
    panel = window.bookmarks.panel
    assert panel.pages.currentWidget() is panel.empty
    assert "Ctrl+D bookmarks an article" in panel.empty.text()
    assert "Ctrl+Shift+B bookmarks the section you are reading" in panel.empty.text()
    three_bookmarks(qtbot, window)
    records = saved(window)
    assert [(r.article_id, r.anchor, r.title) for r in records] == [
        ("basics/first", "", "First article"),
        ("basics/first", "overview", "First article › Overview"),
        ("advanced/topic", "", "Advanced topic"),
    ]
    assert rows(window) == {
        ADVANCED: ["Advanced topic"],
        BASICS: ["First article", "First article › Overview"],
    }
    assert panel.pages.currentWidget() is panel.tree
    heading = item(window, "First article › Overview")
    assert "sample / basics/first § overview" in heading.toolTip(0)
    assert not heading.icon(0).isNull()
    # The menu lists them by area too, under labels that cannot be chosen.
    menu = [(a.text(), a.isEnabled()) for a in window.menus["bookmarks"].actions()]
    assert (ADVANCED, False) in menu and (BASICS, False) in menu
    assert ("First article › Overview", True) in menu
    # The star is for the article itself; the section's bookmark leaves it alone.
    open_article(qtbot, window, "basics/first")
    assert window.actions_by_name["bookmark"].isChecked()
    go_to_heading(window, "overview")
    window.bookmarks._update_section_action()  # as when the menu opens
    assert section.text() == "Remove Bookmark of &Section “Overview”"
    trigger(qtbot, window, "bookmark_section")  # toggles: the section's bookmark goes
    assert [r.anchor for r in saved(window)] == ["", ""]
    assert window.actions_by_name["bookmark"].isChecked()
    assert panel.status.text().startswith("Removed “First article › Overview”")


def test_opening_a_section_bookmark_scrolls_to_its_heading(
    qtbot: QtBot, window: MainWindow
) -> None:
    three_bookmarks(qtbot, window)
    tree = window.bookmarks.panel.tree
    rect = tree.visualItemRect(item(window, "First article › Overview"))
    with qtbot.waitSignal(window.article_shown, timeout=5000) as shown:
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert shown.args == [ref("basics/first", "overview")]
    assert window.current is not None and window.current.fragment == "overview"
    reader = window.reader
    assert reader.verticalScrollBar().value() > 0
    assert window.bookmarks.current_heading() == ("overview", "Overview")
    # The heading is at the top of the view.
    block = reader.document().begin()
    while block.isValid() and block.text() != "Overview":
        block = block.next()
    cursor = QtGui.QTextCursor(block)
    assert abs(reader.cursorRect(cursor).top()) < 40
    # Enter opens the bookmark chosen in the list (the article, at its top).
    focus_tree(qtbot, window, "Advanced topic")
    with qtbot.waitSignal(window.article_shown, timeout=5000) as shown:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert shown.args == [ref("advanced/topic")]


def test_renaming_in_place_is_saved_and_an_empty_name_gives_the_title_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    three_bookmarks(qtbot, window)
    tree = focus_tree(qtbot, window, "First article › Overview")

    def rename_to(text: str, shown: str) -> None:
        qtbot.keyClick(tree, Qt.Key.Key_F2)
        editor = tree.viewport().findChild(QtWidgets.QLineEdit)
        current = tree.currentItem()
        assert editor is not None and current is not None and editor.text() == current.text(0)
        editor.selectAll()
        qtbot.keyClick(editor, Qt.Key.Key_Delete)
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: rows(window)[BASICS] == ["First article", shown], timeout=5000)

    rename_to("  Why   overviews matter ", "Why overviews matter")
    assert [r.title for r in saved(window) if r.anchor] == ["Why overviews matter"]
    assert chosen(window) == "Why overviews matter"
    with qtbot.waitSignal(window.bookmarks.changed, timeout=5000):
        window.bookmarks.refresh()  # read back: it is what the database has
    assert rows(window)[BASICS] == ["First article", "Why overviews matter"]
    rename_to("", "First article › Overview")
    assert [r.title for r in saved(window) if r.anchor] == ["First article › Overview"]


def test_reordering_by_keyboard_and_by_drag_and_drop_is_saved(
    qtbot: QtBot, window: MainWindow
) -> None:
    three_bookmarks(qtbot, window)
    open_article(qtbot, window, "basics/second")
    trigger(qtbot, window, "bookmark")
    assert rows(window)[BASICS] == ["First article", "First article › Overview", "Second article"]
    tree = focus_tree(qtbot, window, "Second article")
    with qtbot.waitSignal(window.bookmarks.changed, timeout=5000):
        qtbot.keyClick(tree, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    order = ["First article", "Second article", "First article › Overview"]
    assert rows(window)[BASICS] == order
    assert chosen(window) == "Second article"  # still chosen: it can move again
    first, second, overview = (r for r in saved(window) if r.article_id.startswith("basics"))
    assert first.position < second.position < overview.position
    assert (first.title, second.title, overview.title) == tuple(order)
    with qtbot.waitSignal(window.bookmarks.changed, timeout=5000):
        qtbot.keyClick(tree, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert rows(window)[BASICS] == ["First article", "First article › Overview", "Second article"]

    class Drop(QtGui.QDropEvent):  # what a drag from the list itself delivers
        def __init__(self, pos: QtCore.QPoint) -> None:
            super().__init__(
                QtCore.QPointF(pos), Qt.DropAction.MoveAction, QtCore.QMimeData(),
                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
            )  # fmt: skip

        def source(self) -> QtWidgets.QTreeWidget:  # type: ignore[override]
            return tree

    class Hover(QtGui.QDragMoveEvent):
        def __init__(self, pos: QtCore.QPoint) -> None:
            super().__init__(
                pos, Qt.DropAction.MoveAction, QtCore.QMimeData(), Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            )  # fmt: skip

        def source(self) -> QtWidgets.QTreeWidget:  # type: ignore[override]
            return tree

    # "First article" dragged to the lower half of the last row: last in its area.
    tree.setCurrentItem(item(window, "First article"))
    rect = tree.visualItemRect(item(window, "Second article"))
    elsewhere = tree.visualItemRect(item(window, "Advanced topic")).center()
    for over, welcome in ((rect.center(), True), (elsewhere, False)):
        hover = Hover(over)
        tree.dragMoveEvent(hover)
        assert hover.isAccepted() is welcome  # the cursor says where it may go
    tree.dragLeaveEvent(QtGui.QDragLeaveEvent())
    with qtbot.waitSignal(window.bookmarks.changed, timeout=5000):
        tree.dropEvent(Drop(rect.center() + QtCore.QPoint(0, rect.height() // 4)))
    order = ["First article › Overview", "Second article", "First article"]
    assert rows(window)[BASICS] == order
    # ... and to another area it cannot go.
    rect = tree.visualItemRect(item(window, "Advanced topic"))
    tree.dropEvent(Drop(rect.center()))
    assert rows(window)[BASICS] == order and rows(window)[ADVANCED] == ["Advanced topic"]
    # The order is the database's, after reading it back.
    with qtbot.waitSignal(window.bookmarks.changed, timeout=5000):
        window.bookmarks.refresh()
    assert rows(window)[BASICS] == order
    assert [r.title for r in saved(window) if r.article_id.startswith("basics")] == order


def test_equal_positions_are_renumbered_when_there_is_no_room_between(
    qtbot: QtBot, window: MainWindow
) -> None:
    three_bookmarks(qtbot, window)
    open_article(qtbot, window, "basics/second")
    trigger(qtbot, window, "bookmark")
    feature = window.bookmarks
    first, overview, second = (r for r in feature.records if r.article_id.startswith("basics"))
    feature.study.move_bookmark(overview.id, first.position).result(timeout=5)  # a tie
    with qtbot.waitSignal(feature.changed, timeout=5000):
        feature.refresh()
    with qtbot.waitSignal(feature.changed, timeout=5000):
        feature.move(second.id, overview.id)  # between the two equal ones
    assert rows(window)[BASICS] == ["First article", "Second article", "First article › Overview"]
    assert [r.title for r in saved(window) if r.article_id.startswith("basics")] == [
        "First article", "Second article", "First article › Overview",
    ]  # fmt: skip


def test_removing_is_undone_with_ctrl_z_the_undo_link_and_the_menu(
    qtbot: QtBot, window: MainWindow
) -> None:
    three_bookmarks(qtbot, window)
    panel = window.bookmarks.panel
    tree = focus_tree(qtbot, window, "First article")
    with qtbot.waitSignal(window.bookmarks.changed, timeout=5000):
        qtbot.keyClick(tree, Qt.Key.Key_Delete)
    assert rows(window)[BASICS] == ["First article › Overview"]
    assert chosen(window) == "First article › Overview"  # the next, ready
    assert panel.status.isVisible()
    assert panel.status.text().startswith("Removed “First article” — <a href='undo'")
    assert panel.status.text().endswith(">Undo</a>")
    assert [r.title for r in saved(window)] == ["First article › Overview", "Advanced topic"]
    with qtbot.waitSignal(window.bookmarks.changed, timeout=5000):
        qtbot.keyClick(tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rows(window)[BASICS] == ["First article", "First article › Overview"]
    assert chosen(window) == "First article"  # brought back, chosen
    assert len(saved(window)) == 3
    # The link in the line below the list, and the menu's command, undo too.
    with qtbot.waitSignal(window.bookmarks.changed, timeout=5000):
        panel.remove_current()
    with qtbot.waitSignal(window.bookmarks.changed, timeout=5000):
        panel.status.linkActivated.emit("undo")
    assert len(saved(window)) == 3
    undo = window.actions_by_name["undo_bookmark"]
    assert not undo.isEnabled()
    with qtbot.waitSignal(window.bookmarks.changed, timeout=5000):
        panel.remove_current()
    assert undo.isEnabled()
    trigger(qtbot, window, "undo_bookmark")
    assert rows(window)[BASICS] == ["First article", "First article › Overview"]


def test_the_filter_hides_bookmarks_whose_title_does_not_match(
    qtbot: QtBot, window: MainWindow
) -> None:
    three_bookmarks(qtbot, window)
    panel = window.bookmarks.panel
    qtbot.keyClicks(panel.filter, "OVER")
    assert rows(window) == {BASICS: ["First article › Overview"]}
    with qtbot.waitSignal(window.article_shown, timeout=5000) as shown:
        qtbot.keyClick(panel.filter, Qt.Key.Key_Return)  # opens the first match
    assert shown.args == [ref("basics/first", "overview")]
    panel.filter.setText("nothing like it")
    assert panel.pages.currentWidget() is panel.empty
    assert panel.empty.text() == "No bookmark’s title contains “nothing like it”."
    qtbot.keyClick(panel.filter, Qt.Key.Key_Escape)  # clears
    assert panel.filter.text() == ""
    assert sum(len(titles) for titles in rows(window).values()) == 3


def test_bookmarks_of_articles_in_no_open_pack_stay_listed_last(
    qtbot: QtBot, window: MainWindow
) -> None:
    three_bookmarks(qtbot, window)
    feature = window.bookmarks
    real = feature.area_of
    feature.area_of = lambda pack, article: (
        ORPHANED if article == "advanced/topic" else real(pack, article)
    )
    feature.regroup()
    assert list(rows(window)) == [BASICS, ORPHANED]
    tree = feature.panel.tree
    rect = tree.visualItemRect(item(window, "Advanced topic"))
    shown: list[object] = []
    window.article_shown.connect(shown.append)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not shown
    assert "is not in any open pack" in feature.panel.status.text()


def test_the_menu_has_a_submenu_per_area_when_the_bookmarks_are_many(
    qtbot: QtBot, window: MainWindow
) -> None:
    three_bookmarks(qtbot, window)
    feature = window.bookmarks
    for number in range(14):
        feature.study.toggle_bookmark("sample", "basics/second", f"h{number}", f"Part {number}")
    with qtbot.waitSignal(feature.changed, timeout=5000):
        feature.refresh()
    listed = [a for a in window.menus["bookmarks"].actions() if a.menu() is not None]
    assert [a.text() for a in listed] == [ADVANCED, BASICS]
    basics = listed[1].menu()
    assert isinstance(basics, QtWidgets.QMenu) and len(basics.actions()) == 16
    with qtbot.waitSignal(window.article_shown, timeout=5000) as shown:
        basics.actions()[1].trigger()
    assert shown.args == [ref("basics/first", "overview")]


def test_a_read_only_study_record_lists_and_opens_but_changes_nothing(qtbot: QtBot) -> None:
    from concurrent.futures import Future

    from nexus_desktop.ui.actions import build_actions
    from nexus_desktop.ui.db import FutureRelay

    record = BookmarkRecord("a" * 32, "sample", "basics/first", "overview",
                            "First article › Overview", 1.0, 1, 1)  # fmt: skip

    class ReadOnlyStudy:
        read_only = True

        def bookmarks(self) -> Future[list[BookmarkRecord]]:
            done: Future[list[BookmarkRecord]] = Future()
            done.set_result([record])
            return done

    host = QtWidgets.QWidget()
    qtbot.addWidget(host)
    menu = QtWidgets.QMenu(host)
    actions = build_actions(host, bookmarks.ACTIONS)
    opened: list[ArticleRef] = []
    feature = BookmarksFeature(
        ReadOnlyStudy(), FutureRelay(host), menu, actions, opened.append,  # type: ignore[arg-type]
        lambda ref: "First article",
    )  # fmt: skip
    show_panel(qtbot, feature)
    panel = feature.panel
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == 1, timeout=5000)
    row = panel.item_of(record.id)
    assert row is not None and row.text(0) == "First article › Overview"
    assert rows_of(panel) == {"sample": ["First article › Overview"]}  # default area: the pack
    assert not row.flags() & Qt.ItemFlag.ItemIsEditable
    assert panel.tree.dragDropMode() == QtWidgets.QAbstractItemView.DragDropMode.NoDragDrop
    panel.tree.setCurrentItem(row)
    assert panel.open_action.isEnabled()
    for action in (panel.rename_action, panel.move_up_action, panel.remove_action):
        assert not action.isEnabled()
    assert not actions["bookmark"].isEnabled() and not actions["bookmark_section"].isEnabled()
    assert panel.status.text().startswith("Read-only")
    panel.remove_current()  # nothing happens
    assert rows_of(panel) == {"sample": ["First article › Overview"]}
    panel.open_current()
    assert opened == [ref("basics/first", "overview")]


def test_the_section_being_read_is_the_heading_at_the_top_or_the_last_one_at_the_end(
    qtbot: QtBot, window: MainWindow
) -> None:
    feature = window.bookmarks
    open_article(qtbot, window, "basics/first")
    assert feature.current_heading() == ("", "")  # above the first heading
    go_to_heading(window, "overview")
    assert feature.current_heading() == ("overview", "Overview")
    go_to_heading(window, "deep-section")  # too short to reach the top: scrolled to the end
    bar = window.reader.verticalScrollBar()
    assert bar.value() == bar.maximum() > 0
    assert feature.current_heading() == ("deep-section", "Deep section")
    bar.setValue(0)
    trigger(qtbot, window, "bookmark_section")  # above the first heading: the article
    assert [(r.anchor, r.title) for r in saved(window)] == [("", "First article")]
    assert window.actions_by_name["bookmark"].isChecked()
