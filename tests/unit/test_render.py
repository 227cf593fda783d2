"""Rendering: the Markdown features the reader relies on, and sanitization of hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nexus_desktop.knowledge.loader import load_pack
from nexus_desktop.render import theme_named
from nexus_desktop.render.markdown import ArticleRenderer, sanitize
from nexus_desktop.services.library import ArticleRef, Library, LoadedPack
from tests.conftest import write


@pytest.fixture(scope="module")
def renderer() -> ArticleRenderer:
    return ArticleRenderer(theme_named("light"))


def test_features(renderer: ArticleRenderer) -> None:
    text = (
        "## Heading One\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "```python\ndef f():\n    return 1\n```\n\n"
        '!!! warning "Careful"\n    Body.\n\n- [x] done\n- [ ] open\n\n'
        "Term\n:   Definition\n\nText[^1].\n\n[^1]: A footnote.\n"
    )
    result = renderer.render(text, title="Title")
    html = result.html
    assert html.startswith("<h1>Title</h1>")
    assert '<table border="1"' in html and 'class="data"' in html  # visible cell borders
    assert 'style="color:' in html  # inline Pygments styles
    assert 'class="code"' in html
    assert 'class="admonition"' in html and "Careful" in html
    assert "☑" in html and "☐" in html
    assert "<dt>Term</dt>" in html
    assert "footnote" in html
    assert [(h.level, h.anchor) for h in result.headings] == [(2, "heading-one")]


def test_title_not_repeated_when_text_has_h1(renderer: ArticleRenderer) -> None:
    html = renderer.render("# tar\n\nArchive files.", title="tar").html
    assert html.count("<h1") == 1


def test_dark_theme_uses_its_own_code_colours() -> None:
    light = ArticleRenderer(theme_named("light")).render("```python\nx = 1\n```").html
    dark = ArticleRenderer(theme_named("dark")).render("```python\nx = 1\n```").html
    assert light != dark and theme_named("dark").code_background in dark


HOSTILE = [
    "<script>alert('x')</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="javascript:alert(1)">x</a>',
    '<img src="http://evil.example/track.png">',
    "![remote](https://evil.example/pixel.gif)",
    "![escape](../../../etc/passwd)",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object>',
    '<div onclick="steal()" style="background:url(http://evil.example/x)">hi</div>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<a href="  JaVaScRiPt:alert(1)">x</a>',
    "<style>body{display:none}</style>",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_comes_out_harmless(source: str, tmp_path: Path) -> None:
    write(tmp_path, "pack/a.md", f"# A\n\n{source}\n")
    write(tmp_path, "secret.png", b"\x89PNG")
    pack = load_pack(tmp_path / "pack")
    library = Library()
    library.add(LoadedPack(pack, pack.problems))
    html = library.render(ArticleRef(pack.id, "a"), theme_named("light")).html.lower()
    for forbidden in ("<script", "onerror", "onclick", "onload", "javascript:", "data:", "<iframe",
                      "<object", "<style", "evil.example", "passwd", "<svg"):  # fmt: skip
        assert forbidden not in html, (forbidden, html)


def test_internal_links_and_images_are_rewritten(sample_pack: Path) -> None:
    pack = load_pack(sample_pack)
    library = Library()
    library.add(LoadedPack(pack, []))
    html = library.render(ArticleRef(pack.id, "basics/first"), theme_named("light")).html
    assert 'href="nexus://sample/basics/second#details"' in html
    assert 'href="https://example.com/docs"' in html
    assert 'src="nexusfile://sample/basics/pic.svg"' in html
    assert library.resource_path("nexusfile://sample/basics/pic.svg") == sample_pack.resolve() / (
        "basics/pic.svg"
    )
    assert library.resource_path("nexusfile://sample/../../etc/passwd") is None
    assert library.resource_path("http://example.com/x.png") is None


def test_broken_link_is_marked_not_followed(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "[gone](missing.md)\n\n![pic](nope.png)\n")
    pack = load_pack(tmp_path)
    library = Library()
    library.add(LoadedPack(pack, pack.problems))
    html = library.render(ArticleRef(pack.id, "a"), theme_named("light")).html
    assert 'class="broken"' in html and "missing.md" in html and "href" not in html
    assert "image not shown: pic" in html


def test_missing_file_renders_an_explanation(sample_pack: Path) -> None:
    pack = load_pack(sample_pack)
    library = Library()
    library.add(LoadedPack(pack, []))
    (sample_pack / "basics" / "second.md").unlink()
    html = library.render(ArticleRef(pack.id, "basics/second"), theme_named("light")).html
    assert "could not be read" in html
    html = library.render(ArticleRef(pack.id, "nope"), theme_named("light")).html
    assert "Article not found" in html


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'=/ :;()[]!#*`ajvscriptonerrorhref\n")),
               max_size=120))  # fmt: skip
def test_sanitize_never_lets_script_through(fragment: str) -> None:
    out = ArticleRenderer(theme_named("light")).render(fragment).html.lower()
    assert "<script" not in out and "javascript:" not in out
    assert sanitize(out) == out or "<" in out


def test_highlighting_keeps_every_character_and_colours_code() -> None:
    import html
    import re

    from nexus_desktop.render.markdown import highlight_code
    from tests.conftest import CONTENT

    blocks = []
    for path in sorted(CONTENT.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        blocks += re.findall(r"^```(\w+)\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    assert len(blocks) > 100
    for language, code in blocks:
        for style in ("friendly", "github-dark"):
            out = highlight_code(style, language, code)
            assert html.unescape(re.sub(r"<[^>]+>", "", out)) == code.rstrip("\n")
    python = highlight_code("friendly", "python", 'def f():\n    return "<b>" & 1\n')
    assert '<span style="color: #007020; font-weight: bold">def</span>' in python
    assert "&quot;&lt;b&gt;&quot;" in python and "<b>" not in python
    assert highlight_code("friendly", "no-such-language", "a < b") == "a &lt; b"
