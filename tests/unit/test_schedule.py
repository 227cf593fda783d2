"""Scheduling with FSRS over simulated days (a fixed clock, no sleeps): intervals grow with
good answers and shrink after a lapse, the incremental path equals replaying the log, desired
retention moves the intervals, a changed question comes due, due counts and the forecast."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from nexus_desktop.study.schedule import (
    DAY_MS,
    CardState,
    Review,
    due_between,
    due_counts,
    flag_changed,
    is_due,
    rebuild,
    replay,
    retrievability,
    review,
)

T0 = int(datetime(2026, 1, 5, 9, 0, tzinfo=UTC).timestamp() * 1000)
MINUTE_MS = 60_000
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


def row(at_ms: int, rating: int, *, qid: str = "q1", pack: str = "p", qhash: str = "") -> Review:
    return Review(
        pack, qid, at_ms, rating, response_ms=4000, correct=rating > 1, question_hash=qhash
    )


def answer_when_due(ratings: list[int], *, retention: float = 0.9) -> list[CardState]:
    """Review at T0, then each time the card falls due; the state after each review."""
    states: list[CardState] = []
    state, at = None, T0
    for rating in ratings:
        state = review(
            state, rating, at, desired_retention=retention, pack_id="p", question_id="q1"
        )
        states.append(state)
        at = state.due_ms
    return states


def interval(state: CardState) -> int:
    return state.due_ms - state.last_review_ms


# -- the shape of a schedule ----------------------------------------------------------------


def test_good_answers_make_the_intervals_grow() -> None:
    states = answer_when_due([GOOD] * 6)
    first = states[0]
    assert (first.state, first.step, first.reps, first.lapses) == ("Learning", 1, 1, 0)
    assert (first.pack_id, first.question_id) == ("p", "q1")
    assert interval(first) == 10 * MINUTE_MS  # the second learning step
    graduated = states[1:]
    assert all(s.state == "Review" and s.step is None for s in graduated)
    days = [interval(s) / DAY_MS for s in graduated]
    assert days == sorted(days) and len(set(days)) == len(days), days
    assert all(d == int(d) for d in days)  # whole days, no fuzz
    assert days[0] >= 1 and days[-1] > 30
    assert [s.reps for s in states] == [1, 2, 3, 4, 5, 6]
    stabilities = [s.stability for s in graduated[1:]]
    assert stabilities == sorted(stabilities)


def test_again_sends_a_learned_card_back_to_a_short_step() -> None:
    before = answer_when_due([GOOD] * 5)[-1]
    lapsed = review(before, AGAIN, before.due_ms)
    assert (lapsed.state, lapsed.step, lapsed.lapses, lapsed.reps) == ("Relearning", 0, 1, 6)
    assert interval(lapsed) == 10 * MINUTE_MS
    assert lapsed.stability < before.stability
    assert lapsed.difficulty > before.difficulty
    relearned = review(lapsed, GOOD, lapsed.due_ms)
    assert relearned.state == "Review"
    assert interval(relearned) < interval(before)
    # Again while relearning is no new lapse.
    assert review(lapsed, AGAIN, lapsed.due_ms).lapses == 1


def test_easy_graduates_at_once_and_hard_lengthens_less() -> None:
    easy = review(None, EASY, T0, pack_id="p", question_id="q1")
    assert easy.state == "Review" and interval(easy) >= DAY_MS
    base = answer_when_due([GOOD, GOOD, GOOD])[-1]
    hard, good, very = (review(base, r, base.due_ms) for r in (HARD, GOOD, EASY))
    assert interval(hard) < interval(good) < interval(very)


def test_desired_retention_moves_the_intervals() -> None:
    ratings = [GOOD] * 5
    relaxed = answer_when_due(ratings, retention=0.8)[-1]
    normal = answer_when_due(ratings, retention=0.9)[-1]
    strict = answer_when_due(ratings, retention=0.95)[-1]
    assert interval(relaxed) > interval(normal) > interval(strict)
    # Replaying the same log with another retention reschedules it the same way.
    log = [row(T0, GOOD), row(T0 + 10 * MINUTE_MS, GOOD), row(T0 + 3 * DAY_MS, GOOD)]
    assert interval(replay(log, desired_retention=0.8)) > interval(
        replay(log, desired_retention=0.95)
    )


def test_retrievability_falls_with_time_towards_desired_retention_when_due() -> None:
    assert retrievability(None, T0) == 0.0
    state = answer_when_due([GOOD] * 5)[-1]
    assert retrievability(state, state.last_review_ms) == 1.0
    assert retrievability(state, state.last_review_ms - DAY_MS) == 1.0  # a clock turned back
    later = [retrievability(state, state.last_review_ms + d * DAY_MS) for d in (1, 10, 100)]
    assert 1.0 > later[0] > later[1] > later[2] > 0.0
    assert retrievability(state, state.due_ms) == pytest.approx(0.9, abs=0.01)


# -- the log and the incremental path -------------------------------------------------------


def random_log(rng: random.Random, qid: str = "q1") -> list[Review]:
    rows, at = [], T0 + rng.randrange(DAY_MS)
    for _ in range(rng.randint(1, 25)):
        rows.append(row(at, rng.choice([1, 2, 3, 3, 3, 4]), qid=qid, qhash=rng.choice("abc")))
        # Same millisecond, minutes, hours or months later.
        at += rng.choice([0, rng.randrange(MINUTE_MS, DAY_MS), rng.randrange(DAY_MS, 90 * DAY_MS)])
    return rows


@pytest.mark.parametrize("retention", [0.8, 0.9, 0.97])
def test_reviewing_one_at_a_time_equals_replaying_the_log(retention: float) -> None:
    rng = random.Random(f"replay-{retention}")
    for _ in range(150):
        log = random_log(rng)
        state: CardState | None = None
        for n, entry in enumerate(log, start=1):
            state = review(
                state,
                entry.rating,
                entry.reviewed_at_ms,
                desired_retention=retention,
                pack_id=entry.pack_id,
                question_id=entry.question_id,
                question_hash=entry.question_hash,
            )
            assert state == replay(log[:n], desired_retention=retention)
        shuffled = log[:]
        rng.shuffle(shuffled)  # the log's storage order does not matter, its times do
        same_time = {r.reviewed_at_ms for r in log}
        if len(same_time) == len(log):
            assert replay(shuffled, desired_retention=retention) == state


def test_rebuilding_gives_the_same_schedules_every_time() -> None:
    rng = random.Random(7)
    log = [r for n in range(50) for r in random_log(rng, qid=f"q{n}")]
    rng.shuffle(log)
    first = rebuild(log)
    assert len(first) == 50
    assert rebuild(log) == first
    assert first[("p", "q3")] == replay([r for r in log if r.question_id == "q3"])


def test_a_review_before_the_last_one_is_taken_at_the_last_ones_time() -> None:
    state = review(None, GOOD, T0, pack_id="p", question_id="q1")
    back = review(state, GOOD, T0 - DAY_MS)  # the clock was turned back a day
    assert back.last_review_ms == T0
    assert back == review(state, GOOD, T0)
    logged = [row(T0, GOOD), row(back.last_review_ms, GOOD)]
    assert replay(logged) == back


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        replay([])
    with pytest.raises(ValueError):
        replay([row(T0, GOOD), row(T0 + 1, GOOD, qid="q2")])
    for rating in (0, 5, -1, True):
        with pytest.raises(ValueError):
            review(None, rating, T0)
        with pytest.raises(ValueError):
            replay([row(T0, rating)])
    for retention in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError):
            review(None, GOOD, T0, desired_retention=retention)
    with pytest.raises(ValueError):
        due_between([], T0, T0 + DAY_MS, bucket_ms=0)


# -- changed questions ----------------------------------------------------------------------


def test_a_changed_question_comes_due_within_a_day_of_its_last_review() -> None:
    log = [row(T0, GOOD, qhash="old"), row(T0 + 10 * MINUTE_MS, GOOD, qhash="old")]
    log += [row(T0 + 3 * DAY_MS, GOOD, qhash="old")]
    plain = replay(log)
    assert interval(plain) > DAY_MS and not plain.changed and plain.question_hash == "old"
    assert replay(log, current_hash="old") == plain
    changed = replay(log, current_hash="new")
    assert changed.changed
    assert changed.due_ms == plain.last_review_ms + DAY_MS
    assert replace(changed, changed=False, due_ms=plain.due_ms) == plain
    # What was learned is kept: only the due time moves.
    assert (changed.stability, changed.reps) == (plain.stability, plain.reps)
    # A card already due sooner keeps its due time.
    learning = replay(log[:1], current_hash="new")
    assert learning.changed and learning.due_ms == replay(log[:1]).due_ms
    # Reviewing the new version clears the flag and schedules as the log would.
    again = review(changed, GOOD, T0 + 4 * DAY_MS, question_hash="new")
    assert not again.changed and again.question_hash == "new"
    assert again == replay([*log, row(T0 + 4 * DAY_MS, GOOD, qhash="new")], current_hash="new")
    # Changed back: unflagged (the earlier due time stays; a rebuild from the log restores it).
    reverted = flag_changed(changed, "old")
    assert not reverted.changed and reverted.due_ms == changed.due_ms
    assert flag_changed(plain, "old") is plain


def test_an_unknown_hash_is_not_a_change() -> None:
    log = [row(T0, GOOD), row(T0 + 10 * MINUTE_MS, GOOD)]  # logged without a hash
    assert not replay(log, current_hash="new").changed
    assert not replay([row(T0, GOOD, qhash="h")], current_hash="").changed


# -- what is due ----------------------------------------------------------------------------


def card(pack: str, qid: str, due_ms: int) -> CardState:
    return CardState(pack, qid, due_ms, 5.0, 5.0, "Review", None, due_ms - 5 * DAY_MS, 3, 0)


def test_due_counts_group_the_cards_due_now() -> None:
    now = T0 + 10 * DAY_MS
    states = [
        card("django", "a", now - 3 * DAY_MS),
        card("django", "b", now),  # due this very millisecond
        card("django", "c", now + 1),
        card("docker", "d", now - 1),
        card("docker", "e", now + DAY_MS),
        card("python", "f", now + 2 * DAY_MS),
    ]
    assert due_counts(states, now, by=lambda s: s.pack_id) == {"django": 2, "docker": 1}
    assert due_counts(states, now + DAY_MS, by=lambda s: "all") == {"all": 5}
    assert due_counts([], now, by=lambda s: s.pack_id) == {}
    assert [is_due(s, now) for s in states] == [True, True, False, True, False, False]
    assert not is_due(None, now)


def test_the_forecast_counts_cards_per_day() -> None:
    start = T0
    states = [
        card("p", "overdue", start - DAY_MS),
        card("p", "a", start),
        card("p", "b", start + DAY_MS - 1),
        card("p", "c", start + DAY_MS),
        card("p", "d", start + 3 * DAY_MS + 5),
        card("p", "e", start + 7 * DAY_MS),  # the end is not included
    ]
    assert due_between(states, start, start + 7 * DAY_MS) == [2, 1, 0, 1, 0, 0, 0]
    assert due_between(states, start, start + 36 * 3_600_000) == [2, 1]  # a part day at the end
    hourly = due_between(states, start, start + 2 * 3_600_000, bucket_ms=3_600_000)
    assert hourly == [1, 0]
    assert due_between(states, start, start) == []


def test_counting_ten_thousand_cards_and_rebuilding_a_large_log() -> None:
    """Measured, not asserted: due counts over 10,000 cards, and 100,000 log rows replayed."""
    rng = random.Random(3)
    log: list[Review] = []
    for n in range(10_000):
        at = T0 + rng.randrange(DAY_MS)
        for _ in range(10):
            log.append(row(at, rng.choice([1, 2, 3, 3, 3, 4]), qid=f"q{n}", pack=f"p{n % 7}"))
            at += rng.randrange(MINUTE_MS, 20 * DAY_MS)
    started = time.perf_counter()
    states = rebuild(log)
    rebuilt = time.perf_counter() - started
    assert len(states) == 10_000
    now = T0 + 120 * DAY_MS
    started = time.perf_counter()
    counts = due_counts(states.values(), now, by=lambda s: s.pack_id)
    counted = time.perf_counter() - started
    assert sum(counts.values()) == sum(is_due(s, now) for s in states.values())
    started = time.perf_counter()
    forecast = due_between(states.values(), now, now + 30 * DAY_MS)
    forecast_s = time.perf_counter() - started
    assert len(forecast) == 30
    print(
        f"\nrebuild of {len(log):,} reviews / {len(states):,} cards: {rebuilt:.2f} s; "
        f"due counts: {counted * 1000:.2f} ms; 30-day forecast: {forecast_s * 1000:.2f} ms"
    )
