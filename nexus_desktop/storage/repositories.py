"""Reading and writing the study record inside a session. Every function takes the session of
the job it is part of (one job = one transaction) and returns frozen records, never ORM objects.
Deleting leaves a tombstone (``deleted_at``) so that merging two databases never resurrects or
loses a record; restoring (undo) clears it."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, literal_column, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from nexus_desktop.storage.models import Bookmark, Card, Highlight, Note, Progress, ReviewLog
from nexus_desktop.storage.records import (
    BookmarkRecord,
    CardDue,
    CardRecord,
    HighlightRecord,
    NoteRecord,
    ProgressRecord,
    ReviewRecord,
    ReviewTotals,
    new_id,
    now_ms,
)

DAY_MS = 86_400_000
_EPOCH_DATE = date(1970, 1, 1)


# -- notes ---------------------------------------------------------------------------------------
def _note(row: Note) -> NoteRecord:
    return NoteRecord(row.id, row.pack_id, row.article_id, row.body, row.created_at,
                      row.updated_at, row.deleted_at)  # fmt: skip


def note_for(session: Session, pack_id: str, article_id: str) -> NoteRecord | None:
    """The live note on an article, if any."""
    row = session.scalars(
        select(Note).where(
            Note.pack_id == pack_id, Note.article_id == article_id, Note.deleted_at.is_(None)
        )
    ).first()
    return _note(row) if row else None


def save_note(
    session: Session, pack_id: str, article_id: str, body: str, *, at: int | None = None
) -> NoteRecord | None:
    """Write the note on an article. An emptied note becomes a tombstone (None is returned)."""
    at = at or now_ms()
    row = session.scalars(
        select(Note).where(
            Note.pack_id == pack_id, Note.article_id == article_id, Note.deleted_at.is_(None)
        )
    ).first()
    if not body.strip():
        if row is not None:
            row.deleted_at = row.updated_at = at
        return None
    if row is None:
        row = Note(id=new_id(), pack_id=pack_id, article_id=article_id, body=body,
                   created_at=at, updated_at=at)  # fmt: skip
        session.add(row)
    elif row.body != body:
        row.body = body
        row.updated_at = at
    session.flush()
    return _note(row)


def notes(session: Session, *, include_deleted: bool = False) -> list[NoteRecord]:
    query = select(Note).order_by(Note.pack_id, Note.article_id, Note.updated_at)
    if not include_deleted:
        query = query.where(Note.deleted_at.is_(None))
    return [_note(row) for row in session.scalars(query)]


def delete_note(session: Session, note_id: str, *, at: int | None = None) -> None:
    row = session.get(Note, note_id)
    if row is not None and row.deleted_at is None:
        row.deleted_at = row.updated_at = at or now_ms()


def restore_note(session: Session, note_id: str, *, at: int | None = None) -> NoteRecord | None:
    """Undo a deletion (unless the article has a live note again by now)."""
    row = session.get(Note, note_id)
    if row is None or row.deleted_at is None:
        return _note(row) if row else None
    if note_for(session, row.pack_id, row.article_id) is not None:
        return None
    row.deleted_at = None
    row.updated_at = at or now_ms()
    session.flush()
    return _note(row)


def move_note(session: Session, note_id: str, pack_id: str, article_id: str) -> NoteRecord | None:
    """Re-attach a note (an orphaned one) to another article; joined to a note already there."""
    row = session.get(Note, note_id)
    if row is None or row.deleted_at is not None:
        return None
    at = now_ms()
    there = note_for(session, pack_id, article_id)
    if there is not None and there.id != row.id:
        target = session.get(Note, there.id)
        assert target is not None
        target.body = f"{target.body.rstrip()}\n\n---\n\n{row.body.lstrip()}"
        target.updated_at = at
        row.deleted_at = row.updated_at = at
        session.flush()
        return _note(target)
    row.pack_id, row.article_id, row.updated_at = pack_id, article_id, at
    session.flush()
    return _note(row)


# -- bookmarks -----------------------------------------------------------------------------------
def _bookmark(row: Bookmark) -> BookmarkRecord:
    return BookmarkRecord(row.id, row.pack_id, row.article_id, row.anchor, row.title,
                          row.position, row.created_at, row.updated_at, row.deleted_at)  # fmt: skip


def bookmarks(session: Session, *, include_deleted: bool = False) -> list[BookmarkRecord]:
    query = select(Bookmark).order_by(Bookmark.position, Bookmark.created_at)
    if not include_deleted:
        query = query.where(Bookmark.deleted_at.is_(None))
    return [_bookmark(row) for row in session.scalars(query)]


def toggle_bookmark(
    session: Session,
    pack_id: str,
    article_id: str,
    anchor: str,
    title: str,
    *,
    at: int | None = None,
) -> BookmarkRecord | None:
    """Bookmark a place, or remove its bookmark; the new bookmark, or None when removed."""
    at = at or now_ms()
    row = session.scalars(
        select(Bookmark).where(
            Bookmark.pack_id == pack_id,
            Bookmark.article_id == article_id,
            Bookmark.anchor == anchor,
            Bookmark.deleted_at.is_(None),
        )
    ).first()
    if row is not None:
        row.deleted_at = row.updated_at = at
        return None
    last = session.scalars(
        select(Bookmark.position)
        .where(Bookmark.deleted_at.is_(None))
        .order_by(Bookmark.position.desc())
    ).first()
    row = Bookmark(id=new_id(), pack_id=pack_id, article_id=article_id, anchor=anchor,
                   title=title, position=(last or 0.0) + 1.0, created_at=at,
                   updated_at=at)  # fmt: skip
    session.add(row)
    session.flush()
    return _bookmark(row)


def rename_bookmark(session: Session, bookmark_id: str, title: str) -> None:
    row = session.get(Bookmark, bookmark_id)
    if row is not None and row.deleted_at is None:
        row.title, row.updated_at = title, now_ms()


def move_bookmark(session: Session, bookmark_id: str, position: float) -> None:
    row = session.get(Bookmark, bookmark_id)
    if row is not None and row.deleted_at is None:
        row.position, row.updated_at = position, now_ms()


def delete_bookmark(session: Session, bookmark_id: str) -> None:
    row = session.get(Bookmark, bookmark_id)
    if row is not None and row.deleted_at is None:
        row.deleted_at = row.updated_at = now_ms()


def restore_bookmark(session: Session, bookmark_id: str) -> None:
    row = session.get(Bookmark, bookmark_id)
    if row is None or row.deleted_at is None:
        return
    live = session.scalars(
        select(Bookmark).where(
            Bookmark.pack_id == row.pack_id, Bookmark.article_id == row.article_id,
            Bookmark.anchor == row.anchor, Bookmark.deleted_at.is_(None),
        )
    ).first()  # fmt: skip
    if live is None:
        row.deleted_at, row.updated_at = None, now_ms()


# -- highlights ----------------------------------------------------------------------------------
def _highlight(row: Highlight) -> HighlightRecord:
    return HighlightRecord(row.id, row.pack_id, row.article_id, row.exact, row.prefix,
                           row.suffix, row.position, row.heading, row.colour, row.note,
                           row.created_at, row.updated_at, row.deleted_at)  # fmt: skip


def highlights(
    session: Session, pack_id: str | None = None, article_id: str | None = None,
    *, include_deleted: bool = False,
) -> list[HighlightRecord]:  # fmt: skip
    """Highlights of one article (or all), in reading order."""
    query = select(Highlight).order_by(Highlight.pack_id, Highlight.article_id, Highlight.position)
    if pack_id is not None:
        query = query.where(Highlight.pack_id == pack_id)
    if article_id is not None:
        query = query.where(Highlight.article_id == article_id)
    if not include_deleted:
        query = query.where(Highlight.deleted_at.is_(None))
    return [_highlight(row) for row in session.scalars(query)]


def add_highlight(
    session: Session, pack_id: str, article_id: str, *, exact: str, prefix: str, suffix: str,
    position: int, heading: str, colour: str, note: str = "",
) -> HighlightRecord:  # fmt: skip
    at = now_ms()
    row = Highlight(id=new_id(), pack_id=pack_id, article_id=article_id, exact=exact,
                    prefix=prefix, suffix=suffix, position=position, heading=heading,
                    colour=colour, note=note, created_at=at, updated_at=at)  # fmt: skip
    session.add(row)
    session.flush()
    return _highlight(row)


def update_highlight(
    session: Session, highlight_id: str, *, colour: str | None = None, note: str | None = None,
    position: int | None = None,
) -> HighlightRecord | None:  # fmt: skip
    row = session.get(Highlight, highlight_id)
    if row is None or row.deleted_at is not None:
        return None
    if colour is not None:
        row.colour = colour
    if note is not None:
        row.note = note
    if position is not None:
        row.position = position
    row.updated_at = now_ms()
    session.flush()
    return _highlight(row)


def delete_highlight(session: Session, highlight_id: str) -> None:
    row = session.get(Highlight, highlight_id)
    if row is not None and row.deleted_at is None:
        row.deleted_at = row.updated_at = now_ms()


def restore_highlight(session: Session, highlight_id: str) -> None:
    row = session.get(Highlight, highlight_id)
    if row is not None and row.deleted_at is not None:
        row.deleted_at, row.updated_at = None, now_ms()


# -- reading progress ----------------------------------------------------------------------------
def _progress(row: Progress) -> ProgressRecord:
    return ProgressRecord(row.id, row.pack_id, row.article_id, row.first_opened_at,
                          row.last_opened_at, row.reading_ms, row.furthest, row.scroll,
                          row.completed_at, row.completed_digest, row.updated_at)  # fmt: skip


def _progress_row(session: Session, pack_id: str, article_id: str, at: int) -> Progress:
    row = session.scalars(
        select(Progress).where(Progress.pack_id == pack_id, Progress.article_id == article_id)
    ).first()
    if row is None:
        row = Progress(id=new_id(), pack_id=pack_id, article_id=article_id, first_opened_at=at,
                       last_opened_at=at, reading_ms=0, furthest=0.0, scroll=0,
                       completed_at=None, completed_digest="", updated_at=at)  # fmt: skip
        session.add(row)
    return row


def progress_for(session: Session, pack_id: str, article_id: str) -> ProgressRecord | None:
    row = session.scalars(
        select(Progress).where(Progress.pack_id == pack_id, Progress.article_id == article_id)
    ).first()
    return _progress(row) if row else None


def all_progress(session: Session) -> list[ProgressRecord]:
    return [_progress(row) for row in session.scalars(select(Progress))]


def record_reading(
    session: Session,
    pack_id: str,
    article_id: str,
    *,
    opened: bool = False,
    reading_ms: int = 0,
    furthest: float = 0.0,
    scroll: int | None = None,
    at: int | None = None,
) -> ProgressRecord:
    """Note an opening, time spent reading, how far down the learner got and where they are."""
    at = at or now_ms()
    row = _progress_row(session, pack_id, article_id, at)
    if opened:
        row.last_opened_at = at
    row.reading_ms += max(0, reading_ms)
    row.furthest = max(row.furthest, min(1.0, max(0.0, furthest)))
    if scroll is not None:
        row.scroll = max(0, scroll)
    row.updated_at = at
    session.flush()
    return _progress(row)


def set_completed(
    session: Session, pack_id: str, article_id: str, done: bool, digest: str = ""
) -> ProgressRecord:
    at = now_ms()
    row = _progress_row(session, pack_id, article_id, at)
    row.completed_at = at if done else None
    row.completed_digest = digest if done else ""
    row.updated_at = at
    session.flush()
    return _progress(row)


# -- searching the learner's own words -------------------------------------------------------------
def search_own_words(
    session: Session, words: list[str], *, limit: int = 10
) -> list[NoteRecord | HighlightRecord]:
    """Notes and highlighted passages (with their notes) containing every word, best match
    first (SQLite FTS5, bm25; words are stemmed, ``word*`` matches a prefix): the learner's
    own words, for the search results."""
    terms = [_fts_term(w) for w in words[:8]]
    terms = [t for t in terms if t]
    if not terms:
        return []
    try:
        rowids = session.execute(
            text("SELECT rowid FROM own_words WHERE own_words MATCH :q ORDER BY rank LIMIT :n"),
            {"q": " ".join(terms), "n": limit},
        ).scalars().all()  # fmt: skip
    except OperationalError:  # no such table (a newer database opened read-only)
        return _search_own_words_like(session, words, limit)
    note_ids = [r // 2 for r in rowids if r % 2 == 0]
    passage_ids = [r // 2 for r in rowids if r % 2 == 1]
    rowid: Any = literal_column("rowid")
    notes = {row_id: row for row_id, row in session.execute(
        select(rowid, Note).where(rowid.in_(note_ids), Note.deleted_at.is_(None)))}  # fmt: skip
    passages = {row_id: row for row_id, row in session.execute(
        select(rowid, Highlight).where(rowid.in_(passage_ids), Highlight.deleted_at.is_(None))
    )}  # fmt: skip
    found: list[NoteRecord | HighlightRecord] = []
    for r in rowids:
        if r % 2 == 0 and r // 2 in notes:
            found.append(_note(notes[r // 2]))
        elif r % 2 == 1 and r // 2 in passages:
            found.append(_highlight(passages[r // 2]))
    return found


def _fts_term(word: str) -> str:
    """One word as an FTS5 phrase (quoted: no operator or column syntax gets through)."""
    prefix = word.endswith("*")
    word = word.rstrip("*").replace('"', " ").strip()
    if not any(c.isalnum() for c in word):
        return ""
    return f'"{word}"' + ("*" if prefix else "")


def _search_own_words_like(
    session: Session, words: list[str], limit: int
) -> list[NoteRecord | HighlightRecord]:
    note_query = select(Note).where(Note.deleted_at.is_(None))
    passage_query = select(Highlight).where(Highlight.deleted_at.is_(None))
    for word in [w for w in words if w][:8]:
        pattern = f"%{word.rstrip('*').replace('%', '').replace('_', ' ').strip()}%"
        note_query = note_query.where(Note.body.ilike(pattern))
        passage_query = passage_query.where(
            Highlight.note.ilike(pattern) | Highlight.exact.ilike(pattern)
        )
    found: list[NoteRecord | HighlightRecord] = [_note(row) for row in session.scalars(
        note_query.order_by(Note.updated_at.desc()).limit(limit))]  # fmt: skip
    found += [_highlight(row) for row in session.scalars(
        passage_query.order_by(Highlight.updated_at.desc()).limit(limit))]  # fmt: skip
    return found[:limit]


# -- import --------------------------------------------------------------------------------------
def import_records(
    session: Session, records: dict[str, list[dict[str, object]]], *, replace: bool = False
) -> str:
    """Apply checked export records (see ``services.study.parse_export``) in this session's
    transaction. Merge: a record whose id is known takes the newer ``updated_at``; a new
    record is added. Two live notes on one article (one here, one imported) are merged into
    one text, so neither is lost. ``replace`` first removes every record."""
    if replace:
        for model in (Note, Bookmark, Progress, Highlight):
            session.query(model).delete()
        session.flush()
    counts = {"notes": 0, "bookmarks": 0, "progress": 0, "highlights": 0}
    merged = 0
    for data in records.get("notes", []):
        row = session.get(Note, data["id"])
        if row is not None:
            if int(data["updated_at"]) > row.updated_at:  # type: ignore[call-overload]
                for key, value in data.items():
                    setattr(row, key, value)
                counts["notes"] += 1
            continue
        live = None
        if data["deleted_at"] is None:
            live = session.scalars(
                select(Note).where(
                    Note.pack_id == data["pack_id"],
                    Note.article_id == data["article_id"],
                    Note.deleted_at.is_(None),
                )
            ).first()
        if live is not None and live.body != data["body"]:
            live.body = f"{live.body.rstrip()}\n\n---\n\n{str(data['body']).lstrip()}"
            live.updated_at = max(live.updated_at, int(data["updated_at"]))  # type: ignore[call-overload]
            merged += 1
            session.add(Note(**{**data, "deleted_at": live.updated_at}))  # known from now on
        elif live is not None:
            session.add(Note(**{**data, "deleted_at": live.updated_at}))
        else:
            session.add(Note(**data))
        session.flush()
        counts["notes"] += 1
    for kind, model in (("bookmarks", Bookmark), ("progress", Progress), ("highlights", Highlight)):
        for data in records.get(kind, []):
            other: Any = session.get(model, data["id"])
            if other is None and model is Progress:
                # One progress record per article: the imported one folds into ours.
                other = session.scalars(
                    select(Progress).where(
                        Progress.pack_id == data["pack_id"],
                        Progress.article_id == data["article_id"],
                    )
                ).first()
                if other is not None:
                    _fold_progress(other, data)
                    counts[kind] += 1
                    continue
            if other is None and model is Bookmark and data["deleted_at"] is None:
                clash = session.scalars(
                    select(Bookmark).where(
                        Bookmark.pack_id == data["pack_id"],
                        Bookmark.article_id == data["article_id"],
                        Bookmark.anchor == data["anchor"],
                        Bookmark.deleted_at.is_(None),
                    )
                ).first()
                if clash is not None:  # the same place is bookmarked here already
                    data = {**data, "deleted_at": clash.updated_at}
            if other is None:
                session.add(model(**data))
            elif int(data["updated_at"]) > other.updated_at:  # type: ignore[call-overload]
                for key, value in data.items():
                    setattr(other, key, value)
            else:
                continue
            session.flush()
            counts[kind] += 1
    summary = (
        f"{counts['notes']} notes, {counts['highlights']} highlights, {counts['bookmarks']} "
        f"bookmarks and {counts['progress']} reading records imported"
    )
    return summary + (f" ({merged} notes merged with yours)" if merged else "")


def _fold_progress(row: Progress, data: dict[str, object]) -> None:
    row.first_opened_at = min(row.first_opened_at, int(data["first_opened_at"]))  # type: ignore[call-overload]
    row.last_opened_at = max(row.last_opened_at, int(data["last_opened_at"]))  # type: ignore[call-overload]
    row.reading_ms = max(row.reading_ms, int(data["reading_ms"]))  # type: ignore[call-overload]
    row.furthest = max(row.furthest, float(data["furthest"]))  # type: ignore[arg-type]
    if data["completed_at"] is not None and row.completed_at is None:
        row.completed_at = int(data["completed_at"])  # type: ignore[call-overload]
        row.completed_digest = str(data["completed_digest"])
    row.updated_at = max(row.updated_at, int(data["updated_at"]))  # type: ignore[call-overload]


# -- quiz: the review log (append-only) and the cards' cached schedules ------------------------
# Read through the Core (rows as plain tuples, in the records' field order): ten thousand
# cards load in ~20 ms this way, against ~150 ms as ORM rows read by attribute name.
_REVIEW_FIELDS = (ReviewLog.id, ReviewLog.pack_id, ReviewLog.question_id, ReviewLog.reviewed_at,
                  ReviewLog.rating, ReviewLog.response_ms, ReviewLog.correct,
                  ReviewLog.question_hash, ReviewLog.due_at)  # fmt: skip
_CARD_FIELDS = (Card.pack_id, Card.question_id, Card.due_ms, Card.stability, Card.difficulty,
                Card.state, Card.step, Card.last_review_ms, Card.reps, Card.lapses,
                Card.question_hash, Card.changed, Card.updated_at)  # fmt: skip


def _review(row: Any) -> ReviewRecord:
    rid, pack, question, at, rating, spent, correct, qhash, due_at = row
    return ReviewRecord(rid, pack, question, at, rating, spent, bool(correct), qhash, due_at)


def _card(row: Any) -> CardRecord:
    pack, question, due, stability, difficulty, state, step, last, reps, lapses, qhash = row[:11]
    return CardRecord(pack, question, due, stability, difficulty, state, step, last, reps,
                      lapses, qhash, bool(row[11]), row[12])  # fmt: skip


def _card_values(card: CardRecord, at: int) -> dict[str, Any]:
    return {
        "pack_id": card.pack_id, "question_id": card.question_id, "due_ms": card.due_ms,
        "stability": card.stability, "difficulty": card.difficulty, "state": card.state,
        "step": card.step, "last_review_ms": card.last_review_ms, "reps": card.reps,
        "lapses": card.lapses, "question_hash": card.question_hash,
        "changed": int(card.changed), "updated_at": card.updated_at or at,
    }  # fmt: skip


def _review_values(review: ReviewRecord) -> dict[str, Any]:
    return {
        "id": review.id or new_id(), "pack_id": review.pack_id,
        "question_id": review.question_id, "reviewed_at": review.reviewed_at,
        "rating": review.rating, "response_ms": review.response_ms,
        "correct": int(review.correct), "question_hash": review.question_hash,
        "due_at": review.due_at,
    }  # fmt: skip


_CARD_COLUMNS = Card.__table__.c  # type: ignore[attr-defined]


def append_review(session: Session, review: ReviewRecord, card: CardRecord) -> ReviewRecord:
    """Append one review to the log and store the card's schedule after it, in this session's
    transaction (both or neither). A review without an ``id`` gets a fresh one."""
    values = _review_values(review)
    session.execute(insert(ReviewLog), [values])
    save_cards(session, [card])
    return ReviewRecord(**{**values, "correct": review.correct})


def insert_reviews(session: Session, reviews: Iterable[ReviewRecord]) -> int:
    """Append many reviews at once (an import, a benchmark); rows whose id is already in the
    log are skipped, so importing the same log twice adds nothing. Returns how many were
    added. The cards are not touched: rebuild them from the log afterwards."""
    rows = [_review_values(r) for r in reviews]
    before = review_count(session)
    statement = sqlite_insert(ReviewLog).on_conflict_do_nothing(index_elements=["id"])
    for start in range(0, len(rows), 5000):
        session.execute(statement, rows[start : start + 5000])
    return review_count(session) - before


def reviews(
    session: Session, pack_id: str | None = None, question_id: str | None = None
) -> list[ReviewRecord]:
    """The review log (of one pack, or one question), in time order (rows of the same
    millisecond in the order they were written)."""
    rowid: Any = literal_column("rowid")
    query = select(*_REVIEW_FIELDS).order_by(ReviewLog.reviewed_at, rowid)
    if pack_id is not None:
        query = query.where(ReviewLog.pack_id == pack_id)
    if question_id is not None:
        query = query.where(ReviewLog.question_id == question_id)
    return [_review(row) for row in session.connection().execute(query)]


def review_count(session: Session) -> int:
    return int(session.execute(text("SELECT count(*) FROM review_log")).scalar_one())


def card(session: Session, pack_id: str, question_id: str) -> CardRecord | None:
    """One question's cached schedule, if it has been reviewed."""
    row = (
        session.connection()
        .execute(
            select(*_CARD_FIELDS).where(Card.pack_id == pack_id, Card.question_id == question_id)
        )
        .first()
    )
    return _card(row) if row is not None else None


def cards(session: Session, pack_id: str | None = None) -> list[CardRecord]:
    """Every cached schedule (of one pack), by pack and question id."""
    query = select(*_CARD_FIELDS).order_by(Card.pack_id, Card.question_id)
    if pack_id is not None:
        query = query.where(Card.pack_id == pack_id)
    return [_card(row) for row in session.connection().execute(query)]


def card_dues(session: Session) -> list[CardDue]:
    """When every cached card is due (with what a changed question's flag needs), unordered:
    the quick read behind due counts and sessions."""
    # Plain SQL through the driver: ten thousand rows without SQLAlchemy's per-row processing
    # (a third of the time of counting what is due).
    sql = "SELECT pack_id, question_id, due_ms, last_review_ms, question_hash, changed FROM cards"
    rows = session.connection().exec_driver_sql(sql).fetchall()
    return [CardDue(p, q, due, last, h, changed != 0) for p, q, due, last, h, changed in rows]


def save_cards(session: Session, states: Iterable[CardRecord]) -> int:
    """Insert or update the cached schedules of these cards; the others stay."""
    at = now_ms()
    rows = [_card_values(c, at) for c in states]
    if not rows:
        return 0
    statement = sqlite_insert(Card)
    keep = {"pack_id", "question_id"}
    statement = statement.on_conflict_do_update(
        index_elements=["pack_id", "question_id"],
        set_={c.name: statement.excluded[c.name] for c in _CARD_COLUMNS if c.name not in keep},
    )
    for start in range(0, len(rows), 5000):
        session.execute(statement, rows[start : start + 5000])
    return len(rows)


def replace_cards(session: Session, states: Iterable[CardRecord]) -> int:
    """Replace every cached schedule by ``states`` (after rebuilding them from the log)."""
    at = now_ms()
    rows = [_card_values(c, at) for c in states]
    session.execute(delete(Card))
    for start in range(0, len(rows), 5000):
        session.execute(insert(Card), rows[start : start + 5000])
    return len(rows)


def _day_expression(offset_ms: int) -> Any:
    return (ReviewLog.reviewed_at + offset_ms) // DAY_MS


def review_days(
    session: Session,
    since_ms: int,
    *,
    offset_ms: int = 0,
    pack_id: str | None = None,
    question_ids: Collection[str] | None = None,
) -> dict[str, int]:
    """How many reviews there were each day from ``since_ms`` on (``"YYYY-MM-DD"`` -> count;
    days without reviews are left out). Days are UTC days, or shifted by ``offset_ms`` (the
    learner's UTC offset) to be local ones. ``pack_id`` and ``question_ids`` narrow it."""
    day = _day_expression(offset_ms).label("day")
    query = select(day, func.count()).where(ReviewLog.reviewed_at >= since_ms)
    if pack_id is not None:
        query = query.where(ReviewLog.pack_id == pack_id)
    counts: dict[int, int] = {}
    if question_ids is None:
        for number, count in session.execute(query.group_by(day)):
            counts[int(number)] = int(count)
    else:
        wanted = set(question_ids)
        grouped = query.add_columns(ReviewLog.question_id).group_by(day, ReviewLog.question_id)
        for number, count, question_id in session.execute(grouped):
            if question_id in wanted:
                counts[int(number)] = counts.get(int(number), 0) + int(count)
    return {_date(number): count for number, count in sorted(counts.items())}


def _date(day_number: int) -> str:
    return (_EPOCH_DATE + timedelta(days=day_number)).isoformat()


def study_time_ms(session: Session, since_ms: int, *, pack_id: str | None = None) -> int:
    """The time spent answering (the sum of ``response_ms``) from ``since_ms`` on."""
    query = select(func.coalesce(func.sum(ReviewLog.response_ms), 0)).where(
        ReviewLog.reviewed_at >= since_ms
    )
    if pack_id is not None:
        query = query.where(ReviewLog.pack_id == pack_id)
    return int(session.execute(query).scalar_one())


def review_totals(session: Session, since_ms: int = 0) -> list[ReviewTotals]:
    """Per question, the reviews from ``since_ms`` on: how many, how many came when the card
    was due (``due_at <= reviewed_at``) and how many of those were right, and the time spent."""
    was_due = and_(ReviewLog.due_at.is_not(None), ReviewLog.due_at <= ReviewLog.reviewed_at)
    query = (
        select(
            ReviewLog.pack_id,
            ReviewLog.question_id,
            func.count(),
            func.sum(case((was_due, 1), else_=0)),
            func.sum(case((and_(was_due, ReviewLog.correct != 0), 1), else_=0)),
            func.sum(ReviewLog.response_ms),
        )
        .where(ReviewLog.reviewed_at >= since_ms)
        .group_by(ReviewLog.pack_id, ReviewLog.question_id)
    )
    return [
        ReviewTotals(pack, question, int(n), int(due or 0), int(right or 0), int(spent or 0))
        for pack, question, n, due, right, spent in session.execute(query)
    ]


def clear_review_log(session: Session) -> None:
    """Empty the review log and the schedules derived from it: only for an import that
    replaces all the learner's data with a document carrying its own log (a backup is taken
    before); nothing else ever removes a review."""
    session.execute(delete(ReviewLog))
    session.execute(delete(Card))
