"""Link discovery and resolution against a pack."""

from __future__ import annotations

from nexus_desktop.knowledge.links import LinkRef, TargetKind, iter_links, resolve_link

IDS = {"area/a", "area/b", "other/_index", "top"}
FILES = {"area/pic.png", "area/a.md", "area/b.md", "top.md"}


def resolve(href: str, source: str = "area/a.md"):  # type: ignore[no-untyped-def]
    return resolve_link(href, source_rel=source, article_ids=IDS, file_exists=FILES.__contains__)


def test_relative_article_links_resolve_to_ids_with_fragments() -> None:
    target = resolve("b.md#some-heading")
    assert (target.kind, target.article_id, target.fragment) == (
        TargetKind.ARTICLE,
        "area/b",
        "some-heading",
    )
    assert resolve("../top.md").article_id == "top"
    assert resolve("b").article_id == "area/b"
    assert resolve("../other/").article_id == "other/_index"
    assert resolve("/top.md").article_id == "top"  # '/' is the pack root


def test_other_kinds() -> None:
    assert resolve("#here").kind is TargetKind.ANCHOR
    assert resolve("https://example.com").kind is TargetKind.EXTERNAL
    assert resolve("mailto:a@b.c").kind is TargetKind.EXTERNAL
    assert resolve("javascript:alert(1)").kind is TargetKind.BLOCKED
    assert resolve("data:text/html,x").kind is TargetKind.BLOCKED
    assert resolve("file:///etc/passwd").kind is TargetKind.BLOCKED
    assert resolve("pic.png").kind is TargetKind.FILE
    assert resolve("missing.md").kind is TargetKind.MISSING
    assert resolve("../../etc/passwd").kind is TargetKind.OUTSIDE
    assert resolve("pic%2Epng").kind is TargetKind.FILE


def test_iter_links_skips_code() -> None:
    text = (
        "[a](one.md) and ![img](p.png 'title')\n"
        "```python\n[b](two.md)\n```\n"
        '`[c](three.md)` <img src="four.png">\n'
        "[ref]: five.md\n"
    )
    assert list(iter_links(text)) == [
        LinkRef(1, "one.md", False),
        LinkRef(1, "p.png", True),
        LinkRef(5, "four.png", True),
        LinkRef(6, "five.md", False),
    ]
