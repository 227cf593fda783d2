"""The library: which content packs are open, loading them, and rendering their articles.

Everything here is Qt-free; the UI calls it from worker threads for slow work (loading,
validating, rendering) and from the UI thread for quick look-ups.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from nexus_desktop.knowledge.links import TargetKind, resolve_link
from nexus_desktop.knowledge.model import Article, ArticleId, Pack, PackId, Problem, Severity
from nexus_desktop.render.themes import Theme
from nexus_desktop.services.refs import ARTICLE_SCHEME as ARTICLE_SCHEME
from nexus_desktop.services.refs import FILE_SCHEME as FILE_SCHEME
from nexus_desktop.services.refs import ArticleRef as ArticleRef
from nexus_desktop.services.refs import PackSource as PackSource
from nexus_desktop.services.refs import article_url as article_url
from nexus_desktop.services.refs import parse_article_url as parse_article_url

if TYPE_CHECKING:
    from nexus_desktop.core.cancel import CancelToken, ProgressFn
    from nexus_desktop.knowledge.quiz import Question
    from nexus_desktop.render.markdown import ArticleRenderer, RenderedArticle, UrlResolver

RENDER_CACHE_SIZE = 64


@dataclass(slots=True)
class LoadedPack:
    """A pack with every problem found in it and its parsed quiz questions.

    ``validated`` is False until :func:`validate_loaded` has added the deep checks.
    """

    pack: Pack
    problems: list[Problem]
    questions: dict[ArticleId, list[Question]] = field(default_factory=dict)
    validated: bool = False


@dataclass(frozen=True, slots=True)
class LoadFailure:
    source: PackSource
    message: str


def load_source(
    source: PackSource,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    validate: bool = True,
    taken_ids: frozenset[str] = frozenset(),
) -> LoadedPack | LoadFailure:
    """Load one pack (and by default validate it deeply). Never raises for bad content.

    Only :class:`~nexus_desktop.core.cancel.Cancelled` escapes, when ``cancel`` is set.
    """
    from nexus_desktop.knowledge.loader import PackError, load_pack

    try:
        pack = load_pack(
            source.path,
            builtin=source.builtin,
            progress=progress,
            cancel=cancel,
            taken_ids=taken_ids,
        )
    except PackError as exc:
        return LoadFailure(source, str(exc))
    except OSError as exc:
        return LoadFailure(source, f"cannot open {source.path}: {exc}")
    loaded = LoadedPack(pack, list(pack.problems))
    if validate:
        validate_loaded(loaded, cancel=cancel)
    return loaded


def validate_loaded(loaded: LoadedPack, *, cancel: CancelToken | None = None) -> LoadedPack:
    """Add the deep checks (prerequisites, heading anchors, quizzes) to a loaded pack."""
    from nexus_desktop.knowledge.validate import validate_pack
    from nexus_desktop.render.limits import assess
    from nexus_desktop.render.markdown import heading_anchors

    result = validate_pack(loaded.pack, heading_anchors, plain_reason=assess, cancel=cancel)
    loaded.problems = list(loaded.pack.problems) + result.problems
    loaded.questions = result.questions
    loaded.validated = True
    return loaded


class Library:
    """The open packs, and rendering of their articles. Thread-safe for reads and renders."""

    def __init__(self) -> None:
        self._packs: dict[PackId, LoadedPack] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._cache: OrderedDict[tuple[str, str, str], RenderedArticle] = OrderedDict()

    # -- packs -------------------------------------------------------------------------------
    def add(self, loaded: LoadedPack) -> None:
        with self._lock:
            self._packs[loaded.pack.id] = loaded
            self._cache.clear()

    def remove(self, pack_id: PackId) -> None:
        with self._lock:
            self._packs.pop(pack_id, None)
            self._cache.clear()

    @property
    def packs(self) -> list[Pack]:
        """Open packs: the built-in one first, then by name."""
        with self._lock:
            packs = [loaded.pack for loaded in self._packs.values()]
        return sorted(packs, key=lambda p: (not p.builtin, p.name.casefold()))

    def open_roots(self) -> dict[str, Path]:
        """Pack id -> folder of every open pack."""
        with self._lock:
            return {pid: loaded.pack.root for pid, loaded in self._packs.items()}

    def pack(self, pack_id: str) -> Pack | None:
        loaded = self._packs.get(PackId(pack_id))
        return loaded.pack if loaded else None

    def loaded(self, pack_id: str) -> LoadedPack | None:
        return self._packs.get(PackId(pack_id))

    def problems(self) -> list[tuple[Pack, Problem]]:
        out: list[tuple[Pack, Problem]] = []
        for pack in self.packs:
            loaded = self._packs[pack.id]
            ordered = sorted(
                loaded.problems,
                key=lambda p: (p.severity is not Severity.ERROR, str(p.path), p.line or 0),
            )
            out.extend((pack, problem) for problem in ordered)
        return out

    def article(self, ref: ArticleRef) -> Article | None:
        pack = self.pack(ref.pack_id)
        return pack.article(ref.article_id) if pack else None

    def first_article(self) -> ArticleRef | None:
        """Where a first start opens: the built-in pack's first article."""
        for pack in self.packs:
            area = pack.root_area
            if area.index_article:
                return ArticleRef(pack.id, area.index_article)
            for candidate in area.walk_areas():
                if candidate.index_article:
                    return ArticleRef(pack.id, candidate.index_article)
                if candidate.articles:
                    return ArticleRef(pack.id, candidate.articles[0].id)
        return None

    # -- rendering ---------------------------------------------------------------------------
    def cached_render(self, ref: ArticleRef, theme: Theme) -> RenderedArticle | None:
        key = (ref.pack_id, ref.article_id, theme.name)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    def render(self, ref: ArticleRef, theme: Theme) -> RenderedArticle:
        """Render an article (any thread). A file that vanished renders as an explanation."""
        cached = self.cached_render(ref, theme)
        if cached is not None:
            return cached
        from nexus_desktop.knowledge.loader import read_article_text

        pack = self.pack(ref.pack_id)
        article = pack.article(ref.article_id) if pack else None
        renderer = self._renderer(theme)
        if pack is None or article is None:
            return renderer.render(
                "The article you asked for is not in any open content pack.\n\n"
                f"`{ref.pack_id}` / `{ref.article_id}`",
                title="Article not found",
            )
        try:
            text = read_article_text(article.path)
        except OSError as exc:
            return renderer.render(
                f"This article could not be read: {exc.strerror or exc}.\n\nFile: `{article.path}`",
                title=article.title,
            )
        from nexus_desktop.render.limits import (
            RENDER_SECONDS,
            DeadlineExceededError,
            run_with_deadline,
        )
        from nexus_desktop.services.text import checked_line

        resolver = self._resolver(pack, article)
        byline = checked_line(article.checked)
        try:
            rendered = run_with_deadline(
                lambda: renderer.render(
                    text, resolver=resolver, title=article.title, byline=byline
                ),
                RENDER_SECONDS,
            )
        except DeadlineExceededError:
            notice = "Shown as plain text: it takes too long to format."
            rendered = renderer.render_plain(text, notice, title=article.title)
        key = (ref.pack_id, ref.article_id, theme.name)
        with self._lock:
            self._cache[key] = rendered
            while len(self._cache) > RENDER_CACHE_SIZE:
                self._cache.popitem(last=False)
        return rendered

    def _renderer(self, theme: Theme) -> ArticleRenderer:
        from nexus_desktop.render.markdown import ArticleRenderer

        renderers: dict[str, ArticleRenderer] = self._local.__dict__.setdefault("renderers", {})
        if theme.name not in renderers:
            renderers[theme.name] = ArticleRenderer(theme)
        return renderers[theme.name]

    def _resolver(self, pack: Pack, article: Article) -> UrlResolver:
        source_rel = article.path.relative_to(pack.root).as_posix()

        def file_exists(rel: str) -> bool:
            return self._pack_file(pack, rel) is not None

        def resolve(href: str, is_image: bool) -> str | None:
            target = resolve_link(
                href, source_rel=source_rel, article_ids=pack.articles, file_exists=file_exists
            )
            kind = target.kind
            if is_image:
                if kind is TargetKind.FILE and target.rel_path:
                    return f"{FILE_SCHEME}://{pack.id}/{quote(target.rel_path)}"
                return None
            if kind is TargetKind.ARTICLE and target.article_id:
                return article_url(pack.id, target.article_id, target.fragment)
            if kind is TargetKind.ANCHOR:
                return article_url(pack.id, article.id, target.fragment)
            if kind is TargetKind.EXTERNAL:
                return target.url
            if kind is TargetKind.FILE and target.rel_path:
                return f"{FILE_SCHEME}://{pack.id}/{quote(target.rel_path)}"
            return None

        return resolve

    # -- resources ---------------------------------------------------------------------------
    def resource_path(self, url: str) -> Path | None:
        """The file behind a ``nexusfile://pack/path`` URL, only if it is inside that pack."""
        parts = urlsplit(url)
        if parts.scheme != FILE_SCHEME:
            return None
        pack = self.pack(parts.netloc)
        if pack is None:
            return None
        return self._pack_file(pack, unquote(parts.path.lstrip("/")))

    @staticmethod
    def _pack_file(pack: Pack, rel: str) -> Path | None:
        try:
            candidate = (pack.root / rel).resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        if not candidate.is_relative_to(pack.root) or not candidate.is_file():
            return None
        return candidate
