"""Spaced repetition with FSRS: each question's schedule, derived from the review log.

The review log (``Review`` rows) is append-only and is the truth; a card's schedule
(``CardState``) is what replaying its reviews through the FSRS scheduler gives, and ``review``
applies one more review to a state with the same result as replaying the whole log. Fuzzing
is off, so rebuilding the schedules always gives the same due times.

Times are milliseconds since the epoch, UTC; ``fsrs`` sees them as timezone-aware UTC
datetimes. ``CardState`` is a plain record: counting due cards never calls ``fsrs``.
Pure: no Qt, no SQLAlchemy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from fsrs import Card, Rating, Scheduler, State

DAY_MS = 86_400_000
# A changed question is due again no later than a day after its last review.
CHANGED_DUE_WITHIN_MS = DAY_MS
DEFAULT_RETENTION = 0.9

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_CARD_ID = 0  # fsrs wants an id; a Card made without one sleeps 1 ms to make it unique


@dataclass(frozen=True, slots=True)
class Review:
    """One row of the review log: a question answered (or a recall card graded)."""

    pack_id: str
    question_id: str
    reviewed_at_ms: int
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    response_ms: int
    correct: bool
    question_hash: str = ""  # study.quiz.question_hash of the question as it was asked


@dataclass(frozen=True, slots=True)
class CardState:
    """One question's schedule. ``state`` is FSRS's ``Learning``, ``Review`` or
    ``Relearning``; ``step`` the (re)learning step (``None`` in ``Review``); ``lapses`` counts
    the times a card in ``Review`` was forgotten (rated Again). ``changed`` says that the
    question differs from the one last reviewed; ``question_hash`` is that last one's hash."""

    pack_id: str
    question_id: str
    due_ms: int
    stability: float
    difficulty: float
    state: str
    step: int | None
    last_review_ms: int
    reps: int
    lapses: int
    changed: bool = False
    question_hash: str = ""


def replay(
    reviews: Iterable[Review],
    *,
    desired_retention: float = DEFAULT_RETENTION,
    current_hash: str | None = None,
) -> CardState:
    """Rebuild one card's schedule from its reviews, taken in time order (reviews at the same
    millisecond keep the log's order).

    When ``current_hash`` is given and differs from the hash recorded with the last review,
    the question has changed since: the state is flagged ``changed`` and made due no later than
    a day after the last review (``flag_changed``). Reviews logged without a hash (``""``) are
    taken as unchanged. Raises ``ValueError`` for no reviews, reviews of more than one card, or
    a rating outside 1..4.
    """
    ordered = sorted(reviews, key=lambda r: r.reviewed_at_ms)
    if not ordered:
        raise ValueError("replay needs at least one review")
    first = ordered[0]
    key = (first.pack_id, first.question_id)
    if any((r.pack_id, r.question_id) != key for r in ordered):
        raise ValueError("replay takes the reviews of a single card")
    scheduler = _scheduler(desired_retention)
    card = Card(card_id=_CARD_ID, due=_datetime(first.reviewed_at_ms))
    reps = lapses = 0
    for row in ordered:
        rating = _rating(row.rating)
        if card.state == State.Review and rating == Rating.Again:
            lapses += 1
        card, _log = scheduler.review_card(card, rating, _datetime(row.reviewed_at_ms))
        reps += 1
    state = _to_state(card, first.pack_id, first.question_id, reps, lapses)
    state = replace(state, question_hash=ordered[-1].question_hash)
    return state if current_hash is None else flag_changed(state, current_hash)


def rebuild(
    reviews: Iterable[Review],
    *,
    desired_retention: float = DEFAULT_RETENTION,
    current_hashes: Mapping[tuple[str, str], str] | None = None,
) -> dict[tuple[str, str], CardState]:
    """Every card's schedule from the whole log, keyed by (pack id, question id).
    ``current_hashes`` gives the questions' hashes now, to flag changed ones (see ``replay``)."""
    by_card: dict[tuple[str, str], list[Review]] = defaultdict(list)
    for row in reviews:
        by_card[(row.pack_id, row.question_id)].append(row)
    hashes = current_hashes or {}
    return {
        key: replay(rows, desired_retention=desired_retention, current_hash=hashes.get(key))
        for key, rows in by_card.items()
    }


def review(
    state: CardState | None,
    rating: int,
    at_ms: int,
    *,
    desired_retention: float = DEFAULT_RETENTION,
    pack_id: str = "",
    question_id: str = "",
    question_hash: str = "",
) -> CardState:
    """The schedule after one more review: the same as replaying the log with the review
    appended. ``state`` is ``None`` for a card never reviewed; ``pack_id`` and ``question_id``
    name it then (otherwise they are ignored).

    A review cannot come before the last one (the clock may have been turned back): it is
    taken at ``state.last_review_ms``. Log the new state's ``last_review_ms`` as the review's
    time so that replaying the log agrees. The new state is not ``changed``: the learner has
    just answered the question as it is now (``question_hash``).
    """
    rating_value = _rating(rating)
    scheduler = _scheduler(desired_retention)
    if state is None:
        card = Card(card_id=_CARD_ID, due=_datetime(at_ms))
        reps = lapses = 0
    else:
        at_ms = max(at_ms, state.last_review_ms)
        card = _to_card(state)
        reps, lapses = state.reps, state.lapses
        pack_id, question_id = state.pack_id, state.question_id
    if card.state == State.Review and rating_value == Rating.Again:
        lapses += 1
    card, _log = scheduler.review_card(card, rating_value, _datetime(at_ms))
    new = _to_state(card, pack_id, question_id, reps + 1, lapses)
    return replace(new, question_hash=question_hash)


def flag_changed(state: CardState, current_hash: str) -> CardState:
    """Compare the question's hash now with the one last reviewed. If both are known and they
    differ, the card is ``changed`` and due no later than a day after its last review (so at
    once, for any card not reviewed today): the learner should see the new version soon, but
    what they knew of the old one is kept. Otherwise the state comes back unflagged (a due
    time brought forward stays so; ``replay`` restores it)."""
    if not current_hash or not state.question_hash or current_hash == state.question_hash:
        return replace(state, changed=False) if state.changed else state
    due_ms = min(state.due_ms, state.last_review_ms + CHANGED_DUE_WITHIN_MS)
    return replace(state, changed=True, due_ms=due_ms)


def retrievability(state: CardState | None, at_ms: int) -> float:
    """The predicted chance (0..1) of recalling the card at ``at_ms``, by FSRS's forgetting
    curve over whole days since the last review (so 1.0 on the day of a review). A card never
    reviewed has nothing to recall: 0.0."""
    if state is None:
        return 0.0
    value = _scheduler(DEFAULT_RETENTION).get_card_retrievability(
        _to_card(state), _datetime(max(at_ms, state.last_review_ms))
    )
    return float(value)


def is_due(state: CardState | None, at_ms: int) -> bool:
    """Whether the card is due at ``at_ms``. A card never reviewed is new, not due."""
    return state is not None and state.due_ms <= at_ms


def due_counts(
    states: Iterable[CardState], at_ms: int, *, by: Callable[[CardState], str]
) -> dict[str, int]:
    """How many cards are due at ``at_ms``, per ``by(state)`` (e.g. pack or article); groups
    with nothing due are left out."""
    counts: dict[str, int] = {}
    for state in states:
        if state.due_ms <= at_ms:
            key = by(state)
            counts[key] = counts.get(key, 0) + 1
    return counts


def due_between(
    states: Iterable[CardState], start_ms: int, end_ms: int, *, bucket_ms: int = DAY_MS
) -> list[int]:
    """A forecast: how many cards fall due in each ``bucket_ms`` (a day by default) from
    ``start_ms`` up to ``end_ms``. Only cards due in ``[start_ms, end_ms)`` are counted; those
    already due before ``start_ms`` are ``due_counts``'s. Pass a local midnight as ``start_ms``
    for calendar days."""
    if bucket_ms <= 0:
        raise ValueError("bucket_ms must be positive")
    buckets = [0] * max(0, -(-(end_ms - start_ms) // bucket_ms))
    for state in states:
        if start_ms <= state.due_ms < end_ms:
            buckets[(state.due_ms - start_ms) // bucket_ms] += 1
    return buckets


# -- fsrs ---------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _scheduler(desired_retention: float) -> Scheduler:
    if not 0.0 < desired_retention < 1.0:
        raise ValueError(f"desired retention must be between 0 and 1, not {desired_retention}")
    return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)


def _rating(value: int) -> Rating:
    if isinstance(value, bool) or value not in (1, 2, 3, 4):
        raise ValueError(f"a rating is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), not {value!r}")
    return Rating(value)


def _datetime(ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)


def _ms(moment: datetime) -> int:
    return (moment - _EPOCH) // _MS


def _to_card(state: CardState) -> Card:
    return Card(
        card_id=_CARD_ID,
        state=State[state.state],
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=_datetime(state.due_ms),
        last_review=_datetime(state.last_review_ms),
    )


def _to_state(card: Card, pack_id: str, question_id: str, reps: int, lapses: int) -> CardState:
    assert card.stability is not None and card.difficulty is not None  # set by any review
    assert card.last_review is not None
    return CardState(
        pack_id=pack_id,
        question_id=question_id,
        due_ms=_ms(card.due),
        stability=float(card.stability),
        difficulty=float(card.difficulty),
        state=card.state.name,
        step=card.step,
        last_review_ms=_ms(card.last_review),
        reps=reps,
        lapses=lapses,
    )
