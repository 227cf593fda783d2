"""The search service: keeps each open pack's index current and searches all of them at once.

Qt-free. Index writes for one pack are serialised by a lock; searching is safe from any thread.
A damaged index found while searching is rebuilt on the spot, and the results say so.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nexus_desktop.knowledge.model import Pack
from nexus_desktop.search.results import SearchHit, SearchResults

if TYPE_CHECKING:  # Whoosh is imported when the first index is opened, not at start-up
    from nexus_desktop.core.cancel import CancelToken, ProgressFn
    from nexus_desktop.search.index import IndexReport, PackIndex
    from nexus_desktop.search.query import ParsedQuery

log = logging.getLogger(__name__)

FEW_RESULTS = 3
ALL_WORDS_BONUS = 1000.0  # documents with every word rank above those with some
# Packs this large are indexed in a child process (its start costs ~0.5 s; below this size
# the work is short enough to share the GIL with the window).
ISOLATE_FROM = 400  # documents: articles, and about ten questions per quiz file
QUESTIONS_PER_QUIZ = 10


BRIDGE_WEIGHT = 0.3  # how much a matching quiz question or glossary term lifts its article
BRIDGE_SLACK = 20  # more hits asked for a question: the bridges come among them


class SearchService:
    def __init__(
        self,
        cache_dir: Path,
        *,
        seeds: dict[str, Path] | None = None,
        read_only: bool = False,
        understand_questions: bool = True,
    ) -> None:
        self.cache_dir = cache_dir
        # A learner's question in their own words is searched as one (see _search_question);
        # False: as keywords, as before (benchmarks compare the two).
        self.understand_questions = understand_questions
        self.seeds = seeds or {}  # pack id -> a prebuilt index shipped with the app
        self.read_only = read_only  # nothing is written; missing indexes are built in memory
        self._indexes: dict[str, PackIndex] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _index(self, pack: Pack) -> tuple[PackIndex, threading.Lock]:
        from nexus_desktop.search.index import PackIndex

        with self._guard:
            index = self._indexes.get(pack.id)
            if index is None or index.pack is not pack:
                index = self._indexes[pack.id] = PackIndex(
                    self.cache_dir, pack, seed=self.seeds.get(pack.id), read_only=self.read_only
                )
            lock = self._locks.setdefault(pack.id, threading.Lock())
        return index, lock

    def forget(self, pack_id: str) -> None:
        with self._guard:
            self._indexes.pop(pack_id, None)

    def index_pack(
        self,
        pack: Pack,
        *,
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        isolated: bool = False,
    ) -> IndexReport:
        """Bring one pack's index up to date (incremental).

        ``isolated`` does the work of a large pack in a child process: what the app does, so
        that indexing never holds the GIL the window needs for long.
        """
        from nexus_desktop.search.index import IndexBusyError, IndexReport

        try:
            return self._update(pack, progress=progress, cancel=cancel, isolated=isolated)
        except IndexBusyError:
            return IndexReport(
                notice=f"Another Nexus Desktop is updating the search index of “{pack.name}”; "
                "searching the version it last saved."
            )

    def _update(
        self,
        pack: Pack,
        *,
        progress: ProgressFn | None,
        cancel: CancelToken | None,
        isolated: bool,
    ) -> IndexReport:
        index, lock = self._index(pack)
        with lock:
            documents = len(pack.articles) + QUESTIONS_PER_QUIZ * len(pack.quiz_files)
            small = documents < ISOLATE_FROM
            if not isolated or self.read_only or small or index.is_current():
                return index.update(progress=progress, cancel=cancel)
            from nexus_desktop.search.isolated import update_in_child

            report = update_in_child(
                self.cache_dir,
                pack.root,
                pack.id,
                seed=self.seeds.get(pack.id),
                progress=progress,
                cancel=cancel,
            )
            index.reopen()  # pick up what the child wrote
            return report

    def rebuild(self, pack: Pack) -> IndexReport:
        index, lock = self._index(pack)
        with lock:
            return index.rebuild()

    def search(self, text: str, packs: list[Pack], *, limit: int = 20) -> SearchResults:
        """Search every pack; hits merged by score. Never raises for a bad query or index.

        Documents with every word rank first (an AND query is also much cheaper to run); only
        when there are fewer than three of them, across all packs, do documents with some of
        the words follow. Snippets are made for the final hits only.
        """
        from nexus_desktop.search.query import make_snippet, prepare_query, query_terms

        query = prepare_query(text)
        results = SearchResults(query=text, terms=query_terms(query.text))
        results.notices.extend(query.notices)
        if not query.text.strip():
            return results
        ready = [pack for pack in packs if self._ready(pack, results)]
        if self.understand_questions:
            from nexus_desktop.search.query import is_question

            if is_question(query):
                return self._search_question(query, ready, results, limit)
        merged: dict[tuple[str, str], tuple[Pack, dict[str, object]]] = {}
        for match_all in (True, False):
            matching = 0
            for pack in ready:
                found, total = self._search_pack(pack, query, limit + QUESTION_SLACK, match_all,
                                                 results)  # fmt: skip
                matching += total
                for fields in found:
                    key = (pack.id, str(fields.get("key")))
                    if fields.get("kind") == "term":
                        continue  # a glossary entry leads to its article; the glossary shows
                    if key not in merged:
                        if match_all:
                            fields["score"] = float(fields["score"]) + ALL_WORDS_BONUS  # type: ignore[arg-type]
                        merged[key] = (pack, fields)
            results.total = max(results.total, matching)
            if len(merged) >= min(limit, FEW_RESULTS):
                break
        top = sorted(merged.values(), key=lambda item: float(item[1]["score"]), reverse=True)  # type: ignore[arg-type]
        # Quiz questions never push the best articles down: they follow the first few.
        leading = [item for item in top if item[1].get("kind") != "question"][:ARTICLES_FIRST]
        top = leading + [item for item in top if not any(item is lead for lead in leading)]
        for pack, fields in top[:limit]:
            body = str(fields.get("body", ""))
            fields["snippet_html"], fields["snippet_text"] = make_snippet(body, results.terms)
            results.hits.append(_hit(pack, fields))
        if results.total < FEW_RESULTS:
            results.suggestion = self._suggest(query.text, packs)
        return results

    def _search_question(
        self, query: ParsedQuery, packs: list[Pack], results: SearchResults, limit: int
    ) -> SearchResults:
        """A learner's question: ranked on its topic words (any of them), and lifted by the
        hub's own questions and glossary terms that resemble it — each a bridge to the section
        that answers it, named beside the article ("Answers: …")."""
        from nexus_desktop.search.query import make_snippet, run_question, topic_words
        from nexus_desktop.search.synonyms import expand

        words = topic_words(query.text)
        results.terms = words
        expansions = expand(words)
        articles: dict[tuple[str, str], tuple[Pack, dict[str, object]]] = {}
        bridges: dict[tuple[str, str], tuple[float, str, str, str]] = {}
        questions: list[tuple[Pack, dict[str, object]]] = []
        for pack in packs:
            found, total = self._guarded(
                pack, query, results,
                lambda searcher: run_question(searcher, query, limit=limit + BRIDGE_SLACK,
                                              expansions=expansions),
            )  # fmt: skip
            results.total += total
            for fields in found:
                kind = str(fields.get("kind", "article"))
                if kind in ("question", "term"):
                    target, _, anchor = str(fields.get("source", "")).partition("#")
                    score = float(fields["score"])  # type: ignore[arg-type]
                    if target and score > bridges.get((pack.id, target), (0.0,))[0]:
                        title = str(fields.get("title", ""))
                        bridges[(pack.id, target)] = (score, title, anchor, kind)
                    if kind == "question":
                        questions.append((pack, fields))
                else:
                    articles[(pack.id, str(fields.get("id")))] = (pack, fields)
        by_id: dict[str, Pack] = {pack.id: pack for pack in packs}
        for (pack_id, article_id), (score, title, anchor, kind) in bridges.items():
            entry = articles.get((pack_id, article_id))
            if entry is None:  # only a bridge matched: the article comes with it
                stored = self._stored_article(by_id[pack_id], article_id)
                if stored is None:
                    continue
                entry = articles[(pack_id, article_id)] = (by_id[pack_id], stored)
            fields = entry[1]
            fields["score"] = float(fields["score"]) + BRIDGE_WEIGHT * score  # type: ignore[arg-type]
            fields["answers"] = title if kind == "question" else f"Glossary: {title}"
            fields["anchor"] = anchor
        ranked = sorted(articles.values(), key=lambda e: float(e[1]["score"]), reverse=True)  # type: ignore[arg-type]
        top = ranked[:ARTICLES_FIRST]
        rest = sorted(ranked[ARTICLES_FIRST:] + questions,
                      key=lambda e: float(e[1]["score"]), reverse=True)  # type: ignore[arg-type]  # fmt: skip
        for pack, fields in (top + rest)[:limit]:
            body = str(fields.get("body", ""))
            fields["snippet_html"], fields["snippet_text"] = make_snippet(body, words)
            results.hits.append(_hit(pack, fields))
        return results

    def _stored_article(self, pack: Pack, article_id: str) -> dict[str, object] | None:
        index, _lock = self._index(pack)
        try:
            stored = index.searcher().document(key=f"article:{article_id}")
        except Exception:  # noqa: BLE001 - a bridge to an article the index lacks: skipped
            return None
        if stored is None:
            return None
        return {**stored, "score": 0.0}

    def _ready(self, pack: Pack, results: SearchResults) -> bool:
        """Open the pack's index if needed (rebuilding a damaged one); False while it is
        being written by this process or another one."""
        from nexus_desktop.search.index import IndexBusyError

        index, lock = self._index(pack)
        if index.is_open:
            return True
        # Opening may create or rebuild the index: never while it is being written.
        if not lock.acquire(blocking=False):
            results.notices.append(f"Still indexing “{pack.name}”…")
            return False
        try:
            notice = index.open()
            if notice:  # it was damaged and is empty now: fill it again
                index.update()
                notice = f"The search index of “{pack.name}” was damaged and has been rebuilt."
        except IndexBusyError:
            results.notices.append(f"“{pack.name}” is being indexed by another Nexus Desktop…")
            return False
        finally:
            lock.release()
        if notice:
            results.notices.append(notice)
        return True

    def _search_pack(
        self, pack: Pack, query: ParsedQuery, limit: int, match_all: bool, results: SearchResults
    ) -> tuple[list[dict[str, object]], int]:
        """One pack's hits. A query that fails is reported as such; the index is rebuilt only
        when reading it afresh fails too (a failing query is never evidence of damage)."""
        from nexus_desktop.search.query import run_search

        return self._guarded(
            pack, query, results,
            lambda searcher: run_search(searcher, query, limit=limit, match_all=match_all),
        )  # fmt: skip

    def _guarded(
        self,
        pack: Pack,
        query: ParsedQuery,
        results: SearchResults,
        run: Callable[[Any], tuple[list[dict[str, object]], int]],
    ) -> tuple[list[dict[str, object]], int]:
        index, _lock = self._index(pack)
        for attempt in (1, 2, 3):
            try:
                return run(index.searcher())
            except Exception as exc:  # noqa: BLE001 - never shown as a traceback
                log.warning("query %r failed in %s: %r", query.text[:200], pack.id, exc)
                if attempt == 1:
                    index.reopen()  # another process may have just replaced its files
                    continue
                if attempt == 3 or index.healthy():
                    _add_once(results.notices, "This query could not be run; try fewer words.")
                    return [], 0
                results.notices.append(
                    f"The search index of “{pack.name}” was damaged and has been rebuilt."
                )
                try:
                    self.rebuild(pack)
                except Exception:  # noqa: BLE001 - e.g. another process holds the index
                    results.notices.append(f"Search in “{pack.name}” is unavailable right now.")
                    return [], 0
        return [], 0

    def _suggest(self, text: str, packs: list[Pack]) -> str | None:
        for pack in packs:
            index, _lock = self._index(pack)
            try:
                from nexus_desktop.search.query import suggest

                suggestion = suggest(index.searcher(), text)
            except Exception:  # noqa: BLE001 - suggestions are a nicety
                continue
            if suggestion:
                return suggestion
        return None


ARTICLES_FIRST = 3  # articles shown before any quiz question
QUESTION_SLACK = 10  # more hits asked of each index, so questions never crowd articles out


def _hit(pack: Pack, fields: dict[str, object]) -> SearchHit:
    rel = str(fields.get("path", ""))
    return SearchHit(
        pack=pack.id,
        id=str(fields.get("id", "")),
        title=str(fields.get("title", "")),
        breadcrumb=str(fields.get("breadcrumb", "")),
        path=str(pack.root / rel) if rel else "",
        score=float(fields.get("score", 0.0)),  # type: ignore[arg-type]
        snippet_html=str(fields.get("snippet_html", "")),
        snippet_text=str(fields.get("snippet_text", "")),
        kind=str(fields.get("kind", "article")),
        answers=str(fields.get("answers", "")),
        anchor=str(fields.get("anchor", "")),
        question=str(fields.get("key", "")).partition("#")[2]
        if fields.get("kind") == "question"
        else "",
    )


def _add_once(notices: list[str], notice: str) -> None:
    if notice not in notices:
        notices.append(notice)
