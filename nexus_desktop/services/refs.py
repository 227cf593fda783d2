"""Small value types that name things: an article (and its URL), a folder to open as a pack.

Kept apart from :mod:`nexus_desktop.services.library` so that the window can use them without
importing the content model, which start-up does not need before the first paint.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from nexus_desktop.knowledge.ids import ArticleId, PackId

ARTICLE_SCHEME = "nexus"
FILE_SCHEME = "nexusfile"


@dataclass(frozen=True, slots=True)
class PackSource:
    """A folder to open as a pack; the built-in hub has ``builtin=True``."""

    path: Path
    builtin: bool = False


@dataclass(frozen=True, slots=True)
class ArticleRef:
    pack_id: PackId
    article_id: ArticleId
    fragment: str = ""


def article_url(pack_id: str, article_id: str, fragment: str = "") -> str:
    """The reader's URL for an article: ``nexus://<pack>/<article-id>#<fragment>``."""
    url = f"{ARTICLE_SCHEME}://{pack_id}/{quote(article_id)}"
    return f"{url}#{quote(fragment)}" if fragment else url


def parse_article_url(url: str) -> ArticleRef | None:
    parts = urlsplit(url)
    if parts.scheme != ARTICLE_SCHEME or not parts.netloc:
        return None
    return ArticleRef(
        PackId(parts.netloc), ArticleId(unquote(parts.path.lstrip("/"))), unquote(parts.fragment)
    )
