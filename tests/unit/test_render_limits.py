"""Articles the reader cannot format quickly: the shape check, plain text, splitting, parts,
the deadline backstop, and what validate says about them."""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path

import pytest

from nexus_desktop.render import limits, theme_named
from nexus_desktop.render.limits import (
    DeadlineExceededError,
    assess,
    element_depth,
    paginate,
    plain_html,
    run_with_deadline,
    split_top_level,
)
from nexus_desktop.render.markdown import ArticleRenderer
from nexus_desktop.services.library import LoadedPack, PackSource, load_source
from tests.conftest import write

# The pathological articles of the hardening issue (each under the 2 MB size limit).
HOSTILE = {
    "50,000 headings": "".join(f"## Heading {i}\n\ntext\n\n" for i in range(50_000))[:1_800_000],
    "5,000 columns": "|" + "|".join(f"c{i}" for i in range(5000)) + "|\n|"
    + "|".join("-" for _ in range(5000)) + "|\n",
    "[ x 10,000": "[" * 10_000,
    "10,000 nested lists": "- " * 10_000 + "x",
    "> - x 5,000": "> - " * 5_000 + "x",
    "* x 10,000": "*" * 10_000,
    "definitions": "term\n: definition\n" * 20_000,
    "a 2 MB paragraph": "word " * 380_000,
    "a 50,000-character word": "`" * 50_000,
}  # fmt: skip


@pytest.fixture(scope="module")
def renderer() -> ArticleRenderer:
    return ArticleRenderer(theme_named("light"))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_shapes_are_shown_as_plain_text_with_a_reason(
    renderer: ArticleRenderer, name: str
) -> None:
    text = HOSTILE[name]
    assert assess(text) is not None
    result = renderer.render(text, title="T")
    assert result.notice.startswith("Shown as plain text: ")
    assert result.headings == ()
    # Every character is still there for the reader (escaped, with wrap points).
    shown = re.sub(r"<[^>]+>", "", "".join(result.parts)).replace("\u200b", "")
    assert shown.count("x") >= text.count("x") - 1


def test_ordinary_articles_are_formatted_fully(renderer: ArticleRenderer) -> None:
    text = (
        "## A\n\nSome *emphasis*, `code`, [a link](https://example.com) and [[1]].\n\n"
        + "- one\n  - two\n    - three\n\n> quote\n> > nested\n\n"
        + "| a | b |\n|---|---|\n| 1 | 2 |\n\nterm\n: definition\n"
    )
    assert assess(text) is None
    result = renderer.render(text)
    assert result.notice == "" and len(result.parts) == 1


def test_the_built_in_hub_is_formatted_fully_in_one_part(hub_texts: list[str]) -> None:
    renderer = ArticleRenderer(theme_named("light"))
    for text in hub_texts:
        assert assess(text) is None
        result = renderer.render(text)
        assert result.notice == "" and len(result.parts) == 1


@pytest.fixture(scope="module")
def hub_texts() -> list[str]:
    from nexus_desktop.knowledge.loader import read_article_text
    from tests.conftest import CONTENT

    return [read_article_text(p) for p in sorted(CONTENT.rglob("*.md")) if p.name[0] != "C"]


def test_deep_raw_html_is_shown_as_plain_text(renderer: ArticleRenderer) -> None:
    result = renderer.render("<div>" * 200 + "x" + "</div>" * 200)
    assert "nests more than" in result.notice
    assert element_depth("<p><b>x</b><br><img src='a'></p>") == 2


def test_big_tables_lists_and_code_are_split_into_consecutive_ones(
    renderer: ArticleRenderer,
) -> None:
    from nexus_desktop.render import markdown

    table = "| a | b | c |\n|---|---|---|\n" + "".join(f"| {i} | x | y |\n" for i in range(1000))
    html = renderer.render(table).html
    tables = html.count("<table")
    assert tables == -(-1000 // (markdown.MAX_TABLE_CELLS // 3))
    assert html.count("<thead>") == tables  # every piece repeats the header row
    assert all(f"<td>{i}</td>" in html for i in (0, 499, 999))

    items = "".join(f"{i + 1}. item {i}\n" for i in range(700))
    html = renderer.render(items).html
    assert html.count("<ol") == 3 and 'start="301"' in html and 'start="601"' in html

    code = "```python\n" + "".join(f'x{i} = """{i}\n' for i in range(1000)) + "```\n"
    html = renderer.render(code).html
    assert html.count('class="code"') == 3
    # a span left open at a piece's end is closed there and reopened in the next piece
    assert html.count("<span") == html.count("</span>")


def test_split_top_level_keeps_every_piece_well_formed() -> None:
    fragment = "".join(
        f"<p>para <b>{i}</b></p><table><tr><td>{i}</td></tr></table>" for i in range(50)
    )
    pieces = split_top_level(fragment, 200)
    assert "".join(pieces) == fragment and len(pieces) > 5
    for piece in pieces:
        assert element_depth(piece) <= 3
        assert piece.count("<p>") == piece.count("</p>")
        assert piece.count("<table>") == piece.count("</table>")


def test_long_articles_come_in_parts_and_anchors_know_their_part() -> None:
    fragment = "".join(f'<h2 id="h{i}">H{i}</h2><p>{"words " * 200}</p>' for i in range(400))
    pages, anchors = paginate(fragment)
    assert len(pages) > 2 and "".join(pages) == fragment
    for anchor, page in anchors.items():
        assert f'id="{anchor}"' in pages[page]
    assert anchors["h0"] == 0 and anchors["h399"] == len(pages) - 1
    assert paginate("<p>short</p>") == (["<p>short</p>"], {})


def test_plain_text_is_escaped_and_chunked() -> None:
    html = plain_html("<script>alert(1)</script>\n" * 2000, "Why", title="T")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<p style") > 1
    assert all(len(p) < limits.PLAIN_CHUNK_CHARS * 6 for p in html.split("\n"))


def test_the_deadline_interrupts_work_that_runs_too_long() -> None:
    def spin() -> None:
        while True:
            pass

    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        run_with_deadline(spin, 0.05)
    assert time.monotonic() - started < 5
    assert run_with_deadline(lambda: 42, 5.0) == 42
    # Nothing is left pending for the thread after work that finished in time.
    for _ in range(200):  # work that ends just as its deadline passes
        # Too late is too late; what matters is that nothing escapes afterwards.
        with contextlib.suppress(DeadlineExceededError):
            run_with_deadline(lambda: sum(range(1000)), 0.001)
    total = sum(i for i in range(100_000))  # many bytecodes later: no stray exception arrives
    assert total == 4_999_950_000


def test_a_render_that_runs_past_its_deadline_shows_plain_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nexus_desktop.services.library import ArticleRef, Library

    write(tmp_path, "slow.md", "# Slow\n\nBody text.\n")
    loaded = load_source(PackSource(tmp_path))
    assert isinstance(loaded, LoadedPack)
    library = Library()
    library.add(loaded)
    monkeypatch.setattr(limits, "RENDER_SECONDS", 0.05)

    def slow_convert(self: object, text: str) -> str:
        while True:
            pass

    import markdown

    monkeypatch.setattr(markdown.Markdown, "convert", slow_convert)
    result = library.render(ArticleRef(loaded.pack.id, "slow"), theme_named("light"))
    assert result.notice == "Shown as plain text: it takes too long to format."
    assert "Body text." in result.html


def test_validate_reports_what_the_reader_shows_as_plain_text(tmp_path: Path) -> None:
    write(tmp_path, "ok.md", "# Fine\n\n## Section\n")
    write(tmp_path, "deep.md", "# Deep\n\n" + "- " * 100 + "x\n")
    write(tmp_path, "link.md", "# Link\n\n[to deep](deep.md#deep)\n")
    loaded = load_source(PackSource(tmp_path))
    assert isinstance(loaded, LoadedPack)
    messages = {(p.path.name, p.kind): p.message for p in loaded.problems}
    assert messages[("deep.md", "render")] == (
        "the reader shows this article as plain text: it nests lists or quotes more than "
        "24 levels deep"
    )
    assert ("ok.md", "render") not in messages
    # A plain-text article has no headings to link to.
    assert "heading that does not exist" in messages[("link.md", "link")]
