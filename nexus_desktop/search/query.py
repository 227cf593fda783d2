"""Searching: query parsing (phrases, prefixes, AND/OR/NOT, filters), BM25F ranking, snippets
with the matched terms marked, and "did you mean" suggestions from the index's own words."""

from __future__ import annotations

import contextlib
import html
import re
import threading
import time
from collections import OrderedDict
from typing import Any

from whoosh import qparser
from whoosh.query import AndNot, Every, Or, Query, Term

from nexus_desktop.search.analysis import stem
from nexus_desktop.search.results import SearchHit, SearchResults

__all__ = [
    "ParsedQuery",
    "SearchHit",
    "SearchResults",
    "make_snippet",
    "match_pattern",
    "prepare_query",
    "run_search",
    "suggest",
]

SEARCH_FIELDS = ("title", "headings", "body")
FILTER_FIELDS = {"area": "area", "tag": "tags", "tags": "tags", "level": "level", "pack": "pack"}
_FILTER = re.compile(r"\b(area|tag|tags|level|pack):(\"[^\"]*\"|\S+)", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")

# What one query may ask of an index. Beyond these, queries get slow (the cost grows with
# every term, and Whoosh's query tree recurses once per term) without finding anything better.
MAX_QUERY_CHARS = 2000
MAX_WORDS = 24
MAX_WORD_CHARS = 64
MIN_WILDCARD_PREFIX = 2  # "ab*" is fine; "*", "**" and "a*" would expand to most of the index
MAX_WILDCARDS = 4
MAX_SUGGEST_WORDS = 3  # each costs 30-60 ms on a 7,000-page pack
SUGGEST_SECONDS = 0.15
MAX_SUGGEST_WORD_CHARS = 30
SEARCH_SECONDS = 0.8  # a backstop: collecting hits stops after this (partial results)
_TOKEN = re.compile(r'"[^"]*"?|\S+')
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_SUBSTANTIVE = re.compile(r"\w\w")
_WORDS = re.compile(r"\w+")
# The one wildcard form: a word of at least MIN_WILDCARD_PREFIX characters, then "*" at its end
# ("select_rel*", "tag:dj*"). Anything else expands to most of the vocabulary.
_PREFIX_QUERY = re.compile(rf"^[-+]?(?:\w+:)?\w{{{MIN_WILDCARD_PREFIX},}}[\w.\-]*\*$")


class ParsedQuery:
    """A query as typed, made safe to run: at most :data:`MAX_WORDS` words of at most
    :data:`MAX_WORD_CHARS` characters, wildcards only after a real prefix, ``?`` taken as
    punctuation. ``notices`` say, in words, what was changed and why."""

    __slots__ = ("notices", "original", "text")

    def __init__(self, text: str, original: str, notices: tuple[str, ...]) -> None:
        self.text = text
        self.original = original
        self.notices = notices

    def __repr__(self) -> str:
        return f"ParsedQuery({self.text!r})"


def prepare_query(text: str) -> ParsedQuery:
    """Trim ``text`` to what an index can answer quickly (see :class:`ParsedQuery`)."""
    original = text
    notices: list[str] = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
    text = text.replace("?", " ").replace("\x00", " ")
    kept: list[str] = []
    words = wildcards = 0
    shortened = trimmed = unwild = False
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in _OPERATORS:
            kept.append(token)
            continue
        # What the index sees: "sl6-5G~gqp" is four words, not one.
        count = max(1, len(_WORDS.findall(token)))
        if words + count > MAX_WORDS:
            trimmed = True
            break
        words += count
        if len(token) > MAX_WORD_CHARS and not token.startswith('"'):
            token = token[:MAX_WORD_CHARS]
            shortened = True
        if "*" in token:
            wildcards += token.count("*")
            if not _PREFIX_QUERY.match(token) or wildcards > MAX_WILDCARDS:
                token = token.replace("*", "")
                unwild = True
        kept.append(token)
    if len(original) > MAX_QUERY_CHARS or trimmed:
        notices.append(f"Only the first {MAX_WORDS} words of a long query are searched.")
    if shortened:
        notices.append(f"Words longer than {MAX_WORD_CHARS} characters were shortened.")
    if unwild:
        notices.append(
            f"“*” works at the end of a word of at least {MIN_WILDCARD_PREFIX} letters (at most "
            f"{MAX_WILDCARDS} per query); the others were searched as plain words."
        )
    while kept and kept[-1] in _OPERATORS:
        kept.pop()
    if len(kept) > 2:
        # In a longer query, a word with no two letters or digits together ("1", "-r;", "m^^")
        # finds a large share of the index and ranks nothing: it costs without helping.
        kept = [t for t in kept if t in _OPERATORS or t.startswith('"') or _SUBSTANTIVE.search(t)]
    return ParsedQuery(" ".join(kept).strip(), original, tuple(notices))


def match_pattern(words: list[str]) -> str | None:
    """A regular expression (Python and PCRE) matching the words as the index matches them:
    case-insensitive, by stem prefix, so ``queries`` also finds ``query`` and ``queried``."""
    prefixes = []
    for word in words:
        lowered = word.lower().strip(".-")
        if not lowered:
            continue
        stemmed = stem(lowered)
        common = 0
        while common < min(len(stemmed), len(lowered)) and stemmed[common] == lowered[common]:
            common += 1
        if common >= len(lowered):  # the word is its own stem: match it and its extensions
            prefixes.append(lowered)
        else:  # "queries" -> stem "queri": match "quer…" so "query" is found too
            prefixes.append(lowered[: max(min(4, len(lowered)), common - 1)])
    if not prefixes:
        return None
    ordered = sorted(set(prefixes), key=len, reverse=True)
    return r"(?<!\w)(?:" + "|".join(re.escape(p) for p in ordered) + r")\w*"


def make_snippet(body: str, words: list[str], width: int = 200) -> tuple[str, str]:
    """The passage of ``body`` with the most query words; returns (html with <b>, [plain])."""
    expression = match_pattern(words)
    collapsed = " ".join(body.split())
    if expression is None:
        return html.escape(collapsed[:width]), collapsed[:width]
    matches = list(re.finditer(expression, collapsed, re.IGNORECASE))
    if not matches:
        return html.escape(collapsed[:width]), collapsed[:width]
    best, best_score = 0, -1
    window: dict[str, int] = {}  # word -> count inside the sliding window
    left = 0
    for match in matches:  # the window holding the most distinct words wins
        word = match.group(0).lower()
        window[word] = window.get(word, 0) + 1
        while match.start() - matches[left].start() > width:
            gone = matches[left].group(0).lower()
            window[gone] -= 1
            if not window[gone]:
                del window[gone]
            left += 1
        if len(window) > best_score:
            best, best_score = left, len(window)
    anchor = matches[best].start()
    start = collapsed.rfind(" ", 0, max(0, anchor - 50)) + 1 if anchor > 50 else 0
    end = collapsed.find(" ", min(len(collapsed), start + width))
    end = len(collapsed) if end == -1 else end
    html_parts, plain_parts, index = [], [], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        html_parts.append(html.escape(collapsed[index : match.start()]))
        plain_parts.append(collapsed[index : match.start()])
        html_parts.append(f"<b>{html.escape(match.group(0))}</b>")
        plain_parts.append(f"[{match.group(0)}]")
        index = match.end()
    html_parts.append(html.escape(collapsed[index:end]))
    plain_parts.append(collapsed[index:end])
    lead = "… " if start > 0 else ""
    tail = " …" if end < len(collapsed) else ""
    return lead + "".join(html_parts) + tail, lead + "".join(plain_parts) + tail


KEYWORD_BOOSTS = {"title": 3.0, "headings": 1.5}


def make_parser(
    schema: Any,
    *,
    match_all: bool = False,
    fields: tuple[str, ...] = SEARCH_FIELDS,
    boosts: dict[str, float] | None = None,
    coord: bool = True,
) -> qparser.QueryParser:
    """``coord``: an OR query scores documents with more of the words higher (costly for many
    words: a learner's question does without)."""
    if match_all:
        group: Any = qparser.AndGroup
    else:
        group = qparser.OrGroup.factory(0.9) if coord else qparser.OrGroup
    parser = qparser.MultifieldParser(
        list(fields), schema, fieldboosts=boosts or KEYWORD_BOOSTS, group=group
    )
    # Ranges ("[a TO z]") enumerate the vocabulary and are not part of the query language.
    parser.remove_plugin_class(qparser.RangePlugin)
    return parser


_EXCLUDED = re.compile(r"(?:^|(?<=\s))(?:-|NOT\s+)(\"[^\"]+\"|[^\s\"]+)")
_PLUS = re.compile(r"(^|\s)\+(?=[\w\"])")


def split_filters(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Take ``area:x tag:y level:z pack:p`` out of the query text."""
    filters = [(FILTER_FIELDS[m.group(1).lower()], m.group(2).strip('"').lower())
               for m in _FILTER.finditer(text)]  # fmt: skip
    return _FILTER.sub(" ", text).strip(), filters


def parse_query(
    text: str,
    schema: Any,
    *,
    match_all: bool = False,
    fields: tuple[str, ...] = SEARCH_FIELDS,
    boosts: dict[str, float] | None = None,
    coord: bool = True,
) -> Query:
    """Parse leniently: unbalanced quotes, dangling operators and odd characters never fail.

    ``match_all`` joins the words with AND (cheap, precise); otherwise with a scored OR.
    Parsed queries are kept for the next pack and keystroke: a query object holds only field
    names and terms, so every index built with the same schema can run it.
    """
    key = (text, match_all, fields, tuple(sorted((boosts or {}).items())), coord,
           tuple(schema.names()))  # fmt: skip
    with _PARSED_LOCK:
        cached = _PARSED.get(key)
        if cached is not None:
            _PARSED.move_to_end(key)
            return cached
    query = _parse_query(
        text, schema, match_all=match_all, fields=fields, boosts=boosts, coord=coord
    )
    with _PARSED_LOCK:
        _PARSED[key] = query
        if len(_PARSED) > PARSED_KEPT:
            _PARSED.popitem(last=False)
    return query


PARSED_KEPT = 256
_PARSED_LOCK = threading.Lock()
_PARSED: OrderedDict[tuple[object, ...], Query] = OrderedDict()


def _parse_query(
    text: str,
    schema: Any,
    *,
    match_all: bool,
    fields: tuple[str, ...],
    boosts: dict[str, float] | None = None,
    coord: bool = True,
) -> Query:
    parser = make_parser(schema, match_all=match_all, fields=fields, boosts=boosts, coord=coord)
    cleaned = text.strip()
    if cleaned.count('"') % 2:
        cleaned = cleaned.replace('"', " ")
    cleaned = re.sub(r"^\s*(AND|OR|NOT)\s+|\s+(AND|OR|NOT)\s*$", " ", cleaned).strip()
    if not cleaned:
        return Every()
    # "-term" / "NOT term" exclude, "+term" requires — only at the start of a word: a hyphen
    # inside "multi-stage" or "docker-compose.yml" is part of the word.
    excluded = [m.strip('"') for m in _EXCLUDED.findall(cleaned)]
    cleaned = _PLUS.sub(r"\1", _EXCLUDED.sub(" ", cleaned)).strip()
    query = _lenient_parse(parser, cleaned) if cleaned else Every()
    if excluded:
        query = AndNot(query, Or([_lenient_parse(parser, f'"{word}"') for word in excluded]))
    return query


def _lenient_parse(parser: qparser.QueryParser, text: str) -> Query:
    try:
        return parser.parse(text)
    except Exception:  # noqa: BLE001 - any parser surprise falls back to plain words
        words = " ".join(re.findall(r"\w+", text))
        return parser.parse(words) if words else Every()


def query_terms(text: str) -> list[str]:
    """The words of a query as typed (for highlighting in the reader)."""
    text, _ = split_filters(text)
    words = re.findall(r"[\w.\-]+", text.replace("*", ""))
    return [w for w in words if w not in ("AND", "OR", "NOT") and len(w) > 1]


def run_search(
    searcher: Any, query_text: ParsedQuery | str, *, limit: int = 20, match_all: bool = True
) -> tuple[list[dict[str, Any]], int]:
    """Search one index; returns the stored fields of the top hits (with ``score``) and an
    estimate of how many documents match. ``match_all`` asks for every word (AND, cheap).

    A plain string is prepared first (:func:`prepare_query`)."""
    if isinstance(query_text, str):
        query_text = prepare_query(query_text)
    words, filters = split_filters(query_text.text)
    restrict = None
    for fieldname, value in filters:
        term = Term(fieldname, value)
        restrict = term if restrict is None else restrict & term
    search_fields: tuple[str, ...] = SEARCH_FIELDS
    if not match_all and len(words.split()) > 1:
        # The OR fallback of a several-word query looks in titles and headings only: short
        # fields keep it cheap even for common words, and a partial match there is the one
        # worth showing. (One word: its parts, as in HTTP_429, are searched everywhere.)
        words = _without_common_words(searcher, words)
        search_fields = ("title", "headings")
    query = parse_query(words, searcher.schema, match_all=match_all, fields=search_fields)
    if restrict is not None:
        query = query & restrict if not isinstance(query, Every) else restrict
    return _found(_collect(searcher, query, limit))


def _found(results: Any) -> tuple[list[dict[str, Any]], int]:
    """The stored fields of each hit (with its ``score``), and how many documents matched."""
    found: list[dict[str, Any]] = []
    for hit in results:
        fields = dict(hit.fields())
        fields["score"] = hit.score
        found.append(fields)
    return found, results.estimated_length()


def _collect(searcher: Any, query: Query, limit: int, *, optimize: bool = True) -> Any:
    """The top hits, collected for at most ``SEARCH_SECONDS`` (then what was found so far).
    ``optimize`` skips blocks that cannot reach the top (Whoosh's block quality): a gain for
    a few terms, a loss for a learner's question of many words in many fields."""
    from whoosh.collectors import TimeLimit

    collector = _deadline_collector(
        searcher.collector(limit=limit, optimize=optimize), SEARCH_SECONDS
    )
    with contextlib.suppress(TimeLimit):  # what was found in time is the answer
        searcher.search_with_collector(query, collector)
    return collector.results()


def _deadline_collector(child: Any, seconds: float) -> Any:
    """Whoosh's time-limit collector without its timer thread (one thread started per query
    cost more than many queries): the clock is read every few matches instead."""
    from whoosh.collectors import TimeLimit, TimeLimitCollector

    class DeadlineCollector(TimeLimitCollector):  # type: ignore[misc]
        def prepare(self, top_searcher: Any, q: Any, context: Any) -> None:
            self.child.prepare(top_searcher, q, context)
            self.deadline = time.perf_counter() + self.timelimit

        def collect_matches(self) -> None:
            child, deadline, clock = self.child, self.deadline, time.perf_counter
            for count, sub_docnum in enumerate(child.matches()):
                if not count & 31 and clock() > deadline:
                    raise TimeLimit
                child.collect(sub_docnum)

        def finish(self) -> None:
            self.child.finish()

    return DeadlineCollector(child, timelimit=seconds, use_alarm=False)


COMMON_SHARE = 0.15  # a word in more than 15% of documents says little on its own
PRUNE_FROM = 1000  # documents in an index before common words are pruned


def _without_common_words(searcher: Any, words: str) -> str:
    """For the OR fallback, drop plain words found in a large share of the documents: "file"
    in "ttyplot file" matches thousands of pages, costs most of the time and ranks nothing.
    Phrases, operators and prefixes are kept as typed; so is a query of only common words."""
    parts = words.split()
    if len(parts) < 2 or any(c in words for c in '"*()') or re.search(r"\b(AND|OR|NOT)\b", words):
        return words
    reader = searcher.reader()
    if reader.doc_count() < PRUNE_FROM:  # small packs are fast anyway; keep every word
        return words
    limit = int(reader.doc_count() * COMMON_SHARE)
    analyzer = searcher.schema["body"].analyzer
    kept = []
    for part in parts:
        tokens = [t.text for t in analyzer(part)]
        if tokens and all(reader.doc_frequency("body", t) > limit for t in tokens):
            continue
        kept.append(part)
    return " ".join(kept) if kept else words


def suggest(searcher: Any, text: str) -> str | None:
    """A corrected query built from the index's vocabulary, or None."""
    words, _filters = split_filters(text)
    corrector = searcher.corrector("spell")
    changed = False
    out = []
    tried = 0
    deadline = time.perf_counter() + SUGGEST_SECONDS
    for word in re.findall(r"\S+", words):
        lowered = word.lower()
        # The corrector's cost grows with a word's length: long words and long queries are
        # not typos worth a suggestion.
        if (
            tried < MAX_SUGGEST_WORDS
            and time.perf_counter() < deadline
            and len(word) <= MAX_SUGGEST_WORD_CHARS
            and _WORD.fullmatch(word)
            and lowered not in ("and", "or", "not")
        ):
            tried += 1
            has_it = searcher.reader().frequency("spell", lowered) > 0
            if not has_it:
                # One edit for short words: two turn "tarr" into "start".
                options = corrector.suggest(lowered, limit=1, maxdist=1 if len(word) <= 5 else 2)
                if options:
                    out.append(options[0])
                    changed = True
                    continue
        out.append(word)
    return " ".join(out) if changed else None


# -- a learner's question in their own words ---------------------------------------------------
_PLAIN_WORDS = re.compile(r"\S+")
# Words that make a query a question, and words that carry no topic in one ("how do I stop my
# …"): recognised, then left out of what is ranked. See ``is_question``.
QUESTION_STARTS = frozenset(
    _PLAIN_WORDS.findall(
        "how why what whats what's when where which who whom whose can could should would will "
        "is are am was were does do did has have my i i'm im ive i've we our is there any "
        "help need want trying tried getting keep"
    )
)
FILLER = frozenset(
    _PLAIN_WORDS.findall(
        "a an and are as at be been being by can could did do does doing done for from get gets "
        "getting got had has have having he her here him his how i i'm id if im in into is it "
        "it's its itself ive just keep keeps kind me mine my myself need needs of on or our ours "
        "out please should so some somehow something still such than that the their them then "
        "there these they thing things this those to too trying us use used using very want "
        "wants was way ways we were what whats what's when where which while who whom whose why "
        "will with would you your"
    )
)
# A question is matched against how learners ask for an article (its front matter's
# ``questions``) far more than against its text; titles and headings add nothing here (they are
# in the text, and learners do not use the hub's terms). Tuned on the tuning half of
# benchmarks/nl_questions.yaml only.
NATURAL_FIELDS = ("body", "aliases", "asks")
NATURAL_BOOSTS = {"body": 1.0, "aliases": 3.0, "asks": 8.0}
EXPANSION_WEIGHT = 0.35  # a synonym counts for about a third of a word the learner typed
MIN_QUESTION_WORDS = 5  # a query this long reads as a sentence even without "how"/"why"
_PLAIN = re.compile(r"[\w'][\w'.\-]*")


def is_question(query: ParsedQuery) -> bool:
    """Whether ``query`` reads as a learner's question or sentence rather than keywords: it
    starts with a question word ("how", "why", "my", …), ends with "?", or is a sentence of
    several plain words. Operators, quotes, filters and wildcards mean keywords."""
    original = query.original.strip()
    if not query.text or any(c in query.text for c in '"*:()') or query.text.startswith("-"):
        return False
    words = _PLAIN.findall(original.lower())
    if any(w in ("AND", "OR", "NOT") for w in _PLAIN.findall(original)) or len(words) < 2:
        return False
    if original.endswith("?") or words[0] in QUESTION_STARTS:
        return True
    return len(words) >= MIN_QUESTION_WORDS


def topic_words(text: str) -> list[str]:
    """The words of a question that carry its topic (filler such as "how do I" and "my" left
    out), in order, once each; all of them when nothing else is left."""
    words = [w.strip(".-'") for w in _PLAIN.findall(text.lower())]
    words = [w for w in words if w]
    kept = [w for w in dict.fromkeys(words) if w not in FILLER and len(w) > 1]
    return kept or list(dict.fromkeys(words))


def run_question(
    searcher: Any,
    query: ParsedQuery,
    *,
    limit: int,
    expansions: list[str] = (),  # type: ignore[assignment]
) -> tuple[list[dict[str, Any]], int]:
    """Search one index for a learner's question: its topic words, any of them (documents with
    more of them first), in the text, headings, titles, aliases and the ways learners ask for
    an article, and in the bridge documents (quiz questions, glossary terms); ``expansions``
    (synonyms) count for :data:`EXPANSION_WEIGHT` of a typed word."""
    words = _without_common_words(searcher, " ".join(topic_words(query.text)))
    core = parse_query(
        words, searcher.schema, fields=NATURAL_FIELDS, boosts=NATURAL_BOOSTS, coord=False
    )
    extra = [w for w in expansions if w not in words.split()]
    if extra and EXPANSION_WEIGHT > 0:
        more = parse_query(" ".join(extra), searcher.schema, fields=NATURAL_FIELDS,
                           boosts=NATURAL_BOOSTS, coord=False)  # fmt: skip
        core = Or([core, more.with_boost(EXPANSION_WEIGHT)])
    return _found(_collect(searcher, core, limit, optimize=False))
