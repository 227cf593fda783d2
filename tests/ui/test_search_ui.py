"""Search in the window: typing shows ranked results, Enter opens the article at the matched
section with the terms highlighted, a damaged index is rebuilt with a notice; find and switcher."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from nexus_desktop.search.index import index_dir_for
from nexus_desktop.services.library import ArticleRef
from tests.conftest import LONG_SECTION, write
from tests.ui.conftest import WindowFactory


def search_pack(root: Path) -> Path:
    write(root, "nexus-pack.toml", '[pack]\nid = "srch"\nname = "Search pack"\n')
    write(
        root,
        "db/queries.md",
        "---\ntitle: Query optimisation\ntags: [orm]\n---\n\nIntro.\n\n"
        f"## Background\n\n{LONG_SECTION}\n\n## The fix\n\n"
        "Use select_related to follow a ForeignKey in one JOIN instead of N+1 queries.\n",
    )
    write(
        root,
        "db/indexes.md",
        "# Indexes\n\nB-tree indexes speed up lookups. A query may use one.\n",
    )
    write(root, "ops/docker.md", "# Docker\n\nMulti-stage builds make small images.\n")
    return root


def type_query(qtbot: QtBot, window, text: str):  # type: ignore[no-untyped-def]
    window.search_panel.focus_field()
    with qtbot.waitSignal(window.search_results_shown, timeout=10_000) as shown:
        qtbot.keyClicks(window.search_panel.field, text)
    return shown.args[0]


def test_typing_shows_ranked_results(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(search_pack(tmp_path / "p"))
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search_panel.field.hasFocus()
    results = type_query(qtbot, window, "select_related queries")
    ids = [hit.id for hit in results.hits]
    assert ids[0] == "db/queries" and "ops/docker" not in ids
    panel = window.search_panel
    assert panel.results.isVisible() and not window.tree.isVisible()
    assert panel.results.count() == len(results.hits)
    label = panel.results.itemWidget(panel.results.item(0))
    assert "Query optimisation" in label.text() and "<b>select_related</b>" in label.text()
    assert "result" in panel.status.text()
    qtbot.keyClick(panel.field, Qt.Key.Key_Escape)
    assert panel.field.text() == "" and window.tree.isVisible()


def test_enter_opens_the_article_at_the_matched_section(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(search_pack(tmp_path / "p"))
    window.resize(1000, 500)
    type_query(qtbot, window, "select_related")
    with qtbot.waitSignal(window.article_shown, timeout=5000) as shown:
        qtbot.keyClick(window.search_panel.field, Qt.Key.Key_Return)
    assert shown.args[0] == ArticleRef("srch", "db/queries")
    bar = window.reader.verticalScrollBar()
    assert bar.value() > 0  # scrolled past the long background section to "The fix"
    highlighted = [s.cursor.selectedText() for s in window.reader.extraSelections()]
    assert highlighted == ["select_related"]


def test_arrow_keys_move_through_results(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(search_pack(tmp_path / "p"))
    results = type_query(qtbot, window, "query")
    assert len(results.hits) == 2
    qtbot.keyClick(window.search_panel.field, Qt.Key.Key_Down)
    with qtbot.waitSignal(window.article_shown, timeout=5000) as shown:
        qtbot.keyClick(window.search_panel.field, Qt.Key.Key_Return)
    assert shown.args[0].article_id == results.hits[1].id


def test_suggestion_for_a_typo(qtbot: QtBot, make_window: WindowFactory, tmp_path: Path) -> None:
    window = make_window(search_pack(tmp_path / "p"))
    results = type_query(qtbot, window, "indexs")
    assert results.suggestion == "indexes"
    assert "Did you mean" in window.search_panel.status.text()


def test_damaged_index_is_rebuilt_with_a_notice(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    root = search_pack(tmp_path / "p")
    window = make_window(root)
    pack = window.library.pack("srch")
    assert pack is not None
    folder = index_dir_for(window.search_service.cache_dir, pack)
    window.close()
    for segment in folder.glob("*.seg"):
        segment.write_bytes(b"garbage")
    for toc in folder.glob("*.toc"):
        toc.write_bytes(b"\x00broken")
    again = make_window(root)
    results = type_query(qtbot, again, "docker")
    assert [hit.id for hit in results.hits] == ["ops/docker"]
    messages = " ".join(results.notices) + again.statusBar().currentMessage()
    assert "rebuil" in messages


def test_find_in_article_counts_and_steps(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ArticleRef("sample", "basics/first"))
    qtbot.keyClick(window.reader, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.find_bar
    assert bar.isVisible() and bar.field.hasFocus()
    qtbot.keyClicks(bar.field, "paragraph")
    assert bar.count.text() == "1 of 60"
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.count.text() == "2 of 60"
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count.text() == "1 of 60"
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible() and window.reader.extraSelections() == []


def test_quick_switcher_fuzzy_matches_titles(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    switcher = window.show_quick_switcher()
    qtbot.addWidget(switcher)
    qtbot.keyClicks(switcher.field, "scnd art")
    assert switcher.list.item(0).text().startswith("Second article")
    with qtbot.waitSignal(window.article_shown, timeout=5000) as shown:
        qtbot.keyClick(switcher.field, Qt.Key.Key_Return)
    assert shown.args[0] == ArticleRef("sample", "basics/second")


def test_removed_pack_is_no_longer_searched(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    root = search_pack(tmp_path / "p")
    extra = tmp_path / "extra"
    write(extra, "note.md", "# Docker notes\n\nMy own docker notes.\n")
    window = make_window(root, extra)
    results = type_query(qtbot, window, "docker")
    assert len({hit.pack for hit in results.hits}) == 2
    window.remove_pack(next(p for p in window.library.packs if p.name == "Extra"))
    window.search_panel.field.clear()
    results = type_query(qtbot, window, "docker")
    assert [hit.id for hit in results.hits] == ["ops/docker"]


def test_results_wrap_to_the_panel_and_never_scroll_sideways(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    root = search_pack(tmp_path / "p")
    long_title = "A very long title about select_related " + "x" * 120 + " and more words"
    write(root, "db/long.md", f"---\ntitle: {long_title}\n---\nselect_related here.\n")
    window = make_window(root)
    with qtbot.waitSignal(window.article_shown):
        window.open_ref(ArticleRef("srch", "db/long"))
    assert window.width() == 1280  # a title with no place to break does not widen the window
    assert window.breadcrumb.toolTip().endswith(long_title)
    window.splitter.setSizes([220, 800, 200])
    results = type_query(qtbot, window, "select_related")
    assert any(hit.title == long_title for hit in results.hits)
    listing = window.search_panel.results
    qtbot.waitUntil(lambda: listing.viewport().width() > 100)  # laid out once shown
    qtbot.waitUntil(lambda: listing.item(0).sizeHint().width() == listing.viewport().width())
    assert listing.horizontalScrollBar().maximum() == 0
    width = listing.viewport().width()
    for row in range(listing.count()):
        item = listing.item(row)
        assert item.sizeHint().width() <= width
        assert listing.itemWidget(item).heightForWidth(width) <= item.sizeHint().height()
    row = next(r for r in range(listing.count()) if "x" * 30 in listing.item(r).toolTip())
    assert listing.item(row).toolTip().startswith(long_title)
    before = listing.item(row).sizeHint().height()
    window.splitter.setSizes([400, 700, 200])  # wider: the same result takes fewer lines
    qtbot.waitUntil(lambda: listing.item(row).sizeHint().height() < before)


def test_the_status_bar_counts_in_words(make_window: WindowFactory, sample_pack: Path) -> None:
    window = make_window(sample_pack)
    message = window.statusBar().currentMessage()
    assert message.startswith("1 content pack, 3 articles")
