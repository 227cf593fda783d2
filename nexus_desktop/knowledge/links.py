"""Finding links in Markdown and resolving them against a pack."""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

ARTICLE_SUFFIXES = (".md", ".markdown")
EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})

_INLINE = re.compile(
    r"(?P<bang>!?)\[(?:[^\]\\\n]|\\.)*\]\(\s*(?:<(?P<angled>[^>\n]*)>|(?P<bare>[^)\s]+))"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<target>[^\s>]+)>?")
_HTML_SRC = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_FENCE_OPEN = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")


@dataclass(frozen=True, slots=True)
class LinkRef:
    """A link or image found in Markdown source."""

    line: int  # 1-based, relative to the text scanned
    target: str
    is_image: bool


def iter_links(text: str) -> Iterator[LinkRef]:
    """Yield the links and images of Markdown text, ignoring code blocks and inline code."""
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        # Cheap tests first: most lines have no fence, code span or link at all.
        opened = _FENCE_OPEN.match(line) if ("`" in line or "~" in line) else None
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        if "[" not in line and "<" not in line:
            continue
        stripped = _INLINE_CODE.sub("", line) if "`" in line else line
        if "](" in stripped:
            for match in _INLINE.finditer(stripped):
                target = match.group("angled") or match.group("bare") or ""
                yield LinkRef(number, target, bool(match.group("bang")))
        ref = _REFERENCE_DEF.match(stripped)
        if ref:
            yield LinkRef(number, ref.group("target"), False)
        if "<img" in stripped.lower():
            for src in _HTML_SRC.findall(stripped):
                yield LinkRef(number, src, True)


class TargetKind(enum.Enum):
    ARTICLE = "article"  # another article of the same pack
    FILE = "file"  # a non-article file inside the pack (an image, a download)
    ANCHOR = "anchor"  # a fragment of the current article
    EXTERNAL = "external"  # http(s), mailto: opens outside the app
    MISSING = "missing"  # a relative target that does not exist
    OUTSIDE = "outside"  # a relative target that leaves the pack
    BLOCKED = "blocked"  # a scheme we never follow (javascript:, data:, file:)


@dataclass(frozen=True, slots=True)
class LinkTarget:
    kind: TargetKind
    article_id: str | None = None  # for ARTICLE
    rel_path: str | None = None  # pack-relative '/'-separated path, for FILE / MISSING
    fragment: str = ""
    url: str = ""  # for EXTERNAL


def resolve_link(
    href: str,
    *,
    source_rel: str,
    article_ids: Container[str],
    file_exists: Callable[[str], bool],
) -> LinkTarget:
    """Resolve ``href`` written in the file ``source_rel`` (pack-relative, '/'-separated).

    ``file_exists`` answers whether a pack-relative path is an existing file inside the pack.
    """
    href = href.strip()
    if not href:
        return LinkTarget(TargetKind.MISSING, rel_path="")
    if href.startswith("#"):
        return LinkTarget(TargetKind.ANCHOR, fragment=unquote(href[1:]))
    if _SCHEME.match(href) and not re.match(r"^[a-zA-Z]:[\\/]", href):
        scheme = href.split(":", 1)[0].lower()
        if scheme in EXTERNAL_SCHEMES:
            return LinkTarget(TargetKind.EXTERNAL, url=href)
        return LinkTarget(TargetKind.BLOCKED, url=href)
    if href.startswith("//"):
        return LinkTarget(TargetKind.EXTERNAL, url="https:" + href)
    parts = urlsplit(href)
    path = unquote(parts.path).replace("\\", "/")
    fragment = unquote(parts.fragment)
    if path.startswith("/"):
        joined = path.lstrip("/")  # '/x' means the pack root, never the file system root
    else:
        base = PurePosixPath(source_rel).parent
        joined = str(base / path) if path else source_rel
    normal = os.path.normpath(joined).replace("\\", "/")
    if normal == "." or normal == "":
        normal = ""
    if normal.startswith("../") or normal == "..":
        return LinkTarget(TargetKind.OUTSIDE, rel_path=normal, fragment=fragment)
    for suffix in ARTICLE_SUFFIXES:
        if normal.lower().endswith(suffix):
            candidate = normal[: -len(suffix)]
            if candidate in article_ids:
                return LinkTarget(TargetKind.ARTICLE, article_id=candidate, fragment=fragment)
            return LinkTarget(TargetKind.MISSING, rel_path=normal, fragment=fragment)
    if normal in article_ids:
        return LinkTarget(TargetKind.ARTICLE, article_id=normal, fragment=fragment)
    index_id = f"{normal}/_index" if normal else "_index"
    if index_id in article_ids:
        return LinkTarget(TargetKind.ARTICLE, article_id=index_id, fragment=fragment)
    if normal and file_exists(normal):
        return LinkTarget(TargetKind.FILE, rel_path=normal, fragment=fragment)
    return LinkTarget(TargetKind.MISSING, rel_path=normal, fragment=fragment)
