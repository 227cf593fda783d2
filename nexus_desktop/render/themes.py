"""Light and dark article themes: a stylesheet for the reader and a Pygments style for code."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple


class Theme(NamedTuple):
    """An article theme: colours, the reader's stylesheet and a Pygments style.

    (A NamedTuple rather than a frozen dataclass: the window needs a theme before its first
    paint, and a frozen dataclass costs ~1 ms to define, its methods generated and compiled.)
    """

    name: str
    label: str
    pygments_style: str
    background: str
    foreground: str
    link: str
    muted: str
    code_background: str
    border: str
    admonition_backgrounds: tuple[tuple[str, str], ...]
    highlight: str

    @property
    def css(self) -> str:
        from string import Template

        return Template(_stylesheet()).substitute(
            {
                "fg": self.foreground,
                "bg": self.background,
                "link": self.link,
                "muted": self.muted,
                "code_bg": self.code_background,
                "border": self.border,
            }
        )

    def admonition_background(self, kind: str) -> str:
        table = dict(self.admonition_backgrounds)
        return table.get(kind, table["note"])


@cache
def _stylesheet() -> str:
    return (Path(__file__).parent / "themes" / "article.css").read_text(encoding="utf-8")


LIGHT = Theme(
    name="light",
    label="Light",
    pygments_style="friendly",
    background="#ffffff",
    foreground="#1f2933",
    link="#1d4ed8",
    muted="#52606d",
    code_background="#f3f5f8",
    border="#cbd2d9",
    admonition_backgrounds=(
        ("note", "#e8f0fe"),
        ("tip", "#e6f6ec"),
        ("warning", "#fdf3dc"),
        ("danger", "#fde8e8"),
    ),
    highlight="#fff3a3",
)

DARK = Theme(
    name="dark",
    label="Dark",
    pygments_style="github-dark",
    background="#1b1f24",
    foreground="#dde3ea",
    link="#7cb3ff",
    muted="#9aa5b1",
    code_background="#0d1117",
    border="#3e4c59",
    admonition_backgrounds=(
        ("note", "#1e2a3d"),
        ("tip", "#1c3326"),
        ("warning", "#3a3020"),
        ("danger", "#3d2020"),
    ),
    highlight="#6b5d00",
)

THEMES: dict[str, Theme] = {LIGHT.name: LIGHT, DARK.name: DARK}


def theme_named(name: str | None) -> Theme:
    """The theme of that name, or the light theme."""
    return THEMES.get(name or "", LIGHT)
