"""The Qt-free content model: packs, areas, articles and the problems found while loading."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nexus_desktop.knowledge.ids import AreaId as AreaId
from nexus_desktop.knowledge.ids import ArticleId as ArticleId
from nexus_desktop.knowledge.ids import PackId as PackId

LEVELS = ("intro", "intermediate", "advanced")


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a file of a pack. Loading goes on; the problem is reported."""

    severity: Severity
    path: Path
    message: str
    line: int | None = None
    kind: str = "content"

    def describe(self, root: Path | None = None) -> str:
        """``file:line: severity: message``, the file relative to ``root`` when given."""
        shown = self.path
        if root is not None:
            try:
                shown = self.path.relative_to(root)
            except ValueError:
                shown = self.path
        where = f"{shown}:{self.line}" if self.line else f"{shown}"
        return f"{where}: {self.severity.value}: {self.message}"


@dataclass(frozen=True, slots=True)
class Article:
    """One Markdown file. ``id`` is its path in the pack without ``.md``, ``/``-separated."""

    id: ArticleId
    pack_id: PackId
    path: Path
    title: str
    area_id: AreaId
    summary: str = ""
    order: float | None = None
    tags: tuple[str, ...] = ()
    level: str | None = None
    minutes: int | None = None
    prerequisites: tuple[ArticleId, ...] = ()
    is_index: bool = False
    # What the article's claims were checked against: (("django", "5.2"), ("date", "2026-11"))
    checked: tuple[tuple[str, str], ...] = ()
    # Other names for the topic, and how a learner would ask for it (search weighs them).
    aliases: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    digest: str = ""  # of the file's bytes: tells a learner the article changed since they read it


@dataclass(slots=True)
class Area:
    """A folder of a pack. ``id`` is its path in the pack ('' for the pack root)."""

    id: AreaId
    title: str
    path: Path
    order: float | None = None
    summary: str = ""
    index_article: ArticleId | None = None
    areas: list[Area] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    parent: Area | None = field(default=None, repr=False)

    def walk_areas(self) -> list[Area]:
        """This area and all below it, depth first."""
        out = [self]
        for child in self.areas:
            out.extend(child.walk_areas())
        return out

    def breadcrumb(self) -> list[Area]:
        """From the pack root down to this area."""
        chain: list[Area] = []
        node: Area | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


@dataclass(slots=True)
class PackInfo:
    """What ``nexus-pack.toml`` says of a pack (all optional)."""

    name: str
    version: str = ""
    license: str = ""
    authors: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    require_checked: bool = False  # validate warns about articles without 'checked'


@dataclass(slots=True)
class Pack:
    """A loaded content pack."""

    id: PackId
    root: Path
    info: PackInfo
    root_area: Area
    articles: dict[ArticleId, Article] = field(default_factory=dict)
    areas: dict[AreaId, Area] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    quiz_files: dict[ArticleId, Path] = field(default_factory=dict)
    fragment_links: list[Any] = field(default_factory=list)
    builtin: bool = False

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)

    def article(self, article_id: str) -> Article | None:
        return self.articles.get(ArticleId(article_id))

    def area_of(self, article: Article) -> Area:
        return self.areas[article.area_id]
