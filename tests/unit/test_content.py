"""The built-in knowledge hub: validates cleanly, and every code block in it is sound."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from nexus_desktop.services.library import LoadedPack, PackSource, load_source
from tests.conftest import CONTENT

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)[ \t]*(?P<lang>[\w+-]*)[^\n]*\n"
                   r"(?P<code>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.S | re.M)  # fmt: skip


@pytest.fixture(scope="module")
def hub() -> LoadedPack:
    loaded = load_source(PackSource(CONTENT, builtin=True))
    assert isinstance(loaded, LoadedPack)
    return loaded


def test_hub_has_no_problems(hub: LoadedPack) -> None:
    assert [p.describe(CONTENT) for p in hub.problems] == []


def test_hub_size(hub: LoadedPack) -> None:
    articles = [a for a in hub.pack.articles.values() if not a.is_index]
    assert len(articles) >= 40
    assert sum(len(q) for q in hub.questions.values()) >= 400
    for article in articles:
        if article.id != "glossary/terms":
            assert len(hub.questions.get(article.id, [])) >= 8, article.id


def test_every_article_has_complete_front_matter(hub: LoadedPack) -> None:
    for article in hub.pack.articles.values():
        if article.is_index:
            continue
        assert article.summary and article.level and article.minutes and article.tags, article.id
        assert article.order is not None, article.id


def code_blocks(path: Path) -> list[tuple[int, str, str]]:
    text = path.read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        indent = len(match.group("indent"))
        code = "\n".join(line[indent:] for line in match.group("code").split("\n"))
        blocks.append((text[: match.start()].count("\n") + 1, match.group("lang").lower(), code))
    return blocks


ARTICLES = sorted(CONTENT.rglob("*.md"))


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: str(p.relative_to(CONTENT)))
def test_code_blocks_compile_and_parse(path: Path) -> None:
    for line, lang, code in code_blocks(path):
        where = f"{path.relative_to(CONTENT)}:{line}"
        if lang in ("python", "py"):
            compile(code, where, "exec")
        elif lang in ("yaml", "yml"):
            list(yaml.safe_load_all(code))
        elif lang == "json":
            json.loads(code)
        assert lang, f"{where}: code fence without a language"


def test_svg_diagrams_are_plain_svg_tiny() -> None:
    import xml.etree.ElementTree as ET

    svgs = sorted(CONTENT.rglob("*.svg"))
    assert len(svgs) >= 7
    for svg in svgs:
        text = svg.read_text(encoding="utf-8")
        ET.fromstring(text)
        for banned in ("<script", "<style", "<foreignObject", 'href="http', "<marker", "filter="):
            assert banned not in text, (svg.name, banned)
