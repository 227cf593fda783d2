"""Render Markdown articles to sanitized HTML that QTextBrowser displays well.

Python-Markdown with pymdown-extensions does the parsing; a tree processor rewrites links and
images through a resolver supplied by the caller (so this module knows nothing of packs), and nh3
sanitizes the result as the last step, so hostile content cannot bring scripts, event handlers,
``javascript:`` links or remote images into the reader.
"""

from __future__ import annotations

import copy
import html
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor

from nexus_desktop.render.themes import Theme

# (href, is_image) -> the URL to put in the HTML, or None when the target may not be shown.
UrlResolver = Callable[[str, bool], str | None]

INTERNAL_SCHEMES = frozenset({"nexus", "nexusfile"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"}) | INTERNAL_SCHEMES

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "font",
}  # fmt: skip
_ATTRIBUTES = {
    "*": {"class", "id", "style", "title", "align"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "table": {"border", "cellpadding", "cellspacing", "width", "bgcolor"},
    "td": {"colspan", "rowspan", "bgcolor", "valign", "width"},
    "th": {"colspan", "rowspan", "bgcolor", "valign", "width"},
    "ol": {"start"},
    "font": {"color"},
}
_STYLE_PROPERTIES = {
    "color", "background-color", "font-weight", "font-style", "text-decoration",
    "line-height", "border", "border-color", "font-family", "font-size", "white-space",
}  # fmt: skip
_CHECKED = re.compile(r'<input[^>]*type="checkbox"[^>]*checked[^>]*/?>', re.IGNORECASE)
_UNCHECKED = re.compile(r'<input[^>]*type="checkbox"[^>]*/?>', re.IGNORECASE)
_CODE_BLOCK = re.compile(
    r'<pre class="highlight"><code(?: class="language-([\w+#.-]+)")?>(.*?)</code></pre>', re.DOTALL
)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class RenderedArticle:
    html: str
    headings: tuple[Heading, ...]
    notice: str = ""  # why the article is shown as plain text, when it is
    # A very long article is shown in parts (render/limits.py: paginate); most have one.
    pages: tuple[str, ...] = ()
    page_of_anchor: dict[str, int] = field(default_factory=dict)

    @property
    def parts(self) -> tuple[str, ...]:
        return self.pages or (self.html,)


# Beyond these, one element would take Qt's layout far over a frame's time: it is split into
# consecutive elements that look the same (see render/limits.py for what is not formatted).
MAX_TABLE_CELLS = 150
MAX_LIST_ITEMS = 300
MAX_CODE_LINES = 400  # per table of code; a longer block is several tables in a row
MAX_HIGHLIGHT_LINES = 3000  # longer code blocks are not coloured


class _RewriteProcessor(Treeprocessor):
    """Resolve links and images, and give tables and admonitions boxes QTextBrowser can draw."""

    def __init__(self, md: markdown.Markdown, owner: ArticleRenderer) -> None:
        super().__init__(md)
        self.owner = owner

    def run(self, root: ET.Element) -> None:
        resolver = self.owner.current_resolver
        theme = self.owner.theme
        for parent in root.iter():
            for index, element in enumerate(list(parent)):
                tag = element.tag
                if tag == "a":
                    self._link(element, resolver)
                elif tag == "img":
                    self._image(parent, index, element, resolver)
                elif tag == "table":
                    element.set("class", "data")
                    element.set("border", "1")
                    element.set("cellspacing", "0")
                    element.set("cellpadding", "6")
                elif tag == "div" and "admonition" in (element.get("class") or "").split():
                    self._admonition(parent, index, element, theme)
        for parent in list(root.iter()):
            for element in list(parent):
                if element.tag == "table":
                    _split_table(parent, element)
                elif element.tag in ("ul", "ol") and len(element) > MAX_LIST_ITEMS:
                    _split_list(parent, element)

    @staticmethod
    def _link(element: ET.Element, resolver: UrlResolver | None) -> None:
        href = element.get("href")
        if href is None:
            return
        resolved = resolver(href, False) if resolver else _default_link(href)
        if resolved is None:
            del element.attrib["href"]
            element.set("class", "broken")
            shown = "" if _SCHEME.match(href) else f": {href}"
            element.set("title", f"Link target not available{shown}")
        else:
            element.set("href", resolved)

    @staticmethod
    def _image(
        parent: ET.Element, index: int, element: ET.Element, resolver: UrlResolver | None
    ) -> None:
        src = element.get("src") or ""
        resolved = resolver(src, True) if resolver else None
        if resolved is None:
            span = ET.Element("span", {"class": "missing-image"})
            alt = element.get("alt") or src
            span.text = f"[image not shown: {alt}]"
            span.tail = element.tail
            parent.remove(element)
            parent.insert(index, span)
        else:
            element.set("src", resolved)

    @staticmethod
    def _admonition(parent: ET.Element, index: int, element: ET.Element, theme: Theme) -> None:
        classes = (element.get("class") or "").split()
        kind = next((c for c in classes if c != "admonition"), "note")
        family = {"caution": "warning", "important": "warning", "error": "danger", "hint": "tip"}
        kind = family.get(kind, kind)
        table = ET.Element(
            "table",
            {
                "class": "admonition",
                "width": "100%",
                "cellpadding": "10",
                "cellspacing": "0",
                "bgcolor": theme.admonition_background(kind),
            },
        )
        row = ET.SubElement(table, "tr")
        cell = ET.SubElement(row, "td")
        cell.text = element.text
        for child in list(element):
            cell.append(child)
        table.tail = element.tail
        parent.remove(element)
        parent.insert(index, table)


def _split_table(parent: ET.Element, table: ET.Element) -> None:
    """A table of more than ``MAX_TABLE_CELLS`` cells becomes several tables, each with the
    header row, one under the other."""
    head = table.find("thead")
    body = table.find("tbody")
    if body is None:
        return
    rows = list(body)
    columns = max((len(row) for row in rows[:50]), default=1) or 1

    def new_table(_start: int) -> tuple[ET.Element, ET.Element]:
        piece = ET.Element("table", dict(table.attrib))
        if head is not None:
            piece.append(copy.deepcopy(head))
        return piece, ET.SubElement(piece, "tbody")

    _split_into_siblings(parent, table, body, rows, max(1, MAX_TABLE_CELLS // columns), new_table)


def _split_list(parent: ET.Element, items: ET.Element) -> None:
    """A list of more than ``MAX_LIST_ITEMS`` items becomes several lists in a row (an ordered
    list goes on counting)."""
    first_number = int(items.get("start", "1") or 1) if items.tag == "ol" else 1

    def new_list(start: int) -> tuple[ET.Element, ET.Element]:
        piece = ET.Element(items.tag, dict(items.attrib))
        if items.tag == "ol":
            piece.set("start", str(first_number + start))
        return piece, piece

    _split_into_siblings(parent, items, items, list(items), MAX_LIST_ITEMS, new_list)


def _split_into_siblings(
    parent: ET.Element,
    element: ET.Element,
    holder: ET.Element,
    children: list[ET.Element],
    per_piece: int,
    new_piece: Callable[[int], tuple[ET.Element, ET.Element]],
) -> None:
    """Leave the first ``per_piece`` of ``children`` (held by ``holder``, inside ``element``)
    where they are and move each further ``per_piece`` into a new sibling of ``element``;
    ``new_piece(start)`` makes a sibling and the element inside it that holds the children."""
    if len(children) <= per_piece:
        return
    position = list(parent).index(element)
    tail, element.tail = element.tail, None
    last = element
    for number, start in enumerate(range(per_piece, len(children), per_piece), start=1):
        piece, new_holder = new_piece(start)
        for child in children[start : start + per_piece]:
            holder.remove(child)
            new_holder.append(child)
        parent.insert(position + number, piece)
        last = piece
    last.tail = tail


def _default_link(href: str) -> str | None:
    match = _SCHEME.match(href)
    if match:
        return href if match.group(1).lower() in ("http", "https", "mailto") else None
    return href if href.startswith("#") else None


class _RewriteExtension(Extension):
    def __init__(self, owner: ArticleRenderer) -> None:
        super().__init__()
        self.owner = owner

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_RewriteProcessor(md, self.owner), "nexus-rewrite", 0)


class ArticleRenderer:
    """Renders Markdown for one theme. Not thread-safe: use one instance per thread.

    With ``highlight=False`` code is not coloured (much faster); the headings and their anchors
    are exactly the same, which is what validation needs.
    """

    def __init__(self, theme: Theme, *, highlight: bool = True) -> None:
        self.theme = theme
        self.current_resolver: UrlResolver | None = None
        self._md = markdown.Markdown(
            extensions=[
                # Each extension adds inline patterns run over every text node: only the ones
                # the reader needs (abbr, attr_list, inlinehilite, tilde cost ~30% for nothing).
                "admonition",
                "def_list",
                "footnotes",
                "tables",
                "toc",
                "pymdownx.superfences",
                "pymdownx.highlight",
                "pymdownx.tasklist",
                _RewriteExtension(self),
            ],
            extension_configs={
                "toc": {"slugify": slugify, "permalink": False},
                # Code is coloured afterwards by highlight_code(), which caches lexers,
                # formatters and results (pymdownx would rebuild a formatter per block).
                "pymdownx.highlight": {"use_pygments": False, "guess_lang": False},
                "footnotes": {"BACKLINK_TEXT": "&#8617;"},
            },
            output_format="html",
        )
        self._code_bg = html.escape(theme.code_background)
        self._highlight = highlight

    def render(
        self,
        text: str,
        *,
        resolver: UrlResolver | None = None,
        title: str | None = None,
        byline: str = "",
    ) -> RenderedArticle:
        """Render ``text``; links and images go through ``resolver``.

        With ``title``, an ``<h1>`` is added unless the text begins with its own level-1
        heading; ``byline`` (e.g. what the article was checked against) goes under it.
        """
        from nexus_desktop.render.limits import assess

        reason = assess(text)
        if reason is not None:
            return self.render_plain(text, f"Shown as plain text: {reason}.", title=title)
        self._md.reset()
        self.current_resolver = resolver
        try:
            body = self._md.convert(text)
        except RecursionError:
            self._md.reset()
            notice = "Shown as plain text: it is nested too deeply to format."
            return self.render_plain(text, notice, title=title)
        finally:
            self.current_resolver = None
        headings = tuple(_flatten(getattr(self._md, "toc_tokens", [])))
        if "<input" in body:  # task lists (a scan of a large body is not free)
            body = _CHECKED.sub("&#9745; ", body)
            body = _UNCHECKED.sub("&#9744; ", body)
        if '<pre class="highlight">' in body:
            body = _CODE_BLOCK.sub(self._code_table, body)
        meta = f'<p class="meta">{html.escape(byline)}</p>\n' if byline else ""
        if title and not (headings and headings[0].level == 1):
            body = f"<h1>{html.escape(title)}</h1>\n{meta}{body}"
        elif meta:
            end = body.find("</h1>")
            body = body[: end + 5] + meta + body[end + 5 :] if end >= 0 else meta + body
        from nexus_desktop.render.limits import MAX_ELEMENT_DEPTH, element_depth

        clean = sanitize(body)
        if element_depth(clean) > MAX_ELEMENT_DEPTH:
            notice = f"Shown as plain text: its HTML nests more than {MAX_ELEMENT_DEPTH} deep."
            return self.render_plain(text, notice, title=title)
        return _with_pages(RenderedArticle(html=clean, headings=headings))

    def render_plain(self, text: str, notice: str, *, title: str | None = None) -> RenderedArticle:
        """``text`` unformatted (escaped, wrapped) under ``notice``: for articles the reader
        cannot format quickly or at all."""
        from nexus_desktop.render.limits import plain_html

        return _with_pages(RenderedArticle(plain_html(text, notice, title=title), (), notice))

    def _code_table(self, match: re.Match[str]) -> str:
        language, escaped = match.group(1) or "", match.group(2)
        lines = escaped.count("\n") + 1
        if self._highlight and language and lines <= MAX_HIGHLIGHT_LINES:
            code = highlight_code(self.theme.pygments_style, language, html.unescape(escaped))
        else:
            code = escaped
        if lines <= MAX_CODE_LINES:
            pieces = [code]
        else:  # one table per few hundred lines: Qt lays each out in one go
            split = code.split("\n")
            pieces = [
                "\n".join(split[i : i + MAX_CODE_LINES])
                for i in range(0, len(split), MAX_CODE_LINES)
            ]
            pieces = _balance_spans(pieces)
        return "\n".join(
            f'<table class="code" width="100%" cellpadding="10" cellspacing="0" '
            f'bgcolor="{self._code_bg}"><tr><td><pre>{piece}</pre></td></tr></table>'
            for piece in pieces
        )


def _balance_spans(pieces: list[str]) -> list[str]:
    """Close a highlighting ``<span>`` left open at the end of a piece and reopen it at the
    start of the next (a token such as a docstring may run over many lines)."""
    out: list[str] = []
    carried = ""
    for piece in pieces:
        piece = carried + piece
        opened = re.findall(r'<span style="[^"]*">', piece)
        depth = len(opened) - piece.count("</span>")
        carried = opened[-1] if depth > 0 and opened else ""
        out.append(piece + "</span>" * max(0, depth))
    return out


_lexers = threading.local()


@lru_cache(maxsize=4096)
def highlight_code(style: str, language: str, code: str) -> str:
    """Code as HTML with inline styles (QTextBrowser has no class-based CSS for spans).

    Pygments lexes; the spans are written here, merging neighbouring tokens of the same look,
    which is about a third faster than Pygments' HtmlFormatter for the same markup.
    """
    cache: dict[str, Any] = _lexers.__dict__.setdefault("by_name", {})
    lexer = cache.get(language)
    if lexer is None:
        from pygments.lexers import TextLexer, get_lexer_by_name
        from pygments.util import ClassNotFound

        try:
            lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
        except ClassNotFound:
            lexer = TextLexer()
        cache[language] = lexer
    looks = _token_styles(style)
    out: list[str] = []
    current: str | None = None
    pending: list[str] = []
    # Lexed with its trailing newline (a console-session lexer drops a last line without one),
    # which is then trimmed from the output.
    for token_type, value in lexer.get_tokens(code):
        look = looks.get(token_type)
        while look is None:  # a token type the style does not list: use its parent's look
            token_type = token_type.parent
            look = looks.get(token_type)
        if look != current:
            _flush(out, current, pending)
            current, pending = look, [value]
        else:
            pending.append(value)
    _flush(out, current, ["".join(pending).rstrip("\n")])
    result = "".join(out)
    while result.endswith("\n"):  # a trailing newline token of its own, in an earlier flush
        result = result[:-1]
    return result


_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def _flush(out: list[str], look: str | None, pending: list[str]) -> None:
    text = "".join(pending).translate(_ESCAPE)
    if not text:
        return
    out.append(f'<span style="{look}">{text}</span>' if look else text)


@lru_cache(maxsize=8)
def _token_styles(style: str) -> dict[Any, str]:
    """The inline CSS of every token type a Pygments style defines ("" for plain text)."""
    from pygments.styles import get_style_by_name

    looks: dict[Any, str] = {}
    for token_type, spec in get_style_by_name(style):
        parts = []
        if spec["color"]:
            parts.append(f"color: #{spec['color']}")
        if spec["bgcolor"]:
            parts.append(f"background-color: #{spec['bgcolor']}")
        if spec["bold"]:
            parts.append("font-weight: bold")
        if spec["italic"]:
            parts.append("font-style: italic")
        if spec["underline"]:
            parts.append("text-decoration: underline")
        looks[token_type] = "; ".join(parts)
    return looks


def _flatten(tokens: list[dict[str, object]]) -> list[Heading]:
    out: list[Heading] = []
    for token in tokens:
        name = html.unescape(str(token.get("name", "")))
        out.append(Heading(int(token.get("level", 1)), name, str(token.get("id", ""))))  # type: ignore[call-overload]
        children = token.get("children")
        if isinstance(children, list):
            out.extend(_flatten(children))
    return out


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """The last gate: only pack-internal images, only safe link schemes."""
    if attribute == "src":
        return value if _scheme_of(value) == "nexusfile" else None
    if attribute == "href":
        if value.startswith("#"):
            return value
        return value if _scheme_of(value) in LINK_SCHEMES else None
    return value


def _scheme_of(url: str) -> str | None:
    match = _SCHEME.match(url.strip())
    return match.group(1).lower() if match else None


def sanitize(fragment: str) -> str:
    """Strip everything from ``fragment`` that the reader must never see or follow."""
    return nh3.clean(
        fragment,
        tags=_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=set(LINK_SCHEMES),
        link_rel=None,
        filter_style_properties=_STYLE_PROPERTIES,
        strip_comments=True,
    )


_anchor_renderers = threading.local()


def heading_anchors(text: str) -> set[str]:
    """The anchors of the headings of ``text``, exactly as the reader's renderer makes them."""
    renderer = getattr(_anchor_renderers, "renderer", None)
    if renderer is None:
        from nexus_desktop.render.themes import LIGHT

        renderer = _anchor_renderers.renderer = ArticleRenderer(LIGHT, highlight=False)
    return {heading.anchor for heading in renderer.render(text).headings}


def _with_pages(rendered: RenderedArticle) -> RenderedArticle:
    from nexus_desktop.render.limits import paginate

    pages, anchors = paginate(rendered.html)
    if len(pages) == 1:
        return rendered
    return RenderedArticle(rendered.html, rendered.headings, rendered.notice, tuple(pages), anchors)
