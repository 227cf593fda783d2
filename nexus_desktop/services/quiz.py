"""The quiz as the app and the CLI use it: the questions of the open packs, what is due, the
sessions to study, answering, rebuilding the schedules from the log, and the statistics. Qt-free.

Every database job runs on the study record's one writer thread (the jobs of
:class:`~nexus_desktop.services.study.StudyService`), so every method that reads or writes the
database returns a ``Future``; the work on the calling thread is only looking up the question
catalogue (cached until the packs change).

Where things are kept:

- the **review log** (``review_log``) is the truth, append-only: each answer with its rating,
  time taken, whether it was right, the question's hash as asked and when the card was due;
- the **cards** (``cards``) cache each question's schedule (``study.schedule.CardState``). An
  answer updates the card in the same transaction as it appends to the log, with
  ``study.schedule.review``; :meth:`QuizService.rebuild_schedule` recomputes them all by
  replaying the log and gives the same due times. Due counts and sessions read the cache,
  never replay.

A question is keyed by pack id + question id. A question whose text changed since it was last
answered (its hash differs) is *changed* and due again (``study.schedule.flag_changed``: no
later than a day after its last review). A question in the log but in no open pack is
*retired*: left out of sessions and counts, listed by :meth:`QuizService.retired`, its history
kept.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias, TypeVar

from nexus_desktop.knowledge.model import Pack
from nexus_desktop.knowledge.quiz import Question, parse_quiz_file
from nexus_desktop.storage.records import CardDue, CardRecord, ReviewRecord, now_ms
from nexus_desktop.study.quiz import question_hash
from nexus_desktop.study.schedule import (
    DAY_MS,
    DEFAULT_RETENTION,
    CardState,
    Review,
    flag_changed,
    rebuild,
    replay,
    retrievability,
    review,
)

if TYPE_CHECKING:
    from nexus_desktop.services.library import LoadedPack
    from nexus_desktop.services.study import StudyService
    from nexus_desktop.storage.records import ReviewTotals
    from nexus_desktop.storage.writer import Writer

T = TypeVar("T")
PackLike: TypeAlias = "Pack | LoadedPack"
_Groups: TypeAlias = (
    "tuple[str, tuple[tuple[str, str], ...], tuple[str, str], tuple[str, str, str]]"
)
Job = Callable[[Any], Any]  # a function of a database session, run on the writer thread

DEFAULT_NEW_PER_SESSION = 10
DEFAULT_WEAK_SPOTS = 20
STATS_DAYS = 365


class QuizError(Exception):
    """A quiz operation cannot be done; the message says why, in words."""


class QuestionKey(NamedTuple):
    pack_id: str
    question_id: str


@dataclass(frozen=True, slots=True)
class QuizItem:
    """One question of an open pack, with where it belongs. ``article_id`` is the article whose
    quiz file holds it; ``areas`` the ids of its areas from the top level down to the article's
    own (the pack root left out), ``area_titles`` their titles; ``anchor`` the heading of the
    source article it asks about; ``hash`` the question's hash now; ``order`` its place in
    the pack's reading order."""

    key: QuestionKey
    question: Question
    article_id: str
    article_title: str
    areas: tuple[str, ...]
    area_titles: tuple[str, ...]
    anchor: str
    hash: str
    order: int

    @property
    def pack_id(self) -> str:
        return self.key.pack_id

    @property
    def area_id(self) -> str:
        return self.areas[-1] if self.areas else ""

    @property
    def source_article(self) -> str:
        return str(self.question.source_article)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every question of every open pack, in reading order (pack by pack)."""

    items: dict[QuestionKey, QuizItem]
    pack_names: dict[str, str]
    area_titles: dict[tuple[str, str], tuple[str, ...]]  # (pack, area id) -> titles from the top
    problems: tuple[str, ...] = ()  # questions left out (duplicate ids, missing articles)
    # key -> (hash, (pack, area) of each area, (pack, article), (pack, article, anchor)):
    # what counting due questions adds to, made once.
    groups: dict[tuple[str, str], _Groups] = field(default_factory=dict, repr=False)

    def hashes(self) -> dict[tuple[str, str], str]:
        return {key: item.hash for key, item in self.items.items()}

    def area_label(self, pack_id: str, area_id: str) -> str:
        titles = self.area_titles.get((pack_id, area_id), ())
        return " › ".join((self.pack_names.get(pack_id, pack_id), *titles))


@dataclass(frozen=True, slots=True)
class DueCounts:
    """What is due at ``at_ms`` among the questions of the open packs: ``total``, and per pack,
    per area (every area with something due, counting its sub-areas), per article and per
    section (pack, source article, heading anchor). ``new`` questions were never answered;
    ``changed`` of the due ones are due because their question changed."""

    at_ms: int
    total: int
    new: int
    seen: int
    changed: int
    by_pack: dict[str, int] = field(default_factory=dict)
    by_area: dict[tuple[str, str], int] = field(default_factory=dict)
    by_article: dict[tuple[str, str], int] = field(default_factory=dict)
    by_section: dict[tuple[str, str, str], int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QuizFigures:
    """The statistics of a set of questions (all, a pack or an area).

    - ``questions``: in the open packs; ``seen``: answered at least once; ``new``: never.
    - ``due_now``: due at the time asked; ``due_7d`` / ``due_30d``: not due yet, falling due
      within 7 / 30 days (the 30 include the 7).
    - ``reviews``, ``time_ms``: answers in the period, and the time taken (sum of response
      times).
    - ``retention``: the share of right answers among the *due reviews* of the period, the
      answers given when the card was due (the log's ``due_at`` <= ``reviewed_at``): first
      sightings and early reviews are left out, (re)learning steps count. ``None`` without any.
    - ``mastery``: the mean predicted recall (FSRS retrievability, 0..1) of the seen questions
      now; ``None`` when nothing was seen.
    """

    questions: int = 0
    seen: int = 0
    new: int = 0
    due_now: int = 0
    due_7d: int = 0
    due_30d: int = 0
    reviews: int = 0
    due_reviews: int = 0
    due_correct: int = 0
    time_ms: int = 0
    retention: float | None = None
    mastery: float | None = None


@dataclass(frozen=True, slots=True)
class QuizStats:
    """The statistics at ``at_ms`` over the period from ``since_ms`` (``days`` days, today
    included). ``overall`` counts every answer in the log (retired questions too) but only the
    open packs' questions for ``seen``/``due``/``mastery``; ``by_pack`` and ``by_area`` count the
    questions now there. ``days``: answers per day (``YYYY-MM-DD`` -> count, days without any
    left out) of ``scope`` (everything, a pack or an area); ``streak``: consecutive days with at
    least one answer, up to today (or up to yesterday, when nothing was answered yet today)."""

    at_ms: int
    since_ms: int
    overall: QuizFigures
    by_pack: dict[str, QuizFigures]
    by_area: dict[tuple[str, str], QuizFigures]
    days: dict[str, int]
    streak: int
    scope: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class RebuildSummary:
    """What rebuilding the schedules from the log did: ``cards`` rebuilt, of which
    ``due_changed`` got another due time than the cache had (including cards the cache lacked
    and ``removed``, cached cards without any review)."""

    cards: int
    due_changed: int
    reviews: int
    removed: int = 0


# -- conversions between the storage records and the schedule's types ---------------------------


def card_state(record: CardRecord) -> CardState:
    return CardState(record.pack_id, record.question_id, record.due_ms, record.stability,
                     record.difficulty, record.state, record.step, record.last_review_ms,
                     record.reps, record.lapses, record.changed,
                     record.question_hash)  # fmt: skip


def card_record(state: CardState, updated_at: int = 0) -> CardRecord:
    return CardRecord(state.pack_id, state.question_id, state.due_ms, state.stability,
                      state.difficulty, state.state, state.step, state.last_review_ms,
                      state.reps, state.lapses, state.question_hash, state.changed,
                      updated_at)  # fmt: skip


def review_of(record: ReviewRecord) -> Review:
    return Review(record.pack_id, record.question_id, record.reviewed_at, record.rating,
                  record.response_ms, record.correct, record.question_hash)  # fmt: skip


def effective(state: CardState, current_hash: str) -> CardState:
    """The card as the question is now: flagged changed (and due) when its hash differs from
    the one last answered. A card already flagged in the cache stays as it is."""
    if state.changed or not current_hash or current_hash == state.question_hash:
        return state
    return flag_changed(state, current_hash)


# -- the catalogue ------------------------------------------------------------------------------


def build_catalogue(packs: Iterable[PackLike]) -> Catalogue:
    """The questions of ``packs`` (Pack, or LoadedPack: a validated one's checked questions;
    otherwise the quiz files are parsed here, without the deep checks). A question id seen
    twice in a pack keeps its first question."""
    items: dict[QuestionKey, QuizItem] = {}
    names: dict[str, str] = {}
    area_titles: dict[tuple[str, str], tuple[str, ...]] = {}
    problems: list[str] = []
    order = 0
    for entry in packs:
        pack, questions = _questions_of(entry)
        names[pack.id] = pack.name
        for area in pack.root_area.walk_areas():
            if area.id:
                area_titles[(pack.id, area.id)] = tuple(a.title for a in area.breadcrumb()[1:])
        reading = reading_order(pack)
        for article_id in sorted(questions, key=lambda a: (reading.get(a, len(reading)), a)):
            article = pack.articles.get(article_id)
            if article is None:
                problems.append(f"{pack.name}: the quiz of a missing article {article_id}")
                continue
            chain = pack.area_of(article).breadcrumb()[1:]
            ids, titles = tuple(a.id for a in chain), tuple(a.title for a in chain)
            for question in questions[article_id]:
                key = QuestionKey(pack.id, question.id)
                if key in items:
                    problems.append(f"{pack.name}: duplicate question id {question.id!r}")
                    continue
                items[key] = QuizItem(key, question, article_id, article.title, ids, titles,
                                      question.source_anchor, question_hash(question),
                                      order)  # fmt: skip
                order += 1
    groups: dict[tuple[str, str], _Groups] = {
        key: (item.hash, tuple((key.pack_id, area) for area in item.areas),
              (key.pack_id, item.article_id), (key.pack_id, item.source_article, item.anchor))
        for key, item in items.items()
    }  # fmt: skip
    return Catalogue(items, names, area_titles, tuple(problems), groups)


def _questions_of(entry: PackLike) -> tuple[Pack, dict[Any, list[Question]]]:
    if isinstance(entry, Pack):
        pack, loaded = entry, None
    else:
        pack, loaded = entry.pack, entry
    if loaded is not None and loaded.validated:
        return pack, loaded.questions
    questions: dict[Any, list[Question]] = {}
    for article_id, path in sorted(pack.quiz_files.items()):
        questions[article_id] = parse_quiz_file(path, article_id)[0]
    return pack, questions


def reading_order(pack: Pack) -> dict[Any, int]:
    """Each article's place in the pack's learning path (areas and articles in tree order)."""
    order: dict[Any, int] = {}
    for area in pack.root_area.walk_areas():
        if area.index_article:
            order.setdefault(area.index_article, len(order))
        for article in area.articles:
            order.setdefault(article.id, len(order))
    return order


# -- the service --------------------------------------------------------------------------------


class QuizService:
    """The quiz over the study database. ``submit`` runs a job (a function of a session) on
    the database's writer thread and returns its future; ``packs`` gives the open packs
    (Pack or LoadedPack) whenever asked. Build it with :meth:`for_study` (the app, the CLI) or
    :meth:`for_writer`."""

    def __init__(
        self,
        submit: Callable[[Job], Future[Any]],
        packs: Callable[[], Iterable[PackLike]],
        *,
        read_only: Callable[[], bool] = lambda: False,
        desired_retention: float = DEFAULT_RETENTION,
        new_per_session: int = DEFAULT_NEW_PER_SESSION,
    ) -> None:
        self._submit_job = submit
        self._packs = packs
        self._read_only = read_only
        self.desired_retention = desired_retention
        self.new_per_session = new_per_session
        self._lock = threading.Lock()
        self._catalogue: Catalogue | None = None
        self._catalogue_of: tuple[tuple[object, bool], ...] = ()

    @classmethod
    def for_study(
        cls, study: StudyService, packs: Callable[[], Iterable[PackLike]], **options: Any
    ) -> QuizService:
        """A quiz over ``study``'s database, its jobs queued with the study record's own on
        the one writer thread (open ``study`` before the first job)."""
        return cls(study.run, packs, read_only=lambda: study.read_only, **options)

    @classmethod
    def for_writer(
        cls, writer: Writer, packs: Callable[[], Iterable[PackLike]], **options: Any
    ) -> QuizService:
        return cls(writer.submit, packs,
                   read_only=lambda: writer.database.status.read_only, **options)  # fmt: skip

    def _submit(self, job: Callable[[Any], T]) -> Future[T]:
        future: Future[T] = self._submit_job(job)
        return future

    @property
    def read_only(self) -> bool:
        return self._read_only()

    # -- the questions -----------------------------------------------------------------------
    def catalogue(self) -> Catalogue:
        """The questions of the open packs, rebuilt when the packs (or their loading) change."""
        packs = list(self._packs())
        identity = tuple((entry, bool(getattr(entry, "validated", False))) for entry in packs)
        with self._lock:
            same = len(identity) == len(self._catalogue_of) and all(
                a is b and va == vb
                for (a, va), (b, vb) in zip(identity, self._catalogue_of, strict=True)
            )
            if self._catalogue is not None and same:
                return self._catalogue
        catalogue = build_catalogue(packs)
        with self._lock:
            self._catalogue, self._catalogue_of = catalogue, identity
        return catalogue

    def cached_catalogue(self) -> Catalogue | None:
        """The catalogue if it has been read for the packs open now, else None (never reads
        quiz files: safe on the UI thread)."""
        packs = list(self._packs())
        with self._lock:
            if self._catalogue is None or len(packs) != len(self._catalogue_of):
                return None
            same = all(
                a is entry and va == bool(getattr(entry, "validated", False))
                for (a, va), entry in zip(self._catalogue_of, packs, strict=True)
            )
            return self._catalogue if same else None

    def invalidate(self) -> None:
        """Forget the catalogue (a pack's files changed on disk)."""
        with self._lock:
            self._catalogue, self._catalogue_of = None, ()

    def item(self, pack_id: str, question_id: str) -> QuizItem | None:
        return self.catalogue().items.get(QuestionKey(pack_id, question_id))

    # -- what is due -------------------------------------------------------------------------
    def due_counts(self, at_ms: int | None = None) -> Future[DueCounts]:
        """How many questions are due at ``at_ms`` (default now), in all and per pack, area,
        article and section, from the cached cards."""
        from nexus_desktop.storage import repositories as repo

        catalogue, at = self.catalogue(), _now(at_ms)

        def job(session: Any) -> DueCounts:
            return count_due(catalogue, repo.card_dues(session), at)

        return self._submit(job)

    def due_totals(self, ends: list[int]) -> Future[list[int]]:
        """How many questions are due by each of ``ends`` (times in ms): the forecast, read in
        one job (the cards once, then a binary search per end)."""
        from bisect import bisect_right

        from nexus_desktop.storage import repositories as repo

        catalogue = self.catalogue()

        def job(session: Any) -> list[int]:
            groups = catalogue.groups
            times = sorted(
                _due_ms(record, groups[(record.pack_id, record.question_id)][0])
                for record in repo.card_dues(session)
                if (record.pack_id, record.question_id) in groups
            )
            return [bisect_right(times, end) for end in ends]

        return self._submit(job)

    # -- sessions ----------------------------------------------------------------------------
    def due_today(
        self, limit: int | None = None, *, new_per_session: int | None = None,
        at_ms: int | None = None,
    ) -> Future[list[QuestionKey]]:  # fmt: skip
        """A session over every open pack: the due questions (most overdue first), then up to
        ``new_per_session`` new ones in reading order; at most ``limit`` in all."""
        return self._session(lambda item: True, limit, new_per_session, at_ms)

    def for_article(
        self, pack_id: str, article_id: str, *, limit: int | None = None,
        new_per_session: int | None = None, at_ms: int | None = None,
    ) -> Future[list[QuestionKey]]:  # fmt: skip
        """The due, then new, questions of one article's quiz."""
        return self._session(
            lambda i: i.pack_id == pack_id and i.article_id == article_id,
            limit, new_per_session, at_ms,
        )  # fmt: skip

    def for_area(
        self, pack_id: str, area_id: str, *, limit: int | None = None,
        new_per_session: int | None = None, at_ms: int | None = None,
    ) -> Future[list[QuestionKey]]:  # fmt: skip
        """The due, then new, questions of an area and the areas below it (``area_id`` is
        the area's path, e.g. ``technologies/django``; ``""`` for the whole pack)."""
        area_id = area_id.strip("/")
        return self._session(
            lambda i: i.pack_id == pack_id and (not area_id or area_id in i.areas),
            limit, new_per_session, at_ms,
        )  # fmt: skip

    def for_section(
        self, pack_id: str, article_id: str, anchor: str, *, limit: int | None = None,
        new_per_session: int | None = None, at_ms: int | None = None,
    ) -> Future[list[QuestionKey]]:  # fmt: skip
        """The due, then new, questions about one section (heading ``anchor``) of an article."""
        return self._session(
            lambda i: i.pack_id == pack_id and i.source_article == article_id
            and i.anchor == anchor,
            limit, new_per_session, at_ms,
        )  # fmt: skip

    def weak_spots(
        self, limit: int = DEFAULT_WEAK_SPOTS, *, at_ms: int | None = None
    ) -> Future[list[QuestionKey]]:
        """The seen questions least likely to be recalled now (lowest FSRS retrievability
        first; more lapses first among equals), due or not."""
        from nexus_desktop.storage import repositories as repo

        catalogue, at = self.catalogue(), _now(at_ms)

        def job(session: Any) -> list[QuestionKey]:
            ranked = []
            for record in repo.cards(session):
                item = catalogue.items.get(QuestionKey(record.pack_id, record.question_id))
                if item is None:
                    continue
                state = card_state(record)
                ranked.append((retrievability(state, at), -state.lapses, item.order, item.key))
            ranked.sort()
            return [key for *_rest, key in ranked[: max(0, limit)]]

        return self._submit(job)

    def _session(
        self,
        wanted: Callable[[QuizItem], bool],
        limit: int | None,
        new_per_session: int | None,
        at_ms: int | None,
    ) -> Future[list[QuestionKey]]:
        from nexus_desktop.storage import repositories as repo

        catalogue, at = self.catalogue(), _now(at_ms)
        scope = [item for item in catalogue.items.values() if wanted(item)]
        new_cap = self.new_per_session if new_per_session is None else new_per_session

        def job(session: Any) -> list[QuestionKey]:
            cached = {(r.pack_id, r.question_id): r for r in repo.card_dues(session)}
            due: list[tuple[int, int, QuestionKey]] = []
            fresh: list[QuestionKey] = []
            for item in scope:
                record = cached.get(item.key)
                if record is None:
                    if len(fresh) < new_cap:
                        fresh.append(item.key)
                    continue
                due_ms = _due_ms(record, item.hash)
                if due_ms <= at:
                    due.append((due_ms, item.order, item.key))
            due.sort()
            keys = [key for _due, _order, key in due] + fresh
            return keys if limit is None else keys[: max(0, limit)]

        return self._submit(job)

    def retired(self) -> Future[list[CardState]]:
        """The cards of questions in the log but in no open pack (their history is kept)."""
        from nexus_desktop.storage import repositories as repo

        catalogue = self.catalogue()

        def job(session: Any) -> list[CardState]:
            return [
                card_state(record) for record in repo.cards(session)
                if (record.pack_id, record.question_id) not in catalogue.items
            ]  # fmt: skip

        return self._submit(job)

    def card(self, pack_id: str, question_id: str) -> Future[CardState | None]:
        """One question's schedule as it is now (changed flagged), or None if never answered."""
        from nexus_desktop.storage import repositories as repo

        item = self.item(pack_id, question_id)

        def job(session: Any) -> CardState | None:
            record = repo.card(session, pack_id, question_id)
            if record is None:
                return None
            state = card_state(record)
            return effective(state, item.hash) if item is not None else state

        return self._submit(job)

    # -- answering ---------------------------------------------------------------------------
    def answer(
        self,
        pack_id: str,
        question_id: str,
        rating: int,
        correct: bool,
        response_ms: int,
        at_ms: int | None = None,
        *,
        desired_retention: float | None = None,
    ) -> Future[CardState]:
        """Record an answer: one writer job appends it to the log and stores the card's new
        schedule (``study.schedule.review`` from the cached card). Returns at once; the future
        gives the new schedule. The review is logged at the card's new ``last_review_ms`` (a
        clock turned back does not reorder the log)."""
        from nexus_desktop.storage import repositories as repo

        if self.read_only:
            raise QuizError("The study database is read-only: the answer was not saved.")
        if isinstance(rating, bool) or rating not in (1, 2, 3, 4):
            raise ValueError(f"a rating is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy): {rating!r}")
        retention = self.desired_retention if desired_retention is None else desired_retention
        if not 0.0 < retention < 1.0:
            raise ValueError(f"desired retention must be between 0 and 1, not {retention}")
        item = self.item(pack_id, question_id)
        current = item.hash if item is not None else ""
        at = _now(at_ms)
        spent = max(0, int(response_ms))

        def job(session: Any) -> CardState:
            record = repo.card(session, pack_id, question_id)
            state = card_state(record) if record is not None else None
            if state is None:  # not cached: its reviews (an import) make the schedule
                logged = repo.reviews(session, pack_id, question_id)
                if logged:
                    state = replay([review_of(r) for r in logged], desired_retention=retention)
            due_at = effective(state, current).due_ms if state is not None else None
            new = review(state, rating, at, desired_retention=retention, pack_id=pack_id,
                         question_id=question_id, question_hash=current)  # fmt: skip
            logged_review = ReviewRecord("", pack_id, question_id, new.last_review_ms, rating,
                                         spent, bool(correct), current, due_at)  # fmt: skip
            repo.append_review(session, logged_review, card_record(new))
            return new

        return self._submit(job)

    # -- keeping the cache right -------------------------------------------------------------
    def rebuild_schedule(self, *, desired_retention: float | None = None) -> Future[RebuildSummary]:
        """Recompute every card by replaying the review log (with the questions' hashes now,
        so changed ones are flagged) and replace the cache, in one writer job."""
        from nexus_desktop.storage import repositories as repo

        if self.read_only:
            raise QuizError("The study database is read-only: the schedules were not rebuilt.")
        retention = self.desired_retention if desired_retention is None else desired_retention
        hashes = self.catalogue().hashes()

        def job(session: Any) -> RebuildSummary:
            before = {(r.pack_id, r.question_id): r.due_ms for r in repo.cards(session)}
            logged = repo.reviews(session)
            states = rebuild((review_of(r) for r in logged), desired_retention=retention,
                             current_hashes=hashes)  # fmt: skip
            repo.replace_cards(session, (card_record(s) for s in states.values()))
            moved = sum(1 for key, s in states.items() if before.get(key) != s.due_ms)
            removed = sum(1 for key in before if key not in states)
            return RebuildSummary(len(states), moved + removed, len(logged), removed)

        return self._submit(job)

    def sync_changes(self) -> Future[int]:
        """Store in the cache which questions changed since they were last answered (call it
        when packs are loaded): a newly changed card is flagged and made due; a flagged card
        whose question is back as it was is replayed from its reviews. Returns how many cards
        were updated."""
        from nexus_desktop.storage import repositories as repo

        if self.read_only:
            raise QuizError("The study database is read-only.")
        catalogue, retention = self.catalogue(), self.desired_retention

        def job(session: Any) -> int:
            updated: list[CardRecord] = []
            for record in repo.cards(session):
                item = catalogue.items.get(QuestionKey(record.pack_id, record.question_id))
                if item is None:
                    continue
                state = card_state(record)
                if not state.changed:
                    flagged = effective(state, item.hash)
                    if flagged.changed:
                        updated.append(card_record(flagged))
                elif not item.hash or item.hash == state.question_hash:
                    logged = repo.reviews(session, record.pack_id, record.question_id)
                    if logged:
                        again = replay(
                            [review_of(r) for r in logged],
                            desired_retention=retention,
                            current_hash=item.hash,
                        )
                        updated.append(card_record(again))  # fmt: skip
            return repo.save_cards(session, updated)

        return self._submit(job)

    # -- statistics --------------------------------------------------------------------------
    def stats(
        self,
        at_ms: int | None = None,
        *,
        days: int = STATS_DAYS,
        offset_ms: int = 0,
        scope: tuple[str, str] | None = None,
    ) -> Future[QuizStats]:
        """The statistics (see :class:`QuizStats` and :class:`QuizFigures`) at ``at_ms``
        (default now) over the last ``days`` days. Days are UTC days, or local ones with the
        learner's UTC offset as ``offset_ms``. ``scope`` (pack id, area id; ``""`` for the
        whole pack) narrows the days and the streak."""
        from nexus_desktop.storage import repositories as repo

        if days < 1:
            raise ValueError("days must be at least 1")
        catalogue, at = self.catalogue(), _now(at_ms)
        today = (at + offset_ms) // DAY_MS
        since = (today - days + 1) * DAY_MS - offset_ms
        scoped_ids: list[str] | None = None
        if scope is not None and scope[1]:
            scoped_ids = [
                item.key.question_id for item in catalogue.items.values()
                if item.pack_id == scope[0] and scope[1].strip("/") in item.areas
            ]  # fmt: skip

        def job(session: Any) -> QuizStats:
            cached = repo.cards(session)
            totals = repo.review_totals(session, since)
            per_day = repo.review_days(
                session, since, offset_ms=offset_ms,
                pack_id=scope[0] if scope is not None else None, question_ids=scoped_ids,
            )  # fmt: skip
            return make_stats(catalogue, cached, totals, per_day, at, since, offset_ms, scope)

        return self._submit(job)


# -- the figures, from the cached cards (pure functions, tested directly) -----------------------


def _now(at_ms: int | None) -> int:
    return now_ms() if at_ms is None else at_ms


def _flagged(record: CardDue | CardRecord, current_hash: str) -> tuple[int, bool]:
    """(due time, changed) of a cached card as the question is now (see ``effective``)."""
    if record.changed or not current_hash or current_hash == record.question_hash:
        return record.due_ms, record.changed
    # flag_changed reads only the due and last review times, the hash and the flag.
    probe = CardState(record.pack_id, record.question_id, record.due_ms, 0.0, 0.0, "Review",
                      None, record.last_review_ms, 0, 0, False,
                      record.question_hash)  # fmt: skip
    flagged = flag_changed(probe, current_hash)
    return flagged.due_ms, flagged.changed


def _due_ms(record: CardDue | CardRecord, current_hash: str) -> int:
    return _flagged(record, current_hash)[0]


def count_due(catalogue: Catalogue, cached: Iterable[CardDue], at_ms: int) -> DueCounts:
    """:class:`DueCounts` of the catalogue's questions at ``at_ms`` from the cached cards."""
    groups = catalogue.groups
    due: list[_Groups] = []
    seen = changed = 0
    for pack, question, due_ms, last_review_ms, cached_hash, flagged in cached:
        group = groups.get((pack, question))
        if group is None:
            continue  # retired
        seen += 1
        current = group[0]
        if flagged or not current or current == cached_hash:
            if due_ms <= at_ms:
                due.append(group)
                changed += flagged
            continue
        record = CardDue(pack, question, due_ms, last_review_ms, cached_hash, flagged)
        due_ms, flagged = _flagged(record, current)
        if due_ms <= at_ms:
            due.append(group)
            changed += flagged
    by_area = Counter(area for group in due for area in group[1])
    by_article = Counter(group[2] for group in due)
    by_section = Counter(group[3] for group in due)
    by_pack = Counter(group[2][0] for group in due)
    return DueCounts(at_ms, len(due), len(groups) - seen, seen, changed, dict(by_pack),
                     dict(by_area), dict(by_article), dict(by_section))  # fmt: skip


class _Tally:
    __slots__ = ("questions", "seen", "due_now", "due_7d", "due_30d", "reviews", "due_reviews",
                 "due_correct", "time_ms", "recall")  # fmt: skip

    def __init__(self) -> None:
        self.questions = self.seen = self.due_now = self.due_7d = self.due_30d = 0
        self.reviews = self.due_reviews = self.due_correct = self.time_ms = 0
        self.recall = 0.0

    def add_totals(self, totals: ReviewTotals) -> None:
        self.reviews += totals.reviews
        self.due_reviews += totals.due_reviews
        self.due_correct += totals.due_correct
        self.time_ms += totals.response_ms

    def figures(self) -> QuizFigures:
        return QuizFigures(
            questions=self.questions, seen=self.seen, new=self.questions - self.seen,
            due_now=self.due_now, due_7d=self.due_7d, due_30d=self.due_30d,
            reviews=self.reviews, due_reviews=self.due_reviews, due_correct=self.due_correct,
            time_ms=self.time_ms,
            retention=self.due_correct / self.due_reviews if self.due_reviews else None,
            mastery=self.recall / self.seen if self.seen else None,
        )  # fmt: skip


def make_stats(
    catalogue: Catalogue,
    cached: Iterable[CardRecord],
    totals: Iterable[ReviewTotals],
    per_day: dict[str, int],
    at_ms: int,
    since_ms: int,
    offset_ms: int = 0,
    scope: tuple[str, str] | None = None,
) -> QuizStats:
    """:class:`QuizStats` from the cached cards, the log's totals per question and its
    answers per day."""
    overall = _Tally()
    packs: dict[str, _Tally] = {}
    areas: dict[tuple[str, str], _Tally] = {}

    def tallies(item: QuizItem) -> list[_Tally]:
        pack = item.pack_id
        found = [overall, packs.setdefault(pack, _Tally())]
        found.extend(areas.setdefault((pack, area), _Tally()) for area in item.areas)
        return found

    groups = {key: tallies(item) for key, item in catalogue.items.items()}
    for each in groups.values():
        for tally in each:
            tally.questions += 1
    week, month = at_ms + 7 * DAY_MS, at_ms + 30 * DAY_MS
    for record in cached:
        key = QuestionKey(record.pack_id, record.question_id)
        item = catalogue.items.get(key)
        if item is None:
            continue
        due_ms = _due_ms(record, item.hash)
        recall = retrievability(card_state(record), at_ms)
        for tally in groups[key]:
            tally.seen += 1
            tally.recall += recall
            if due_ms <= at_ms:
                tally.due_now += 1
            elif due_ms <= month:
                tally.due_30d += 1
                tally.due_7d += due_ms <= week
    for row in totals:
        key = QuestionKey(row.pack_id, row.question_id)
        for tally in groups.get(key, [overall]):
            tally.add_totals(row)
    return QuizStats(
        at_ms=at_ms,
        since_ms=since_ms,
        overall=overall.figures(),
        by_pack={pack: tally.figures() for pack, tally in packs.items()},
        by_area={area: tally.figures() for area, tally in areas.items()},
        days=per_day,
        streak=streak(per_day, at_ms, offset_ms),
        scope=scope,
    )


def streak(per_day: dict[str, int], at_ms: int, offset_ms: int = 0) -> int:
    """Consecutive days with at least one answer up to today, or up to yesterday when there
    is none yet today (the streak is not broken before the day is over)."""
    from datetime import date, timedelta

    today = date(1970, 1, 1) + timedelta(days=(at_ms + offset_ms) // DAY_MS)
    day = today if per_day.get(today.isoformat()) else today - timedelta(days=1)
    count = 0
    while per_day.get(day.isoformat()):
        count += 1
        day -= timedelta(days=1)
    return count
