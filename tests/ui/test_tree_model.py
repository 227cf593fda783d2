"""The knowledge tree model hands big folders to the view in batches."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from nexus_desktop.knowledge.loader import load_pack
from nexus_desktop.services.library import ArticleRef
from nexus_desktop.services.tree import build_pack_tree
from nexus_desktop.ui.tree_model import BATCH, KnowledgeTreeModel
from tests.conftest import write
from tests.ui.conftest import WindowFactory

SIZE = BATCH * 2 + 17


def big_pack(root: Path) -> Path:
    for number in range(SIZE):
        write(root, f"many/page-{number:04d}.md", f"# Page {number:04d}\n\nText.\n")
    write(root, "other/lone.md", "# Lone\n")
    return root


def test_big_folder_arrives_in_batches_and_passes_modeltester(  # type: ignore[no-untyped-def]
    qapp, qtmodeltester, tmp_path: Path
) -> None:
    pack = load_pack(big_pack(tmp_path / "big"))
    model = KnowledgeTreeModel()
    model.set_pack_trees([build_pack_tree(pack)])
    area = model.index_for_key(f"{pack.id}:many")
    assert model.hasChildren(area)
    assert model.rowCount(area) == BATCH
    assert model.canFetchMore(area)
    model.fetchMore(area)
    assert model.rowCount(area) == 2 * BATCH
    model.fetchMore(area)
    assert model.rowCount(area) == SIZE
    assert not model.canFetchMore(area)
    assert model.data(model.index(SIZE - 1, 0, area)) == f"Page {SIZE - 1:04d}"
    fresh = KnowledgeTreeModel()
    fresh.set_pack_trees([build_pack_tree(pack)])
    qtmodeltester.check(fresh)  # it fetches more, too


def test_looking_up_a_deep_row_reveals_it(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pack = load_pack(big_pack(tmp_path / "big"))
    model = KnowledgeTreeModel()
    model.set_pack_trees([build_pack_tree(pack)])
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    index = model.index_for_ref(ArticleRef(pack.id, f"many/page-{SIZE - 2:04d}"))
    assert index.isValid() and index.row() == SIZE - 2
    assert model.data(index) == f"Page {SIZE - 2:04d}"
    assert inserted == [(BATCH, SIZE - 2)]  # the view was told about every new row


def test_selecting_a_late_article_in_the_window_scrolls_to_it(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(big_pack(tmp_path / "big"))
    pack = window.library.packs[0]
    ref = ArticleRef(pack.id, f"many/page-{SIZE - 1:04d}")
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ref)
    current = window.tree.currentIndex()
    assert current.isValid() and window.model.data(current) == f"Page {SIZE - 1:04d}"
    assert window.tree.visualRect(current).intersects(window.tree.viewport().rect())
