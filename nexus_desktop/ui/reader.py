"""The article reader: a QTextBrowser that never fetches anything from outside a pack.

Qt classes needed only once an article is shown are reached through their module
(``QtGui.QImage``): naming them at import makes PySide6 build their types and enums, which
start-up would pay for before the window's first paint.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QImage, QMouseEvent, QResizeEvent

    from nexus_desktop.render import Theme

MAX_COLUMN_PX = 820
PART_SCHEME = "nexus-part"  # the links between the parts of a very long article
_PT = re.compile(r"(\d+(?:\.\d+)?)pt")


class ReaderView(QTextBrowser):
    """Shows rendered articles. Link clicks are reported, never followed by Qt itself."""

    back_requested = Signal()
    forward_requested = Signal()
    part_changed = Signal(int, int)  # the part of a long article now shown, and how many

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._resource_path: Callable[[str], Path | None] = _no_resources
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.zoom = 1.0
        self._theme: Theme | None = None
        self._attached = False
        self.blocked_requests: list[str] = []
        self._parts: tuple[str, ...] = ("",)
        self._part_of_anchor: dict[str, int] = {}
        self.part = 0
        self.anchorClicked.connect(self._on_anchor_clicked)

    def attach(self, resource_path: Callable[[str], Path | None]) -> None:
        """Serve images through ``resource_path`` (until then, none load).

        Also the rest of the set-up, which the empty first frame does not need: the document's
        margins, stylesheet and font (they make PySide6 build QTextDocument and QFont).
        """
        self._resource_path = resource_path
        self._attached = True
        # Text wraps and wide images are scaled to the column: never scroll sideways.
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # ... and a word longer than the column (a URL, an identifier) wraps too.
        self.setWordWrapMode(QtGui.QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setDocumentMargin(28)
        if self._theme is not None:
            self._style_document()

    # -- appearance --------------------------------------------------------------------------
    def apply_theme(self, theme: Theme, zoom: float) -> None:
        self._theme = theme
        self.zoom = zoom
        palette = self.palette()
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window):
            palette.setColor(role, QColor(theme.background))
        palette.setColor(QPalette.ColorRole.Text, QColor(theme.foreground))
        palette.setColor(QPalette.ColorRole.Link, QColor(theme.link))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        if self._attached:
            self._style_document()

    def _style_document(self) -> None:
        assert self._theme is not None
        zoom = self.zoom
        css = _PT.sub(lambda m: f"{float(m.group(1)) * zoom:.1f}pt", self._theme.css)
        document = self.document()
        document.setDefaultStyleSheet(css)
        font = document.defaultFont()
        font.setPointSizeF(11 * zoom)
        document.setDefaultFont(font)
        self._update_margins()

    def show_html(self, html: str, anchor: str = "", scroll: int | None = None) -> None:
        """Show one document, then go to ``anchor`` (or the ``scroll`` position)."""
        self.show_article((html,), {}, anchor=anchor, scroll=scroll)

    def show_article(
        self,
        parts: tuple[str, ...],
        part_of_anchor: dict[str, int],
        *,
        anchor: str = "",
        scroll: int | None = None,
        part: int | None = None,
    ) -> None:
        """Show an article. A very long one comes in ``parts`` (so that Qt never lays out more
        than a part at a time); the part holding ``anchor`` is shown, or ``part``."""
        self._parts = parts or ("",)
        self._part_of_anchor = part_of_anchor
        if part is None:
            part = part_of_anchor.get(anchor, 0)
        self.show_part(part, anchor=anchor, scroll=scroll)

    @property
    def part_count(self) -> int:
        return len(self._parts)

    def show_part(self, number: int, *, anchor: str = "", scroll: int | None = None) -> None:
        number = max(0, min(number, len(self._parts) - 1))
        self.part = number
        html = self._parts[number]
        count = len(self._parts)
        if count > 1:
            html = _part_links(number, count, top=True) + html + _part_links(number, count)
        self.setHtml(html)
        if anchor:
            self.scrollToAnchor(anchor)
        else:
            self.verticalScrollBar().setValue(scroll or 0)
        self.part_changed.emit(number, count)

    def heading_at(self, position: int) -> str:
        """The anchor of the heading above a document position ("" before the first)."""
        block = self.document().findBlock(position)
        while block.isValid():
            if block.blockFormat().headingLevel() > 0:
                it = block.begin()
                while not it.atEnd():
                    names = it.fragment().charFormat().anchorNames()
                    if names:
                        return str(names[0])
                    it += 1
            block = block.previous()
        return ""

    def go_to_anchor(self, anchor: str) -> None:
        """Scroll to a heading of the article, switching part if it is in another one."""
        part = self._part_of_anchor.get(anchor, self.part)
        if part != self.part:
            self.show_part(part, anchor=anchor)
        else:
            self.scrollToAnchor(anchor)

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == PART_SCHEME:
            self.show_part(int(url.path() or 0))

    def highlight_matches(self, pattern: str | None) -> int:
        """Mark every match of ``pattern`` and scroll the first into view; return the count."""
        if not pattern:
            self.setExtraSelections([])
            return 0
        regex = QtCore.QRegularExpression
        expression = regex(pattern, regex.PatternOption.CaseInsensitiveOption)
        document = self.document()
        selections = []
        cursor = document.find(expression, 0)
        colour = QColor(self._theme.highlight if self._theme else "#fff3a3")
        while not cursor.isNull() and len(selections) < 500:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            fmt = QtGui.QTextCharFormat()
            fmt.setBackground(colour)
            selection.format = fmt
            selections.append(selection)
            cursor = document.find(expression, cursor)
        self.setExtraSelections(selections)
        if selections:
            # Scroll to the paragraph where most of the words meet, not just the first hit
            # (which is often the title).
            words_by_block: dict[int, set[str]] = {}
            first_in_block: dict[int, int] = {}
            for number, selection in enumerate(selections):
                block = selection.cursor.block().blockNumber()
                word = selection.cursor.selectedText().lower()[:4]  # ~ which query word matched
                words_by_block.setdefault(block, set()).add(word)
                first_in_block.setdefault(block, number)
            best = max(words_by_block, key=lambda b: (len(words_by_block[b]), -b))
            target = selections[first_in_block[best]].cursor
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + self.cursorRect(target).top() - 120)
        return len(selections)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._attached:
            self._update_margins()

    def _update_margins(self) -> None:
        width = self.width() - self.verticalScrollBar().sizeHint().width()
        side = max(0, (width - int(MAX_COLUMN_PX * self.zoom)) // 2)
        self.setViewportMargins(side, 0, side, 0)

    # -- navigation ----------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        buttons = QtCore.Qt.MouseButton
        if event.button() == buttons.BackButton:
            self.back_requested.emit()
            return
        if event.button() == buttons.ForwardButton:
            self.forward_requested.emit()
            return
        super().mousePressEvent(event)

    # -- resources: only files inside a pack, never the network ------------------------------
    def loadResource(self, type: int, name: QUrl) -> object:  # noqa: A002 - Qt's signature
        path = self._resource_path(name.toString())
        if path is None:
            self.blocked_requests.append(name.toString())
            return None
        if type == 2:  # QTextDocument.ResourceType.ImageResource
            image = _load_image(path, self.devicePixelRatioF())
            limit = int((MAX_COLUMN_PX - 70) * self.devicePixelRatioF())
            if image is not None and image.width() > limit:
                ratio = image.devicePixelRatio()
                smooth = QtCore.Qt.TransformationMode.SmoothTransformation
                image = image.scaledToWidth(limit, smooth)
                image.setDevicePixelRatio(ratio)
            return image
        return None


def _part_links(number: int, count: int, *, top: bool = False) -> str:
    links = []
    if number > 0:
        links.append(f'<a href="{PART_SCHEME}:{number - 1}">‹ Part {number}</a>')
    links.append(f"<i>Part {number + 1} of {count} of a long article</i>")
    if number < count - 1:
        links.append(f'<a href="{PART_SCHEME}:{number + 1}">Part {number + 2} ›</a>')
    line = " &nbsp;·&nbsp; ".join(links)
    return f'<p align="center">{line}</p>' + ("" if top else "")


def _no_resources(_url: str) -> None:
    return None


def _load_image(path: Path, ratio: float) -> QImage | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if path.suffix.lower() == ".svg":
        from PySide6.QtSvg import QSvgRenderer  # only when an article has a diagram

        renderer = QSvgRenderer(QtCore.QByteArray(data))
        if not renderer.isValid():
            return None
        size = renderer.defaultSize()
        if size.isEmpty():
            size = QtCore.QSize(640, 400)
        image = QtGui.QImage(size * ratio, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QtCore.Qt.GlobalColor.transparent)
        painter = QtGui.QPainter(image)
        renderer.render(painter)
        painter.end()
        image.setDevicePixelRatio(ratio)
        return image
    image = QtGui.QImage()
    if not image.loadFromData(data):
        return None
    return image
