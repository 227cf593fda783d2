"""The quiz with 10,000 cards and 100,000 reviews in the study database.

- Due counts (total, per pack, area, article and section) from the cached cards, and building
  a "due today" session: medians against the 100 ms target; baseline in the same run: a bare
  sqlite3 ``SELECT pack_id, count(*) FROM cards WHERE due_ms <= ? GROUP BY pack_id`` and a bare
  fetch of every card's key and due time (what the service must read to count per area).
- ``answer()``: the time on the calling thread (it returns a future) against the writer
  finishing the job (log row appended + card updated, one transaction, synchronous=FULL).
- For information: building the question catalogue (10,000 questions parsed from quiz files),
  rebuilding every schedule by replaying the log, weak spots and the statistics.

The questions live in a synthetic pack on disk (10 areas x 10 articles x 100 questions); the
log is written through the repositories, the cards by rebuilding them from it.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, median

AREAS, ARTICLES, QUESTIONS = 10, 10, 100  # per pack, per area, per article: 10,000 questions
REVIEWS_PER_CARD = 10
RUNS = 30
TARGET_MS = 100.0
DAY_MS = 86_400_000


def make_pack(root: Path) -> None:
    root.mkdir(parents=True)
    (root / "nexus-pack.toml").write_text('[pack]\nid = "bench"\nname = "Bench"\n')
    for a in range(AREAS):
        area = root / f"area-{a}"
        area.mkdir(parents=True)
        (area / "_index.md").write_text(f"---\ntitle: Area {a}\norder: {a}\n---\nArea {a}.\n")
        for b in range(ARTICLES):
            name = f"article-{b}"
            body = "\n\n".join(f"## Section {s}\n\nText of section {s}." for s in range(5))
            (area / f"{name}.md").write_text(f"---\ntitle: Article {a}.{b}\n---\n\n{body}\n")
            items = []
            for q in range(QUESTIONS):
                items.append(
                    f"- id: q-{a}-{b}-{q}\n  type: recall\n  prompt: Question {q} of {a}.{b}?\n"
                    f"  answer: Answer {q}.\n  explanation: Because.\n"
                    f"  source: area-{a}/{name}#section-{q % 5}\n"
                )
            (area / f"{name}.quiz.yaml").write_text("".join(items))


def main() -> dict[str, float]:
    sys.path.insert(0, str(REPO))
    from nexus_desktop.knowledge.loader import load_pack
    from nexus_desktop.services.quiz import QuizService
    from nexus_desktop.services.study import StudyService
    from nexus_desktop.storage import repositories as repo
    from nexus_desktop.storage.records import ReviewRecord, now_ms

    with tempfile.TemporaryDirectory(prefix="nexus-bench-quiz-") as tmp:
        work = Path(tmp)
        make_pack(work / "pack")
        pack = load_pack(work / "pack")
        study = StudyService(work / "data")
        study.open()
        quiz = QuizService.for_study(study, lambda: [pack])
        start = time.perf_counter()
        catalogue = quiz.catalogue()
        catalogue_s = time.perf_counter() - start
        assert len(catalogue.items) == AREAS * ARTICLES * QUESTIONS

        # 100,000 reviews: ten per question, spread over the last year, mostly right.
        now = now_ms()
        rng = random.Random(11)
        rows = []
        for key in catalogue.items:
            at = now - rng.randrange(200, 365) * DAY_MS
            for _ in range(REVIEWS_PER_CARD):
                rating = rng.choices((1, 2, 3, 4), weights=(12, 10, 60, 18))[0]
                rows.append(ReviewRecord("", key.pack_id, key.question_id, at, rating,
                                         rng.randrange(2000, 30000), rating > 1))  # fmt: skip
                at += rng.randrange(1, 25) * DAY_MS
        with study.database.session() as session:
            repo.insert_reviews(session, rows)
        start = time.perf_counter()
        rebuilt = quiz.rebuild_schedule().result()
        rebuild_s = time.perf_counter() - start

        def timed(action: object, runs: int = RUNS) -> list[float]:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                action()  # type: ignore[operator]
                times.append(time.perf_counter() - started)
            return times

        counts = quiz.due_counts(now).result()
        due = timed(lambda: quiz.due_counts(now).result())
        session_keys = quiz.due_today(at_ms=now).result()
        today = timed(lambda: quiz.due_today(at_ms=now).result())
        weak = timed(lambda: quiz.weak_spots(at_ms=now).result(), 10)
        stats = timed(lambda: quiz.stats(now).result(), 5)

        raw = sqlite3.connect(work / "data" / "nexus.sqlite3")
        group_sql = "SELECT pack_id, count(*) FROM cards WHERE due_ms <= ? GROUP BY pack_id"
        raw_count = raw.execute(group_sql, (now,)).fetchall()
        base = timed(lambda: raw.execute(group_sql, (now,)).fetchall())
        fetch_sql = "SELECT pack_id, question_id, due_ms, question_hash, changed FROM cards"
        fetch = timed(lambda: raw.execute(fetch_sql).fetchall())
        raw.close()

        submitted, finished = [], []
        keys = list(catalogue.items)[:50]
        for key in keys:
            started = time.perf_counter()
            future = quiz.answer(key.pack_id, key.question_id, 3, True, 4000, at_ms=now)
            submitted.append(time.perf_counter() - started)
            future.result()
            finished.append(time.perf_counter() - started)
        study.close()

    assert raw_count == [("bench", counts.total)]
    due_ms, today_ms = median(due) * 1000, median(today) * 1000
    print(f"quiz (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(
        f"  {rebuilt.cards:,} cards, {rebuilt.reviews:,} reviews; {counts.total:,} due now, "
        f"{len(session_keys):,} in today's session (the due ones, then up to 10 new)"
    )
    print(
        f"  due counts (total, per pack/area/article/section): median {due_ms:.1f} ms, best "
        f"{min(due) * 1000:.1f} ms (target < {TARGET_MS:.0f} ms); bare sqlite3 GROUP BY count: "
        f"{median(base) * 1000:.1f} ms; bare fetch of every card's key and due time: "
        f"{median(fetch) * 1000:.1f} ms"
    )
    print(
        f"  'due today' session built: median {today_ms:.1f} ms, best {min(today) * 1000:.1f} ms "
        f"(target < {TARGET_MS:.0f} ms)"
    )
    print(
        f"  answer(): {median(submitted) * 1000:.3f} ms on the calling thread (a future); "
        f"{median(finished) * 1000:.1f} ms until the writer committed log row + card"
    )
    print(
        f"  for information: catalogue of {len(catalogue.items):,} questions "
        f"{catalogue_s * 1000:.0f} ms; rebuild from the log {rebuild_s:.1f} s; weak spots "
        f"{median(weak) * 1000:.0f} ms; statistics {median(stats) * 1000:.0f} ms"
    )
    return {"due_counts_ms": due_ms, "due_today_ms": today_ms,
            "answer_submit_ms": median(submitted) * 1000}  # fmt: skip


if __name__ == "__main__":
    main()
