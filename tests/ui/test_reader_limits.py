"""The reader with articles it cannot format at once: parts, plain text, notices."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from nexus_desktop.services.library import ArticleRef
from tests.conftest import write
from tests.ui.conftest import WindowFactory


def long_pack(root: Path) -> Path:
    write(root, "nexus-pack.toml", '[pack]\nid = "long"\n')
    sections = "".join(f"## Section {i}\n\n{'Many words here. ' * 120}\n\n" for i in range(160))
    write(root, "a/long.md", "# Long\n\n" + sections)
    write(root, "a/deep.md", "# Deep\n\n" + "> " * 400 + "bottom\n")
    write(root, "a/short.md", "# Short\n\nSee [the last section](long.md#section-159).\n")
    return root


def test_a_long_article_is_shown_in_parts_with_links_between_them(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(long_pack(tmp_path / "p"))
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ArticleRef("long", "a/long"))
    reader = window.reader
    assert reader.part_count > 1 and reader.part == 0
    text = reader.toPlainText()
    assert f"Part 1 of {reader.part_count}" in text and "Section 0" in text
    assert "Section 159" not in text  # only one part is laid out at a time
    assert window.outline.topLevelItemCount() >= 1  # the outline lists the whole article
    with qtbot.waitSignal(reader.part_changed):
        reader.anchorClicked.emit(QUrl("nexus-part:1"))
    assert reader.part == 1 and "Part 2 of" in reader.toPlainText()
    # A heading in another part: the outline and links switch parts.
    reader.go_to_anchor("section-159")
    assert reader.part == reader.part_count - 1 and "Section 159" in reader.toPlainText()
    reader.go_to_anchor("section-0")
    assert reader.part == 0


def test_a_link_to_a_heading_in_a_later_part_opens_that_part(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(long_pack(tmp_path / "p"))
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ArticleRef("long", "a/long", "section-159"))
    assert window.reader.part == window.reader.part_count - 1
    assert window.reader.verticalScrollBar().value() > 0
    window.go_back()  # history remembers the part
    window.go_forward()
    assert "Section 159" in window.reader.toPlainText()


def test_an_article_too_deep_to_format_is_shown_as_plain_text_with_a_notice(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(long_pack(tmp_path / "p"))
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ArticleRef("long", "a/deep"))
    text = window.reader.toPlainText()
    assert "Shown as plain text: it nests lists or quotes more than 24 levels deep." in text
    assert "bottom" in text
    assert "Shown as plain text" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ArticleRef("long", "a/short"))
    assert "Shown as plain text" not in window.statusBar().currentMessage()  # not a stale one
