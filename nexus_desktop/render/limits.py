"""What the reader formats fully, and what it shows as plain text instead.

Python-Markdown recurses once per level of nesting and slows down sharply on some shapes (ten
thousand ``[``, hundreds of consecutive definitions, thousands of headings); Qt lays out one
table or one paragraph in one go. So before formatting, :func:`assess` looks at the text's
shape in one linear pass; an article beyond these limits is shown as plain text with a notice
saying why. ``validate`` reports the same reasons, so authors see what the reader will do.
:func:`run_with_deadline` is the backstop for shapes no rule foresaw.
"""

from __future__ import annotations

import ctypes
import html
import re
import threading
from collections.abc import Callable
from typing import TypeVar

MAX_HEADINGS = 1000
MAX_NESTING = 24  # levels of lists and block quotes
MAX_MARKER_RUN = 300  # a run of one of [ ] * _ ` (e.g. "[[[[" or "****")
MAX_BRACKETS_PER_BLOCK = 600
MAX_DEFINITIONS_IN_A_ROW = 150
MAX_TABLE_COLUMNS = 64
MAX_PARAGRAPH_CHARS = 60_000
MAX_WORD_CHARS = 10_000  # Qt lays out a word it cannot break slowly
RENDER_SECONDS = 1.0

PLAIN_CHUNK_CHARS = 8_000

_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)|^ {0,3}(?:=+|-+)\s*$")
# A fence opens a code block; a line of backticks with more backticks after the info string
# is not one (CommonMark), and must not hide the rest of the text from these checks.
_FENCE = re.compile(r"^ {0,3}(?:`{3,}[^`]*|~{3,}.*)$")
# Block quote markers need no space after them (">>>" is three levels); list markers do.
_NESTING = re.compile(r"^(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)))+")
_MARKER = re.compile(r">|[-*+]|\d{1,9}[.)]")
# Substring tests, not a regular expression: a regex scan of a 2 MB line holds the GIL ~90 ms.
_RUNS = tuple(c * (MAX_MARKER_RUN + 1) for c in "[]*_`")


def assess(text: str) -> str | None:
    """Why ``text`` will be shown as plain text, in words; None when it is formatted fully."""
    headings = 0
    definitions = 0
    in_fence = False
    block_chars = 0
    block_brackets = 0
    for line in text.split("\n"):
        if len(line) > MAX_WORD_CHARS and max(map(len, line.split())) > MAX_WORD_CHARS:
            return f"it has a word longer than {MAX_WORD_CHARS:,} characters"
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        stripped = line.strip()
        if not stripped:
            block_chars = block_brackets = definitions = 0
            continue
        if _HEADING.match(line):
            headings += 1
            if headings > MAX_HEADINGS:
                return f"it has more than {MAX_HEADINGS:,} headings"
        nesting = _nesting_depth(line)
        if nesting > MAX_NESTING:
            return f"it nests lists or quotes more than {MAX_NESTING} levels deep"
        if stripped.startswith(":"):
            definitions += 1
            if definitions > MAX_DEFINITIONS_IN_A_ROW:
                return f"it has more than {MAX_DEFINITIONS_IN_A_ROW} definitions in a row"
        for run in _RUNS:
            if run in line:
                return f"it has a run of more than {MAX_MARKER_RUN} “{run[0]}” characters"
        block_chars += len(line)
        if block_chars > MAX_PARAGRAPH_CHARS:
            return f"it has a paragraph longer than {MAX_PARAGRAPH_CHARS:,} characters"
        block_brackets += line.count("[")
        if block_brackets > MAX_BRACKETS_PER_BLOCK:
            return f"a paragraph has more than {MAX_BRACKETS_PER_BLOCK:,} “[” characters"
        if stripped.startswith("|") and stripped.count("|") - 1 > MAX_TABLE_COLUMNS:
            return f"it has a table with more than {MAX_TABLE_COLUMNS} columns"
    return None


def _nesting_depth(line: str) -> int:
    match = _NESTING.match(line[: 20 * MAX_NESTING])
    markers = len(_MARKER.findall(match.group(0))) if match else 0
    indent = (len(line) - len(line.lstrip(" \t"))) // 4
    return markers + indent


def plain_html(text: str, notice: str, *, title: str | None = None) -> str:
    """``text`` as escaped plain text (wrapped, never formatted) under a notice, in blocks of
    at most :data:`PLAIN_CHUNK_CHARS` so that the reader can show it a piece at a time."""
    parts = [f'<p class="degraded"><i>{html.escape(notice)}</i></p>']
    if title:
        parts.insert(0, f"<h1>{html.escape(title)}</h1>")
    for chunk in _chunks(text, PLAIN_CHUNK_CHARS):
        parts.append(
            f'<p style="white-space: pre-wrap; font-family: monospace">{html.escape(chunk)}</p>'
        )
    return "\n".join(parts)


_LONG_RUN = re.compile(r"\S{120,}")


def _breakable(match: re.Match[str]) -> str:
    """A long run without spaces, with places to wrap (zero-width spaces): Qt lays out a word
    it cannot break very slowly."""
    run = match.group(0)
    return "\u200b".join(run[i : i + 100] for i in range(0, len(run), 100))


def _chunks(text: str, size: int) -> list[str]:
    """Pieces of at most ``size`` characters, cut at line ends where possible."""
    out: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            if cut > start:
                end = cut + 1
        out.append(text[start:end].rstrip("\n"))
        start = end
    return [piece for piece in out if piece.strip()] or [""]


# -- showing a long document a piece at a time ---------------------------------------------

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "col", "wbr", "area", "source"})


def split_top_level(fragment: str, max_chars: int) -> list[str]:
    """Cut well-formed HTML into pieces of about ``max_chars`` (more when one element is
    larger), only between top-level elements, so that each piece is well-formed too."""
    if len(fragment) <= max_chars:
        return [fragment]
    pieces: list[str] = []
    depth = 0
    start = 0
    for match in _TAG.finditer(fragment):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing:
            continue
        depth += -1 if closing else 1
        if depth <= 0:
            depth = 0
            end = match.end()
            if end - start >= max_chars:
                pieces.append(fragment[start:end])
                start = end
    if start < len(fragment):
        tail = fragment[start:]
        if pieces and not tail.strip():
            pieces[-1] += tail
        else:
            pieces.append(tail)
    return pieces


MAX_ELEMENT_DEPTH = 48  # elements inside elements (raw HTML can nest without limit)


def element_depth(fragment: str) -> int:
    """How deeply the elements of well-formed HTML nest."""
    depth = deepest = 0
    for match in _TAG.finditer(fragment):
        if match.group(2).lower() in _VOID or match.group(3):
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


# What Qt lays out in about 50 ms on a slow machine, by kind (measured; see bench_hostile).
PAGE_CHARS = 150_000
PAGE_CELLS = 250  # of a narrow table; a wide table's cells cost more (see _weight)
PAGE_LINES = 8_000  # lines of code
PAGE_HEADINGS = 300
_CELL = re.compile(r"<t[dh][\s>]")
_HEADING_TAG = re.compile(r"<h[1-6][\s>]")
_ID = re.compile(r'\sid="([^"]+)"')


def _weight(piece: str) -> float:
    """The share of a part's layout budget that ``piece`` takes."""
    cells = len(_CELL.findall(piece))
    if cells:
        # Qt's cost per cell grows with the width of the table (measured: about twice as much
        # per cell at 60 columns as at 4).
        first_row = piece[: piece.find("</tr>") + 1] if "</tr>" in piece else piece
        columns = len(_CELL.findall(first_row))
        cells = int(cells * (1 + columns / 20))
    return (
        len(piece) / PAGE_CHARS
        + cells / PAGE_CELLS
        + piece.count("\n") / PAGE_LINES
        + len(_HEADING_TAG.findall(piece)) / PAGE_HEADINGS
    )


def paginate(fragment: str) -> tuple[list[str], dict[str, int]]:
    """Cut a very long article into parts Qt can lay out in one go (see the ``PAGE_``
    budgets); return the parts and the part each anchor (``id``) is in. Ordinary articles
    (the hub's longest takes a third of the budget) are one part."""
    if _weight(fragment) <= 1.0:
        return [fragment], {}
    pages: list[str] = []
    current: list[str] = []
    weight = 0.0
    for piece in split_top_level(fragment, 4_000):
        piece_weight = _weight(piece)
        if current and weight + piece_weight > 1.0:
            pages.append("".join(current))
            current, weight = [], 0.0
        current.append(piece)
        weight += piece_weight
    if current:
        pages.append("".join(current))
    anchors: dict[str, int] = {}
    for number, page in enumerate(pages):
        for anchor in _ID.findall(page):
            anchors.setdefault(html.unescape(anchor), number)
    return pages, anchors


# -- a deadline for code that has no cancel flag (Python-Markdown) -------------------------------

T = TypeVar("T")


class DeadlineExceededError(Exception):
    """Raised inside the thread whose work ran past its deadline."""


def run_with_deadline(work: Callable[[], T], seconds: float) -> T:
    """Run ``work`` in this thread; if it is still running after ``seconds``, a
    :class:`DeadlineExceededError` is raised inside it (at its next Python instruction).

    Python-Markdown cannot be cancelled from outside, and a thread cannot be killed; CPython's
    ``PyThreadState_SetAsyncExc`` is the one way to stop such work, used only here.
    """
    thread_id = threading.get_ident()
    state = {"done": False, "fired": False}
    guard = threading.Lock()

    def interrupt() -> None:
        with guard:
            if not state["done"]:
                state["fired"] = True
                _set_async_exc(thread_id, DeadlineExceededError)

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        return work()
    finally:
        with guard:
            state["done"] = True
            timer.cancel()
            if state["fired"]:
                _set_async_exc(thread_id, None)  # not delivered yet: withdraw it


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None
    )
