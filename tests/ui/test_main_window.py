"""The main window on real widgets: tree, reader, links, history, outline, zoom, state."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from nexus_desktop.services.library import ArticleRef, PackSource, article_url
from nexus_desktop.services.tree import build_pack_tree
from nexus_desktop.ui.tree_model import KnowledgeTreeModel
from tests.conftest import write
from tests.ui.conftest import WindowFactory


def click_tree_item(qtbot: QtBot, window, key: str) -> None:  # type: ignore[no-untyped-def]
    index = window.model.index_for_key(key)
    assert index.isValid(), key
    window.tree.scrollTo(index)
    rect = window.tree.visualRect(index)
    qtbot.mouseClick(window.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def open_and_wait(qtbot: QtBot, window, ref: ArticleRef) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ref)


def test_clicking_a_tree_item_shows_the_article(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    window.tree.expandAll()
    with qtbot.waitSignal(window.article_shown, timeout=5000) as shown:
        click_tree_item(qtbot, window, "sample:basics/second")
    assert shown.args == [ArticleRef("sample", "basics/second")]
    assert "Second article" in window.reader.toPlainText()
    assert "Basics" in window.breadcrumb.text() and "Second article" in window.breadcrumb.text()
    assert window.windowTitle().startswith("Second article")


def test_internal_link_navigates_and_back_returns(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    open_and_wait(qtbot, window, ArticleRef("sample", "basics/first"))
    html = window.reader.toHtml()
    link = article_url("sample", "basics/second", "details")
    assert f'href="{link}"' in html
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.reader.anchorClicked.emit(QUrl(link))
    assert window.current == ArticleRef("sample", "basics/second", "details")
    assert window.actions_by_name["back"].isEnabled()
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current == ArticleRef("sample", "basics/first")
    assert "First article" in window.reader.toPlainText()
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.actions_by_name["forward"].trigger()
    assert window.current.article_id == "basics/second"


def test_mouse_back_button_goes_back(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    open_and_wait(qtbot, window, ArticleRef("sample", "basics/first"))
    open_and_wait(qtbot, window, ArticleRef("sample", "advanced/topic"))
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.BackButton, pos=QPoint(5, 5))
    assert window.current == ArticleRef("sample", "basics/first")


def test_outline_click_scrolls_to_heading(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    window.resize(1000, 500)
    open_and_wait(qtbot, window, ArticleRef("sample", "basics/first"))
    items = [
        window.outline.topLevelItem(i).text(0) for i in range(window.outline.topLevelItemCount())
    ]
    assert items[-2:] == ["Overview", "Deep section"]
    bar = window.reader.verticalScrollBar()
    assert bar.value() == 0 and bar.maximum() > 0
    last = window.outline.topLevelItem(window.outline.topLevelItemCount() - 1)
    rect = window.outline.visualItemRect(last)
    qtbot.mouseClick(window.outline.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert bar.value() > 0


def test_external_link_does_not_navigate_inside_the_app(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    window = make_window(sample_pack)
    open_and_wait(qtbot, window, ArticleRef("sample", "basics/first"))
    before = window.reader.toHtml()
    window.reader.anchorClicked.emit(QUrl("https://example.com/docs"))
    assert opened == ["https://example.com/docs"]
    assert window.current == ArticleRef("sample", "basics/first")
    assert window.reader.toHtml() == before
    assert window.reader.source().isEmpty()


def test_missing_target_shows_a_message_not_a_blank_page(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.reader.anchorClicked.emit(QUrl(article_url("sample", "no/such/article")))
    assert "Article not found" in window.reader.toPlainText()


def test_remote_resources_are_never_fetched(make_window: WindowFactory, sample_pack: Path) -> None:
    window = make_window(sample_pack)
    assert window.reader.loadResource(2, QUrl("http://example.com/x.png")) is None
    assert window.reader.loadResource(2, QUrl("file:///etc/hostname")) is None
    image = window.reader.loadResource(2, QUrl("nexusfile://sample/basics/pic.svg"))
    assert image is not None and not image.isNull()


def test_tree_model_passes_modeltester(
    qtmodeltester,
    make_window: WindowFactory,
    sample_pack: Path,  # type: ignore[no-untyped-def]
) -> None:
    window = make_window(sample_pack)
    model = KnowledgeTreeModel()
    model.set_pack_trees([build_pack_tree(p) for p in window.library.packs])
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    pack_index = model.index(0, 0)
    assert model.data(pack_index) == "Sample Pack"
    assert [model.data(model.index(r, 0, pack_index)) for r in range(2)] == ["Basics", "Advanced"]


def test_zoom_theme_geometry_and_last_article_survive_a_restart(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    open_and_wait(qtbot, window, ArticleRef("sample", "basics/second"))
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.zoom > 1.0
    window.actions_by_name["dark_theme"].setChecked(True)
    window.splitter.setSizes([200, 600, 150])
    sizes = window.splitter.sizes()
    window.tree.expandAll()
    window.close()

    again = make_window(sample_pack)
    assert again.zoom == window.zoom
    assert again.theme.name == "dark"
    assert again.current == ArticleRef("sample", "basics/second")
    restored = again.splitter.sizes()
    assert (restored[0], restored[2]) == (sizes[0], sizes[2])
    assert again.tree.isExpanded(again.model.index_for_key("sample:basics"))
    qtbot.keyClick(again, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert again.zoom == 1.0


def test_a_pack_opens_unfolded_unless_the_user_folded_it(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    write(other, "notes/one.md", "# One\n")
    window = make_window(sample_pack, other)
    assert window.current is not None and window.current.pack_id == "sample"
    other_id = next(p.id for p in window.library.packs if p.id != "sample")
    other_root = window.model.index_for_key(f"{other_id}:")
    assert window.tree.isExpanded(other_root)  # a new pack shows its areas, not one closed row
    assert not window.tree.isExpanded(window.model.index_for_key(f"{other_id}:notes"))
    window.tree.collapse(other_root)
    window.close()

    again = make_window(sample_pack, other)
    assert not again.tree.isExpanded(again.model.index_for_key(f"{other_id}:"))
    assert again.tree.isExpanded(again.model.index_for_key("sample:"))


def test_problems_view_lists_every_problem(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    root = tmp_path / "broken"
    write(root, "good.md", "# Good\n")
    write(root, "bad.md", "---\ntitle: [oops\n---\n[x](gone.md)\n")
    write(root, "binary.md", b"\x00\x01\x02")
    window = make_window(root)
    dialog = window.show_problems()
    qtbot.addWidget(dialog)
    rows = [dialog.table.topLevelItem(i) for i in range(dialog.table.topLevelItemCount())]
    messages = sorted(row.text(4) for row in rows)
    assert len(messages) == 3
    assert any("broken link: gone.md" in m for m in messages)
    assert any("binary" in m for m in messages)
    assert "Content &Problems (3)" in window.actions_by_name["problems"].text()
    bad_row = next(r for r in rows if r.text(2) == "bad.md")
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        dialog.table.itemActivated.emit(bad_row, 0)
    assert window.current is not None and window.current.article_id == "bad"


def test_added_folder_is_remembered_and_can_be_removed(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path, tmp_path: Path
) -> None:
    extra = tmp_path / "extra"
    write(extra, "note.md", "# My note\n")
    window = make_window(sample_pack)
    with qtbot.waitSignal(window.packs_loaded, timeout=10_000):
        window.add_pack_folder(extra)
    assert [p.name for p in window.library.packs] == ["Extra", "Sample Pack"]
    window.close()
    again = make_window()
    assert sorted(p.name for p in again.library.packs) == ["Extra", "Sample Pack"]
    again.remove_pack(next(p for p in again.library.packs if p.name == "Extra"))
    assert [p.name for p in again.library.packs] == ["Sample Pack"]
    assert again.model.rowCount() == 1


def test_about_lists_versions_and_licences() -> None:
    from nexus_desktop import __version__
    from nexus_desktop.ui.dialogs import about_text

    text = about_text()
    assert __version__ in text and "LGPL-3.0" in text and "Python-Markdown" in text


def test_adding_a_folder_while_a_pack_indexes_does_not_cancel_it(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path, tmp_path: Path
) -> None:
    big = tmp_path / "big"
    for i in range(450):  # large enough to be indexed in a child process
        write(big, f"pages/p{i}.md", f"# Page {i}\n\nZanzibar text number {i}.\n")
    extra = tmp_path / "extra"
    write(extra, "note.md", "# My note\n\nZanzibar note.\n")
    window = make_window(sample_pack)
    ready: list[str] = []
    window.search_ready.connect(ready.append)
    window.load_sources([PackSource(big)])
    qtbot.waitUntil(lambda: any(p.name == "Big" for p in window.library.packs), timeout=20_000)
    assert window.loading
    window.add_pack_folder(extra)  # while "Big" is still being indexed
    qtbot.waitUntil(lambda: len(ready) == 2 and not window.loading, timeout=60_000)
    assert sorted(ready) == sorted(p.id for p in window.library.packs if p.name != "Sample Pack")
    assert {p.name for p in window.library.packs} == {"Big", "Extra", "Sample Pack"}


def test_a_disk_root_is_refused_and_never_remembered(
    make_window: WindowFactory, sample_pack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from nexus_desktop.app import check_content_folders

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    window = make_window(sample_pack)
    window.add_pack_folder(Path("/"))
    assert warnings and "root of a disk, not a content pack" in warnings[0]
    assert "/" not in window.settings.get("packs") and not window.loading
    good, refused = check_content_folders(["/", str(sample_pack), "/no/such/folder"])
    assert good == [str(sample_pack)]
    assert refused == [
        "/ is the root of a disk, not a content pack: choose the folder that holds your "
        "Markdown files",
        "/no/such/folder: no such folder",
    ]


def test_a_copy_of_an_open_pack_opens_beside_it_with_a_notice(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(sample_pack, copy)
    window = make_window(sample_pack, copy)
    ids = sorted(p.id for p in window.library.packs)
    assert ids[0] == "sample" and ids[1].startswith("sample-") and len(ids) == 2
    assert "already has the id 'sample'" in window.statusBar().currentMessage()
