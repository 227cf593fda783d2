"""Search results as plain data (importing this does not import Whoosh)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SearchHit:
    pack: str
    id: str
    title: str
    breadcrumb: str
    path: str
    score: float
    snippet_html: str  # matched terms in <b>…</b>, everything else escaped
    snippet_text: str  # the same with [matched] terms, for terminals and JSON
    kind: str = "article"  # or "question", "note", "passage"
    question: str = ""  # a question's id (kind "question")
    # For a learner's question: the hub's own question (or glossary term) that led here, and
    # the section it points to (opening the hit goes there).
    answers: str = ""
    anchor: str = ""


@dataclass(slots=True)
class SearchResults:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # words to highlight in the reader
    suggestion: str | None = None  # "did you mean" query, when results are few
    total: int = 0
    notices: list[str] = field(default_factory=list)  # e.g. an index was rebuilt
