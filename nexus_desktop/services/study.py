"""The study record as the app and the CLI use it: notes, bookmarks and reading progress, backed
by the SQLite database, every job on the one writer thread (results as futures).

Also the learner's data as one JSON document (export, import with merge or replace), notes as
Markdown files, backups and checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from nexus_desktop.services.text import plural
from nexus_desktop.storage.records import (
    BookmarkRecord,
    DatabaseStatus,
    HighlightRecord,
    NoteRecord,
    ProgressRecord,
    ReviewRecord,
    now_ms,
)

if TYPE_CHECKING:
    from nexus_desktop.study.anchoring import PassageAnchor

T = TypeVar("T")

DB_FILE = "nexus.sqlite3"
EXPORT_FORMAT = "nexus-desktop-study"
EXPORT_VERSION = 2  # 2: the quiz's review log ("reviews"); version 1 documents still import
MAX_IMPORT_BYTES = 64 * 1024 * 1024
MAX_TEXT = 1_000_000  # characters in one note or title
_ID = re.compile(r"^[0-9a-f]{32}$")


class StudyError(Exception):
    """A study-record operation failed; the message says why, in words."""


class StudyService:
    """Opens the study database (off the UI thread) and runs its jobs on the writer thread."""

    def __init__(self, data_dir: Path, *, read_only: bool = False, keep_backups: int = 10) -> None:
        from nexus_desktop.storage.database import Database

        self.database = Database(
            data_dir / DB_FILE, backups_dir=data_dir / "backups", keep=keep_backups,
            read_only=read_only,
        )  # fmt: skip
        self._writer: Any = None

    def open(self) -> DatabaseStatus:
        """Open (create, repair, migrate) the database; call once, off the UI thread."""
        from nexus_desktop.storage.writer import Writer

        status = self.database.open()
        self._writer = Writer(self.database)
        return status

    @property
    def status(self) -> DatabaseStatus:
        return self.database.status

    @property
    def read_only(self) -> bool:
        return self.database.status.read_only

    def close(self) -> None:
        """Finish every queued write and close the database."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def run(self, job: Callable[[Any], T]) -> Future[T]:
        """Run ``job(session)`` on the database thread, in one transaction, after the jobs
        queued before it (how the quiz shares this database and its one writer)."""
        return self._submit(job)

    def _submit(self, job: Callable[[Any], T]) -> Future[T]:
        if self._writer is None:
            raise StudyError("the study database is not open")
        future: Future[T] = self._writer.submit(job)
        return future

    # -- notes -------------------------------------------------------------------------------
    def note(self, pack_id: str, article_id: str) -> Future[NoteRecord | None]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.note_for(s, pack_id, article_id))

    def save_note(self, pack_id: str, article_id: str, body: str) -> Future[NoteRecord | None]:
        from nexus_desktop.storage import repositories as repo

        if self.read_only:
            raise StudyError("The study database is read-only: the note was not saved.")
        return self._submit(lambda s: repo.save_note(s, pack_id, article_id, body))

    def restore_note(self, note_id: str) -> Future[NoteRecord | None]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.restore_note(s, note_id))

    def move_note(self, note_id: str, pack_id: str, article_id: str) -> Future[NoteRecord | None]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.move_note(s, note_id, pack_id, article_id))

    def notes(self) -> Future[list[NoteRecord]]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.notes(s))

    # -- bookmarks ---------------------------------------------------------------------------
    def bookmarks(self) -> Future[list[BookmarkRecord]]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.bookmarks(s))

    def toggle_bookmark(
        self, pack_id: str, article_id: str, anchor: str, title: str
    ) -> Future[BookmarkRecord | None]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.toggle_bookmark(s, pack_id, article_id, anchor, title))

    def rename_bookmark(self, bookmark_id: str, title: str) -> Future[None]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.rename_bookmark(s, bookmark_id, title))

    def move_bookmark(self, bookmark_id: str, position: float) -> Future[None]:
        """Give a bookmark a new place in the order (the list is sorted by position)."""
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.move_bookmark(s, bookmark_id, position))

    def delete_bookmark(self, bookmark_id: str) -> Future[None]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.delete_bookmark(s, bookmark_id))

    def restore_bookmark(self, bookmark_id: str) -> Future[None]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.restore_bookmark(s, bookmark_id))

    # -- the learner's own words in search ---------------------------------------------------
    def find_own_words(self, text: str) -> Future[list[NoteRecord | HighlightRecord]] | None:
        """Start looking for notes and highlighted passages matching ``text`` (best first);
        None when there is nothing to look for."""
        from nexus_desktop.search.query import prepare_query, query_terms
        from nexus_desktop.storage import repositories as repo

        words = [w for w in query_terms(prepare_query(text).text) if not w.startswith("-")]
        if not words or self._writer is None:
            return None
        return self._submit(lambda s: repo.search_own_words(s, words))

    def own_words_hits(self, text: str, titles: Callable[[str, str], tuple[str, str]]) -> list[Any]:
        """Notes and highlighted passages matching ``text`` as search hits (``kind`` "note"
        or "passage"), for the search results. Blocks: call it off the UI thread.
        ``titles(pack_id, article_id)`` gives an article's title and breadcrumb."""
        pending = self.find_own_words(text)
        return [] if pending is None else own_words_as_hits(pending.result(), text, titles)

    # -- highlights --------------------------------------------------------------------------
    def highlights(
        self, pack_id: str | None = None, article_id: str | None = None
    ) -> Future[list[HighlightRecord]]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.highlights(s, pack_id, article_id))

    def add_highlight(
        self, pack_id: str, article_id: str, anchor: PassageAnchor, colour: str, note: str = ""
    ) -> Future[HighlightRecord]:
        from nexus_desktop.storage import repositories as repo

        if self.read_only:
            raise StudyError("The study database is read-only: nothing was highlighted.")
        return self._submit(
            lambda s: repo.add_highlight(
                s, pack_id, article_id, exact=anchor.exact, prefix=anchor.prefix,
                suffix=anchor.suffix, position=anchor.position, heading=anchor.heading,
                colour=colour, note=note,
            )
        )  # fmt: skip

    def update_highlight(
        self, highlight_id: str, *, colour: str | None = None, note: str | None = None
    ) -> Future[HighlightRecord | None]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.update_highlight(s, highlight_id, colour=colour,
                                                            note=note))  # fmt: skip

    def delete_highlight(self, highlight_id: str) -> Future[None]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.delete_highlight(s, highlight_id))

    def restore_highlight(self, highlight_id: str) -> Future[None]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.restore_highlight(s, highlight_id))

    # -- progress ----------------------------------------------------------------------------
    def progress(self) -> Future[list[ProgressRecord]]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.all_progress(s))

    def record_reading(
        self,
        pack_id: str,
        article_id: str,
        *,
        opened: bool = False,
        reading_ms: int = 0,
        furthest: float = 0.0,
        scroll: int | None = None,
    ) -> Future[ProgressRecord]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(
            lambda s: repo.record_reading(
                s,
                pack_id,
                article_id,
                opened=opened,
                reading_ms=reading_ms,
                furthest=furthest,
                scroll=scroll,
            )  # fmt: skip
        )

    def set_completed(
        self, pack_id: str, article_id: str, done: bool, digest: str = ""
    ) -> Future[ProgressRecord]:
        from nexus_desktop.storage import repositories as repo

        return self._submit(lambda s: repo.set_completed(s, pack_id, article_id, done, digest))

    # -- backups and checks ------------------------------------------------------------------
    def backup(self, reason: str = "manual") -> Future[Path]:
        return self._writer.call(lambda: self.database.backup(reason=reason))  # type: ignore[no-any-return]

    def check(self) -> Future[list[str]]:
        return self._writer.call(self.database.check)  # type: ignore[no-any-return]

    def restore(self, backup: Path) -> Future[Path]:
        return self._writer.call(lambda: self.database.restore(backup))  # type: ignore[no-any-return]

    # -- the learner's data as one document --------------------------------------------------
    def export_data(self) -> Future[dict[str, Any]]:
        """Every record (tombstones too: a merge elsewhere must learn of deletions)."""
        from nexus_desktop.storage import repositories as repo

        def job(s: Any) -> dict[str, Any]:
            return {
                "format": EXPORT_FORMAT,
                "version": EXPORT_VERSION,
                "notes": [asdict(n) for n in repo.notes(s, include_deleted=True)],
                "bookmarks": [asdict(b) for b in repo.bookmarks(s, include_deleted=True)],
                "progress": [asdict(p) for p in repo.all_progress(s)],
                "highlights": [asdict(h) for h in repo.highlights(s, include_deleted=True)],
                # append-only: the schedules are derived from it (not exported)
                "reviews": [asdict(r) for r in repo.reviews(s)],
            }

        return self._submit(job)

    def import_data(self, document: dict[str, Any], *, replace: bool = False) -> Future[str]:
        """Validate ``document`` completely, then apply it in one transaction: merged record by
        record (the newer ``updated_at`` wins) or, with ``replace``, instead of everything."""
        records = parse_export(document)
        reviews = parse_reviews(document)
        from nexus_desktop.storage import repositories as repo

        if self.read_only:
            raise StudyError("The study database is read-only: nothing was imported.")

        def job(s: Any) -> str:
            summary = repo.import_records(s, records, replace=replace)
            if reviews is None:
                return summary
            if replace:
                repo.clear_review_log(s)
            added = repo.insert_reviews(s, reviews)
            replay_cards(s, {(r.pack_id, r.question_id) for r in reviews} if not replace else None)
            return f"{summary}; {plural(added, 'quiz answer')} added to the review log"

        self.backup("before-import")  # queued first: what was there can always be restored
        return self._submit(job)


def parse_export(document: Any) -> dict[str, list[dict[str, Any]]]:
    """Check an exported document field by field; raise :class:`StudyError` saying what is wrong
    (nothing is applied unless everything is right)."""
    if not isinstance(document, dict):
        raise StudyError("not a Nexus Desktop data export (the document is not an object)")
    if document.get("format") != EXPORT_FORMAT:
        raise StudyError(f"not a Nexus Desktop data export (format is not {EXPORT_FORMAT!r})")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise StudyError("the export has no version number")
    if version > EXPORT_VERSION:
        raise StudyError(
            f"the export is version {version}, from a newer Nexus Desktop (this one reads up to "
            f"version {EXPORT_VERSION}); update the app to import it"
        )
    shapes: dict[str, dict[str, tuple[type, ...]]] = {
        "notes": {"id": (str,), "pack_id": (str,), "article_id": (str,), "body": (str,),
                  "created_at": (int,), "updated_at": (int,), "deleted_at": (int, type(None))},
        "bookmarks": {"id": (str,), "pack_id": (str,), "article_id": (str,), "anchor": (str,),
                      "title": (str,), "position": (int, float), "created_at": (int,),
                      "updated_at": (int,), "deleted_at": (int, type(None))},
        "progress": {"id": (str,), "pack_id": (str,), "article_id": (str,),
                     "first_opened_at": (int,), "last_opened_at": (int,), "reading_ms": (int,),
                     "furthest": (int, float), "scroll": (int,),
                     "completed_at": (int, type(None)), "completed_digest": (str,),
                     "updated_at": (int,)},
        "highlights": {"id": (str,), "pack_id": (str,), "article_id": (str,), "exact": (str,),
                       "prefix": (str,), "suffix": (str,), "position": (int,),
                       "heading": (str,), "colour": (str,), "note": (str,),
                       "created_at": (int,), "updated_at": (int,),
                       "deleted_at": (int, type(None))},
    }  # fmt: skip
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, fields in shapes.items():
        items = document.get(kind, [])
        if not isinstance(items, list):
            raise StudyError(f"'{kind}' should be a list")
        seen: set[str] = set()
        checked = []
        for number, item in enumerate(items, start=1):
            where = f"{kind} #{number}"
            if not isinstance(item, dict):
                raise StudyError(f"{where} is not an object")
            record: dict[str, Any] = {}
            for name, types in fields.items():
                value = item.get(name)
                if not isinstance(value, types) or isinstance(value, bool):
                    raise StudyError(f"{where}: '{name}' is missing or of the wrong type")
                if isinstance(value, str) and len(value) > MAX_TEXT:
                    raise StudyError(f"{where}: '{name}' is longer than {MAX_TEXT:,} characters")
                if isinstance(value, int) and not 0 <= value < 2**53:
                    raise StudyError(f"{where}: '{name}' is out of range")
                record[name] = value
            if not _ID.match(record["id"]):
                raise StudyError(f"{where}: 'id' should be 32 hexadecimal digits")
            if record["id"] in seen:
                raise StudyError(f"{where}: the id {record['id']} appears twice")
            seen.add(record["id"])
            checked.append(record)
        out[kind] = checked
    return out


REVIEW_SHAPE: dict[str, tuple[type, ...]] = {
    "id": (str,), "pack_id": (str,), "question_id": (str,), "reviewed_at": (int,),
    "rating": (int,), "response_ms": (int,), "correct": (bool,), "question_hash": (str,),
    "due_at": (int, type(None)),
}  # fmt: skip


def parse_reviews(document: dict[str, Any]) -> list[ReviewRecord] | None:
    """The review log of an export (None when it has none: a version 1 document), checked
    row by row like :func:`parse_export`."""
    items = document.get("reviews")
    if items is None:
        return None
    if not isinstance(items, list):
        raise StudyError("'reviews' should be a list")
    out, seen = [], set()
    for number, item in enumerate(items, start=1):
        where = f"reviews #{number}"
        if not isinstance(item, dict):
            raise StudyError(f"{where} is not an object")
        for name, types in REVIEW_SHAPE.items():
            value = item.get(name)
            wrong_bool = isinstance(value, bool) and bool not in types
            if not isinstance(value, types) or wrong_bool:
                raise StudyError(f"{where}: '{name}' is missing or of the wrong type")
            if isinstance(value, str) and len(value) > 1000:
                raise StudyError(f"{where}: '{name}' is longer than 1,000 characters")
            if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value < 2**53:
                raise StudyError(f"{where}: '{name}' is out of range")
        if not _ID.match(item["id"]):
            raise StudyError(f"{where}: 'id' should be 32 hexadecimal digits")
        if item["id"] in seen:
            raise StudyError(f"{where}: the id {item['id']} appears twice")
        if not 1 <= item["rating"] <= 4:
            raise StudyError(f"{where}: 'rating' should be 1 (Again) to 4 (Easy)")
        seen.add(item["id"])
        out.append(ReviewRecord(**{name: item[name] for name in REVIEW_SHAPE}))
    return out


def replay_cards(session: Any, keys: set[tuple[str, str]] | None) -> None:
    """Derive the cached schedules of these questions (every question: ``None``) from the
    review log again, after reviews were imported."""
    from nexus_desktop.services.quiz import card_record, review_of
    from nexus_desktop.storage import repositories as repo
    from nexus_desktop.study.schedule import replay

    by_key: dict[tuple[str, str], list[Any]] = {}
    for record in repo.reviews(session):
        key = (record.pack_id, record.question_id)
        if keys is None or key in keys:
            by_key.setdefault(key, []).append(review_of(record))
    cards = [card_record(replay(reviews), now_ms()) for reviews in by_key.values()]
    if keys is None:
        repo.replace_cards(session, cards)
    else:
        repo.save_cards(session, cards)


def read_export(path: Path) -> dict[str, Any]:
    """Read an export file, refusing what is too large or not JSON, in words."""
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise StudyError(f"{path.name} is {size / 1048576:.0f} MB; exports are at most "
                             f"{MAX_IMPORT_BYTES // 1048576} MB")  # fmt: skip
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise StudyError(f"cannot read {path}: {exc}") from None
    if not isinstance(document, dict):
        raise StudyError("not a Nexus Desktop data export (the document is not an object)")
    return document


def write_export(document: dict[str, Any], path: Path) -> None:
    """Write an export atomically, with a stable order (export → import → export is equal)."""
    document = {**document, "exported_at": now_ms()}
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False),
                       encoding="utf-8")  # fmt: skip
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def notes_markdown(note: NoteRecord, title: str) -> str:
    """A note as a Markdown file any editor (Obsidian...) reads, with where it belongs."""
    front = json.dumps({"title": title, "pack": note.pack_id, "article": note.article_id},
                       ensure_ascii=False)  # fmt: skip
    # JSON is valid YAML: the front matter needs no YAML library to be written correctly.
    return f"---\n{front}\n---\n\n{note.body.rstrip()}\n"


def write_notes_markdown(
    notes: list[NoteRecord], folder: Path, title_of: Callable[[str, str], str]
) -> int:
    """Write each note as a Markdown file in ``folder``; return how many (raises OSError)."""
    folder.mkdir(parents=True, exist_ok=True)
    for note in notes:
        path = folder / note_file_name(note.pack_id, note.article_id)
        path.write_text(notes_markdown(note, title_of(note.pack_id, note.article_id)),
                        encoding="utf-8")  # fmt: skip
    return len(notes)


def note_file_name(pack_id: str, article_id: str) -> str:
    safe = re.sub(r"[^\w.-]+", "-", f"{pack_id}--{article_id}").strip("-")
    return f"{safe[:150]}.md"


def own_words_as_hits(
    records: list[NoteRecord | HighlightRecord],
    text: str,
    titles: Callable[[str, str], tuple[str, str]],
) -> list[Any]:
    """Search hits (``kind`` "note" or "passage") for notes and highlights found by
    :meth:`StudyService.find_own_words`, each with a snippet of the learner's words."""
    from nexus_desktop.search.query import make_snippet, prepare_query, query_terms
    from nexus_desktop.search.results import SearchHit

    words = [w for w in query_terms(prepare_query(text).text) if not w.startswith("-")]
    hits = []
    for record in records:
        title, crumbs = titles(record.pack_id, record.article_id)
        passage = isinstance(record, HighlightRecord)
        if isinstance(record, HighlightRecord):
            body = f"“{record.exact}” {record.note}"
        else:
            body = record.body
        snippet_html, snippet_text = make_snippet(body, words)
        label = "Your highlight" if passage else "Your note"
        hits.append(SearchHit(
            pack=record.pack_id, id=record.article_id, title=f"{label} — {title}",
            breadcrumb=crumbs, path="", score=0.0, snippet_html=snippet_html,
            snippet_text=snippet_text, kind="passage" if passage else "note",
        ))  # fmt: skip
    return hits


def search_everything(
    search: Any,
    packs: list[Any],
    study: StudyService | None,
    text: str,
    titles: Callable[[str, str], tuple[str, str]],
    *,
    limit: int = 30,
) -> Any:
    """What the search box shows: the learner's own words first (marked as theirs), then the
    articles of every pack. The notes are looked up on the database thread while the articles
    are searched on this one. Blocks: call it off the UI thread."""
    pending = study.find_own_words(text) if study is not None else None
    results = search.search(text, packs, limit=limit)
    if pending is not None:
        try:
            results.hits[:0] = own_words_as_hits(pending.result(), text, titles)
        except Exception as exc:  # noqa: BLE001 - the articles are still worth showing
            results.notices.append(f"Your notes could not be searched: {exc}")
    return results
