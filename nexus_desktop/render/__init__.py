"""Markdown to sanitized HTML for the reader, and the article themes."""

from nexus_desktop.render.markdown import ArticleRenderer, Heading, RenderedArticle, UrlResolver
from nexus_desktop.render.themes import THEMES, Theme, theme_named

__all__ = [
    "THEMES",
    "ArticleRenderer",
    "Heading",
    "RenderedArticle",
    "Theme",
    "UrlResolver",
    "theme_named",
]
