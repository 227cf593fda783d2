"""Markdown to sanitized HTML for the reader (``render.markdown``), and themes (``render.themes``).

``render.markdown`` pulls in Python-Markdown, Pygments and nh3; it is imported where rendering
happens (worker threads), not at start-up.
"""

from nexus_desktop.render.themes import THEMES, Theme, theme_named

__all__ = ["THEMES", "Theme", "theme_named"]
