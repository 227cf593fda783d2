"""Application-wide look: Fusion with a light or dark palette matching the article theme."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from nexus_desktop.render import Theme


def apply_app_theme(app: QApplication, theme: Theme) -> None:
    """Light or dark colours for the whole app (the Fusion style is set in ``app.py``)."""
    if theme.name != "dark":
        app.setPalette(QPalette())  # no roles set: back to the platform's own colours
        return
    palette = QPalette()
    role = QPalette.ColorRole
    colours = {
        role.Window: "#22272e",
        role.WindowText: "#dde3ea",
        role.Base: "#1b1f24",
        role.AlternateBase: "#262c33",
        role.ToolTipBase: "#2d333b",
        role.ToolTipText: "#dde3ea",
        role.Text: "#dde3ea",
        role.Button: "#2d333b",
        role.ButtonText: "#dde3ea",
        role.BrightText: "#ff6b6b",
        role.Link: "#7cb3ff",
        role.Highlight: "#2f6fd0",
        role.HighlightedText: "#ffffff",
        role.PlaceholderText: "#8b949e",
    }
    for colour_role, value in colours.items():
        palette.setColor(colour_role, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for colour_role in (role.Text, role.ButtonText, role.WindowText):
        palette.setColor(disabled, colour_role, QColor("#6e7681"))
    app.setPalette(palette)
