"""The quiz service over a real study database and two real articles of the hub (no Qt):
answering (log + card in one job), due counts over simulated days with a fixed clock, the
sessions, changed and retired questions, rebuilding equals the incremental path, statistics."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from nexus_desktop.knowledge.loader import load_pack
from nexus_desktop.knowledge.model import Pack
from nexus_desktop.services.library import LoadedPack, load_source
from nexus_desktop.services.quiz import (
    QuestionKey,
    QuizError,
    QuizService,
    build_catalogue,
    review_of,
    streak,
)
from nexus_desktop.services.refs import PackSource
from nexus_desktop.services.study import StudyService
from nexus_desktop.storage import repositories as repo
from nexus_desktop.storage.records import ReviewRecord
from nexus_desktop.study.quiz import question_hash
from nexus_desktop.study.schedule import DAY_MS, rebuild, replay
from tests.conftest import CONTENT

DJANGO = "technologies/django/orm"
GRAPHQL = "technologies/graphql/schema-and-types"
COPIED = [
    "nexus-pack.toml",
    "_index.md",
    "technologies/_index.md",
    "technologies/django/_index.md",
    f"{DJANGO}.md",
    f"{DJANGO}.quiz.yaml",
    "technologies/graphql/_index.md",
    f"{GRAPHQL}.md",
    f"{GRAPHQL}.quiz.yaml",
]
PACK = "project-nexus"
T0 = int(datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp() * 1000)
HOUR_MS = 3_600_000
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


def copy_pack(root: Path) -> Path:
    for rel in COPIED:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CONTENT / rel, root / rel)
    return root


class Packs:
    """The open packs, swapped when a test edits the quiz files (as the app reloads)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.packs: list[Pack] = [load_pack(root, builtin=True)]

    def __call__(self) -> list[Pack]:
        return self.packs

    def reload(self) -> None:
        self.packs = [load_pack(self.root, builtin=True)]


@pytest.fixture
def packs(tmp_path: Path) -> Packs:
    return Packs(copy_pack(tmp_path / "hub"))


@pytest.fixture
def study(tmp_path: Path) -> Iterator[StudyService]:
    service = StudyService(tmp_path / "data")
    service.open()
    yield service
    service.close()


@pytest.fixture
def quiz(study: StudyService, packs: Packs) -> QuizService:
    return QuizService.for_study(study, packs)


def key(question_id: str) -> QuestionKey:
    return QuestionKey(PACK, question_id)


def django(number: int) -> str:
    return f"django-orm-{number:02d}"


def edit_quiz(packs: Packs, rel: str, old: str, new: str) -> None:
    path = packs.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    packs.reload()


# -- the catalogue --------------------------------------------------------------------------


def test_the_catalogue_lists_every_question_with_its_article_area_section_and_hash(
    quiz: QuizService, packs: Packs
) -> None:
    catalogue = quiz.catalogue()
    assert len(catalogue.items) == 20
    item = catalogue.items[key(django(1))]
    assert item.article_id == DJANGO and item.article_title
    assert item.areas == ("technologies", "technologies/django")
    assert item.area_titles == ("Technologies", "Django")
    assert item.anchor == "following-relationships"
    assert item.hash == question_hash(item.question)
    assert (
        catalogue.area_label(PACK, "technologies/django") == "Project Nexus › Technologies › Django"
    )
    assert quiz.catalogue() is catalogue  # cached while the packs stay the same
    packs.reload()
    assert quiz.catalogue() is not catalogue


def test_a_validated_pack_gives_its_checked_questions(packs: Packs) -> None:
    loaded = load_source(PackSource(packs.root, builtin=True))
    assert isinstance(loaded, LoadedPack) and loaded.validated
    catalogue = build_catalogue([loaded])
    assert len(catalogue.items) == 20 and not catalogue.problems


# -- answering ------------------------------------------------------------------------------


def test_an_answer_appends_to_the_log_and_caches_the_card_in_one_job(
    quiz: QuizService, study: StudyService
) -> None:
    first = quiz.answer(PACK, django(1), GOOD, True, 5200, at_ms=T0).result()
    assert first.reps == 1 and first.state == "Learning" and first.due_ms > T0
    expected_hash = quiz.catalogue().items[key(django(1))].hash
    second = quiz.answer(PACK, django(1), GOOD, True, 3100, at_ms=first.due_ms).result()
    with study.database.session() as s:
        logged = repo.reviews(s)
        cached = repo.cards(s)
    assert [(r.question_id, r.reviewed_at, r.rating, r.response_ms, r.correct) for r in logged] == [
        (django(1), T0, GOOD, 5200, True),
        (django(1), first.due_ms, GOOD, 3100, True),
    ]
    assert [r.question_hash for r in logged] == [expected_hash] * 2
    assert [r.due_at for r in logged] == [None, first.due_ms]  # when it was due, if seen before
    assert len(cached) == 1 and cached[0].due_ms == second.due_ms
    assert cached[0].reps == 2 and cached[0].question_hash == expected_hash
    assert quiz.card(PACK, django(1)).result() == second
    assert quiz.card(PACK, django(2)).result() is None


def test_an_answer_is_checked_before_anything_is_queued(quiz: QuizService) -> None:
    with pytest.raises(ValueError, match="rating"):
        quiz.answer(PACK, django(1), 5, True, 1000, at_ms=T0)
    with pytest.raises(ValueError, match="retention"):
        quiz.answer(PACK, django(1), GOOD, True, 1000, at_ms=T0, desired_retention=1.5)


def test_a_read_only_database_refuses_answers(tmp_path: Path, packs: Packs) -> None:
    writable = StudyService(tmp_path / "data")
    writable.open()
    writable.close()
    study = StudyService(tmp_path / "data", read_only=True)
    study.open()
    try:
        quiz = QuizService.for_study(study, packs)
        with pytest.raises(QuizError, match="read-only"):
            quiz.answer(PACK, django(1), GOOD, True, 1000, at_ms=T0)
        with pytest.raises(QuizError, match="read-only"):
            quiz.rebuild_schedule()
        assert quiz.due_counts(T0).result().total == 0  # reading still works
    finally:
        study.close()


def test_a_card_missing_from_the_cache_is_replayed_from_its_reviews(
    quiz: QuizService, study: StudyService
) -> None:
    rows = [ReviewRecord("", PACK, django(3), T0 + n * DAY_MS, GOOD, 4000, True) for n in (0, 1, 4)]
    with study.database.session() as s:
        assert repo.insert_reviews(s, rows) == 3
        assert repo.insert_reviews(s, repo.reviews(s)) == 0  # the same ids again: nothing added
    after = quiz.answer(PACK, django(3), GOOD, True, 4000, at_ms=T0 + 20 * DAY_MS).result()
    with study.database.session() as s:
        logged = repo.reviews(s, PACK, django(3))
    assert after.reps == 4
    assert after == replace(
        replay([review_of(r) for r in logged]), question_hash=after.question_hash
    )


# -- due counts -----------------------------------------------------------------------------


def test_due_counts_follow_a_fixed_clock_over_simulated_days(quiz: QuizService) -> None:
    assert quiz.due_counts(T0).result().total == 0
    for number in (1, 2, 3):
        quiz.answer(PACK, django(number), GOOD, True, 4000, at_ms=T0)
    graphql = quiz.answer(PACK, "graphql-schema-01", AGAIN, False, 9000, at_ms=T0).result()
    counts = quiz.due_counts(T0).result()
    assert counts.total == 0 and counts.seen == 4 and counts.new == 16
    counts = quiz.due_counts(T0 + HOUR_MS).result()  # past the learning steps
    assert counts.total == 4
    assert counts.by_pack == {PACK: 4}
    assert counts.by_area == {
        (PACK, "technologies"): 4,
        (PACK, "technologies/django"): 3,
        (PACK, "technologies/graphql"): 1,
    }
    assert counts.by_article == {(PACK, DJANGO): 3, (PACK, GRAPHQL): 1}
    assert sum(counts.by_section.values()) == 4
    assert graphql.due_ms <= T0 + HOUR_MS
    # Answer every due question Good whenever it is due, day by day: the intervals grow, so
    # fewer and fewer days have something due.
    due_days = []
    for day in range(1, 61):
        now = T0 + day * DAY_MS
        due = quiz.due_today(at_ms=now, new_per_session=0).result()
        if due:
            due_days.append(day)
        for question in due:
            quiz.answer(*question, GOOD, True, 4000, at_ms=now)
        assert quiz.due_counts(now).result().total == 0
    assert due_days[0] == 1 and len(due_days) < 15
    late = max(due_days)
    assert late > 10  # reviews thin out: none every day any more


def test_due_counts_of_ten_thousand_cards_come_from_the_cache(
    quiz: QuizService, study: StudyService
) -> None:
    from nexus_desktop.storage.records import CardRecord

    cards = [
        CardRecord(
            PACK,
            f"synthetic-{n}",
            T0 + (n % 20 - 10) * DAY_MS,
            5.0,
            5.0,
            "Review",
            None,
            T0 - 30 * DAY_MS,
            3,
            0,
        )  # fmt: skip
        for n in range(10_000)
    ] + [CardRecord(PACK, django(1), T0 - DAY_MS, 5.0, 5.0, "Review", None, T0 - 9 * DAY_MS, 2, 0)]
    with study.database.session() as s:
        repo.replace_cards(s, cards)
    counts = quiz.due_counts(T0).result()
    assert counts.total == 1  # the synthetic questions are in no pack: retired
    assert len(quiz.retired().result()) == 10_000


# -- sessions -------------------------------------------------------------------------------


def test_a_session_has_the_due_questions_first_then_new_ones_capped(quiz: QuizService) -> None:
    quiz.answer(PACK, django(5), AGAIN, False, 4000, at_ms=T0)
    quiz.answer(PACK, django(2), AGAIN, False, 4000, at_ms=T0 + 1000)
    quiz.answer(PACK, django(1), EASY, True, 4000, at_ms=T0).result()  # not due for days
    now = T0 + DAY_MS
    keys = quiz.due_today(at_ms=now, new_per_session=3).result()
    assert keys == [key(django(5)), key(django(2)), key(django(3)), key(django(4)), key(django(6))]
    assert quiz.due_today(2, at_ms=now).result() == [key(django(5)), key(django(2))]
    assert len(quiz.due_today(at_ms=now).result()) == 2 + 10  # the setting: 10 new a session
    assert quiz.due_today(at_ms=now, new_per_session=0).result() == keys[:2]


def test_article_area_and_section_sessions_keep_to_their_questions(quiz: QuizService) -> None:
    catalogue = quiz.catalogue()
    big = 100
    article = quiz.for_article(PACK, GRAPHQL, new_per_session=big, at_ms=T0).result()
    assert len(article) == 10 and {k.question_id[:7] for k in article} == {"graphql"}
    area = quiz.for_area(PACK, "technologies/django", new_per_session=big, at_ms=T0).result()
    assert len(area) == 10 and all(catalogue.items[k].article_id == DJANGO for k in area)
    assert len(quiz.for_area(PACK, "technologies", new_per_session=big, at_ms=T0).result()) == 20
    section = quiz.for_section(PACK, DJANGO, "querysets-are-lazy", new_per_session=big,
                               at_ms=T0).result()  # fmt: skip
    assert section and all(catalogue.items[k].anchor == "querysets-are-lazy" for k in section)
    expected = [k for k, i in catalogue.items.items()
                if i.source_article == DJANGO and i.anchor == "querysets-are-lazy"]  # fmt: skip
    assert section == expected
    # A due question of the section comes first.
    quiz.answer(*expected[-1], AGAIN, False, 4000, at_ms=T0 - DAY_MS).result()
    again = quiz.for_section(PACK, DJANGO, "querysets-are-lazy", at_ms=T0).result()
    assert again[0] == expected[-1] and set(again) == set(expected)


def test_weak_spots_are_the_seen_questions_least_likely_recalled(quiz: QuizService) -> None:
    history = {django(1): [EASY, EASY], django(2): [AGAIN, AGAIN], django(3): [GOOD, GOOD],
               django(4): [HARD, AGAIN]}  # fmt: skip
    for question, ratings in history.items():
        for day, rating in enumerate(ratings):
            quiz.answer(PACK, question, rating, rating > 1, 4000, at_ms=T0 + day * DAY_MS)
    weak = quiz.weak_spots(at_ms=T0 + 20 * DAY_MS).result()
    assert set(weak) == {key(q) for q in history}  # only seen questions
    assert weak[-1] == key(django(1))
    assert weak.index(key(django(2))) < weak.index(key(django(3)))
    assert quiz.weak_spots(2, at_ms=T0 + 20 * DAY_MS).result() == weak[:2]


# -- changed and retired questions ----------------------------------------------------------


def test_a_changed_question_is_flagged_due_and_put_right_when_it_changes_back(
    quiz: QuizService, packs: Packs, study: StudyService
) -> None:
    state = None
    at = T0
    for _ in range(4):
        state = quiz.answer(PACK, django(1), GOOD, True, 4000, at_ms=at).result()
        at = state.due_ms
    assert state is not None and state.due_ms - state.last_review_ms > 5 * DAY_MS
    later = state.last_review_ms + 2 * DAY_MS
    assert quiz.due_counts(later).result().total == 0
    old = "Which QuerySet method follows a forward ForeignKey"
    edit_quiz(packs, f"{DJANGO}.quiz.yaml", old, "Which QuerySet method follows a ForeignKey")
    counts = quiz.due_counts(later).result()
    assert (counts.total, counts.changed) == (1, 1)
    assert quiz.due_today(at_ms=later, new_per_session=0).result() == [key(django(1))]
    flagged = quiz.card(PACK, django(1)).result()
    assert flagged is not None and flagged.changed and flagged.due_ms <= later
    assert quiz.sync_changes().result() == 1
    with study.database.session() as s:
        cached = repo.card(s, PACK, django(1))
    assert cached is not None and cached.changed and cached.due_ms == flagged.due_ms
    assert quiz.sync_changes().result() == 0
    # Answering the new version clears the flag.
    answered = quiz.answer(PACK, django(1), GOOD, True, 4000, at_ms=later).result()
    assert not answered.changed and answered.question_hash == quiz.item(PACK, django(1)).hash  # type: ignore[union-attr]


def test_a_question_changed_back_gets_its_schedule_back(quiz: QuizService, packs: Packs) -> None:
    state = quiz.answer(PACK, django(2), EASY, True, 4000, at_ms=T0).result()
    old = "Which of these run a database query immediately?"
    edit_quiz(packs, f"{DJANGO}.quiz.yaml", old, "Which of these query the database at once?")
    assert quiz.sync_changes().result() == 1
    assert quiz.card(PACK, django(2)).result().changed  # type: ignore[union-attr]
    edit_quiz(packs, f"{DJANGO}.quiz.yaml", "Which of these query the database at once?", old)
    assert quiz.sync_changes().result() == 1
    assert quiz.card(PACK, django(2)).result() == state


def test_retired_questions_keep_their_history_but_leave_sessions_and_counts(
    quiz: QuizService, packs: Packs
) -> None:
    quiz.answer(PACK, "graphql-schema-01", AGAIN, False, 4000, at_ms=T0)
    quiz.answer(PACK, django(1), AGAIN, False, 4000, at_ms=T0).result()
    (packs.root / f"{GRAPHQL}.quiz.yaml").unlink()
    packs.reload()
    now = T0 + DAY_MS
    assert quiz.due_counts(now).result().total == 1
    assert quiz.due_today(at_ms=now, new_per_session=0).result() == [key(django(1))]
    assert key("graphql-schema-01") not in quiz.weak_spots(at_ms=now).result()
    retired = quiz.retired().result()
    assert [(c.pack_id, c.question_id, c.reps) for c in retired] == [(PACK, "graphql-schema-01", 1)]
    stats = quiz.stats(now).result()
    assert stats.overall.reviews == 2  # its answers still count in the totals
    assert stats.by_pack[PACK].reviews == 1


# -- rebuilding -----------------------------------------------------------------------------


def test_rebuilding_from_the_log_gives_the_same_schedules_as_answering(
    quiz: QuizService, study: StudyService
) -> None:
    rng = random.Random(7)
    questions = [django(n) for n in range(1, 9)]
    for day in range(90):
        now = T0 + day * DAY_MS + rng.randrange(0, 8 * HOUR_MS)
        for question in quiz.due_today(at_ms=now, new_per_session=2).result():
            rating = rng.choice([AGAIN, HARD, GOOD, GOOD, GOOD, EASY])
            quiz.answer(*question, rating, rating > 1, rng.randrange(1000, 30000), at_ms=now)
        if day % 10 == 0:  # an extra, early review now and then
            question = rng.choice(questions)
            quiz.answer(PACK, question, GOOD, True, 5000, at_ms=now + HOUR_MS)
    assert quiz.retired().result() == []
    with study.database.session() as s:
        before = repo.cards(s)
        logged = repo.reviews(s)
    assert len(before) >= 8 and len(logged) > 60
    summary = quiz.rebuild_schedule().result()
    assert (summary.cards, summary.due_changed, summary.reviews) == (len(before), 0, len(logged))
    with study.database.session() as s:
        after = repo.cards(s)
        repo.replace_cards(s, [])  # the cache lost
    strip = [replace(c, updated_at=0) for c in before]
    assert [replace(c, updated_at=0) for c in after] == strip
    lost = quiz.rebuild_schedule().result()
    assert (lost.cards, lost.due_changed) == (len(before), len(before))
    with study.database.session() as s:
        assert [replace(c, updated_at=0) for c in repo.cards(s)] == strip
    # And the pure rebuild agrees with the cache too.
    states = rebuild(review_of(r) for r in logged)
    assert {k: s.due_ms for k, s in states.items()} == {
        (c.pack_id, c.question_id): c.due_ms for c in before
    }


# -- statistics -----------------------------------------------------------------------------


def day_ms(day: int, hour: int = 10) -> int:
    return T0 - 9 * HOUR_MS + day * DAY_MS + hour * HOUR_MS


def test_stats_on_a_hand_built_log(quiz: QuizService, study: StudyService) -> None:
    q1, q2 = django(1), django(2)
    rows = [
        # day 0: first sightings (not due reviews)
        ReviewRecord("", PACK, q1, day_ms(0), GOOD, 4000, True, "", None),
        ReviewRecord("", PACK, q2, day_ms(0), AGAIN, 6000, False, "", None),
        # day 1: both due; q1 right, q2 wrong
        ReviewRecord("", PACK, q1, day_ms(1), GOOD, 3000, True, "", day_ms(1) - 1),
        ReviewRecord("", PACK, q2, day_ms(1), AGAIN, 5000, False, "", day_ms(0, 11)),
        # day 2: q1 early (not due): left out of retention
        ReviewRecord("", PACK, q1, day_ms(2), GOOD, 2000, True, "", day_ms(5)),
        # day 3: nothing. Day 4 (today): q2 due and right; a retired question answered
        ReviewRecord("", PACK, q2, day_ms(4), GOOD, 7000, True, "", day_ms(3)),
        ReviewRecord("", PACK, "gone-01", day_ms(4, 11), GOOD, 1000, True, "", day_ms(4)),
    ]
    with study.database.session() as s:
        repo.insert_reviews(s, rows)
    quiz.rebuild_schedule().result()
    today = day_ms(4, 12)
    stats = quiz.stats(today).result()
    first_day = date(2026, 3, 2)
    assert stats.days == {
        (first_day + timedelta(days=n)).isoformat(): count
        for n, count in ((0, 2), (1, 2), (2, 1), (4, 2))
    }
    assert stats.streak == 1  # day 3 had no answer
    overall = stats.overall
    assert (overall.reviews, overall.due_reviews, overall.due_correct) == (7, 4, 3)
    assert overall.retention == pytest.approx(3 / 4)
    assert overall.time_ms == 28000
    assert (overall.questions, overall.seen, overall.new) == (20, 2, 18)
    assert overall.mastery is not None and 0.0 < overall.mastery <= 1.0
    assert overall.due_now + overall.due_30d <= overall.seen
    assert overall.due_7d <= overall.due_30d
    django_area = stats.by_area[(PACK, "technologies/django")]
    assert (django_area.questions, django_area.seen, django_area.reviews) == (10, 2, 6)
    assert django_area.retention == pytest.approx(2 / 3)  # the retired question is not here
    assert django_area.time_ms == 27000
    graphql_area = stats.by_area[(PACK, "technologies/graphql")]
    assert (graphql_area.seen, graphql_area.reviews, graphql_area.retention) == (0, 0, None)
    assert graphql_area.mastery is None
    # The days of one area, and a shorter period.
    scoped = quiz.stats(today, scope=(PACK, "technologies/graphql")).result()
    assert scoped.days == {} and scoped.streak == 0
    week = quiz.stats(today, days=3).result()
    assert sum(week.days.values()) == 3 and week.overall.reviews == 3


def test_streak_counts_days_up_to_today_or_yesterday() -> None:
    days = {"2026-03-01": 3, "2026-03-02": 1, "2026-03-03": 5}
    at = int(datetime(2026, 3, 3, 20, tzinfo=UTC).timestamp() * 1000)
    assert streak(days, at) == 3
    assert streak(days, at + DAY_MS) == 3  # nothing yet today: the streak is not broken yet
    assert streak(days, at + 2 * DAY_MS) == 0
    # Local days: 20:00 UTC is already the next day in UTC+5.
    assert streak(days, at, offset_ms=5 * HOUR_MS) == 3
    assert streak({}, at) == 0


def test_stats_days_can_be_local_days(quiz: QuizService, study: StudyService) -> None:
    late = int(datetime(2026, 3, 2, 22, 30, tzinfo=UTC).timestamp() * 1000)
    with study.database.session() as s:
        repo.insert_reviews(s, [ReviewRecord("", PACK, django(1), late, GOOD, 1, True)])
    assert quiz.stats(late).result().days == {"2026-03-02": 1}
    assert quiz.stats(late, offset_ms=2 * HOUR_MS).result().days == {"2026-03-03": 1}


# -- the migration --------------------------------------------------------------------------


def test_the_migration_keeps_old_review_rows(tmp_path: Path) -> None:
    from alembic import command  # noqa: TID251 - builds a database at the old revision
    from alembic.config import Config  # noqa: TID251
    from sqlalchemy import create_engine  # noqa: TID251

    from nexus_desktop.storage.database import MIGRATIONS, Database

    path = tmp_path / "nexus.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    engine.dispose()
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO review_log VALUES (?, 'hub', 'q', 5, 3, 100, 1)", ("b" * 32,))
    connection.commit()
    connection.close()
    database = Database(path, backups_dir=tmp_path / "backups")
    database.open()
    with database.session() as s:
        assert repo.reviews(s) == [
            ReviewRecord("b" * 32, "hub", "q", 5, 3, 100, True, question_hash="", due_at=None)
        ]
        assert repo.cards(s) == []
    database.close()
