"""Content packs: folders of Markdown turned into areas, articles, quizzes and problems."""

from nexus_desktop.knowledge.loader import LoadCancelled, load_pack
from nexus_desktop.knowledge.model import (
    Area,
    Article,
    ArticleId,
    Pack,
    PackId,
    Problem,
    Severity,
)

__all__ = [
    "Area",
    "Article",
    "ArticleId",
    "LoadCancelled",
    "Pack",
    "PackId",
    "Problem",
    "Severity",
    "load_pack",
]
