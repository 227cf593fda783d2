"""Shared test configuration: every path goes to tmp_path, Qt runs offscreen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Set by the test configuration itself, not by the person running the tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("NEXUS_DESKTOP_DATA_DIR", None)

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
TLDR_ARCHIVE = REPO.parent / "shared" / "corpora" / "tldr-pages-en.tar.gz"


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


LONG_SECTION = "\n\n".join(
    f"Paragraph {i} of filler that makes the page scroll." for i in range(60)
)


@pytest.fixture
def sample_pack(tmp_path: Path) -> Path:
    """A small, clean pack: two areas, links between articles, an image, headings."""
    root = tmp_path / "sample"
    write(root, "nexus-pack.toml", '[pack]\nid = "sample"\nname = "Sample Pack"\n')
    write(root, "basics/_index.md", "---\ntitle: Basics\norder: 1\n---\nThe basics area.\n")
    write(
        root,
        "basics/first.md",
        "---\ntitle: First article\norder: 1\nsummary: The first one.\n---\n\n"
        "Intro text with a [link to second](second.md#details) and "
        "[an external site](https://example.com/docs).\n\n![diagram](pic.svg)\n\n"
        f"## Overview\n\n{LONG_SECTION}\n\n## Deep section\n\nThe end.\n",
    )
    write(
        root,
        "basics/second.md",
        "---\ntitle: Second article\norder: 2\n---\n\n## Details\n\nBack to [first](first.md).\n",
    )
    write(
        root,
        "basics/pic.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">'
        '<rect width="40" height="20" fill="#dbeafe"/></svg>',
    )
    write(root, "advanced/topic.md", "# Advanced topic\n\nNo front matter here.\n")
    return root
