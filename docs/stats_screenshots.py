"""Screenshots of Quiz → Statistics over the built-in content with ~200 days of made-up study.

Run offscreen: ``QT_QPA_PLATFORM=offscreen .venv/bin/python docs/stats_screenshots.py [OUT]``.
A temporary data folder gets a synthetic review history, answered through
``QuizService.answer`` with past times (a learner who studies most days, meets a few new
questions a day, answers right about 85% of the time and took a week off); then the statistics
dialog is grabbed in the light and the dark theme: ``OUT/stats-light.png``, ``stats-dark.png``,
and the whole scrolled content as ``stats-light-full.png`` / ``stats-dark-full.png``; before
the history is made, the empty state as ``stats-empty.png`` (``OUT`` is /tmp/stats-shots by
default).
"""

from __future__ import annotations

import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from nexus_desktop.app import create_application, create_main_window
from nexus_desktop.paths import app_paths
from nexus_desktop.services.quiz import QuestionKey, QuizService
from nexus_desktop.storage.records import now_ms
from nexus_desktop.study.schedule import DAY_MS
from nexus_desktop.ui import stats

OUT = Path("/tmp/stats-shots")
HISTORY_DAYS = 200
HOUR_MS = 3_600_000
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


def wait_until(done: Callable[[], bool], timeout_ms: int = 60_000) -> None:
    loop = QEventLoop()
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: loop.quit() if done() else None)
    QTimer.singleShot(timeout_ms, loop.quit)
    timer.start()
    loop.exec()
    timer.stop()
    if not done():
        raise TimeoutError("gave up waiting")


def make_history(quiz: QuizService, now: int, seed: int = 7) -> int:
    """Answer questions over the last ``HISTORY_DAYS`` days; returns how many answers."""
    rng = random.Random(seed)
    keys = list(quiz.catalogue().items)
    fresh = iter(keys)
    due: dict[QuestionKey, int] = {}  # key -> due time
    answers = 0
    today = now // DAY_MS
    holiday = range(today - 95, today - 87)
    for day in range(today - HISTORY_DAYS + 1, today + 1):
        weekend = (day + 3) % 7 >= 5  # 1970-01-01 was a Thursday
        skip = 0.35 if weekend else 0.1
        if day in holiday or (day < today - 12 and rng.random() < skip):
            continue
        clock = day * DAY_MS + rng.choice((7, 8, 12, 18, 19, 20, 21)) * HOUR_MS
        if day == today:
            clock = min(clock, now - 2 * HOUR_MS)
        clock += rng.randrange(0, 50) * 60_000
        new_today = rng.choice((0, 1, 2, 3, 3, 4, 5, 6)) if not weekend else rng.choice((0, 2))
        for _ in range(new_today):
            key = next(fresh, None)
            if key is not None:
                due[key] = clock
        for _pass in range(3):  # the due ones, then the relearning steps come back
            session = sorted((when, key) for key, when in due.items() if when <= clock)
            if not session:
                break
            futures = []
            for _when, key in session:
                right = rng.random() < 0.86
                ratings = rng.choices((HARD, GOOD, EASY), (0.15, 0.72, 0.13))
                rating = ratings[0] if right else AGAIN
                spent = int(rng.lognormvariate(9.3, 0.5))  # ~11 s, sometimes a minute
                clock += spent + 1500
                futures.append(
                    (key, quiz.answer(key.pack_id, key.question_id, rating, right, spent, clock))
                )
            for key, future in futures:
                due[key] = future.result().due_ms
                answers += 1
            clock += 10 * 60_000
    return answers


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    with tempfile.TemporaryDirectory() as data:
        window = create_main_window(paths=app_paths(data), content=[], builtin=True)
        window.resize(1200, 800)
        window.show()
        loaded: list[bool] = []
        window.packs_loaded.connect(lambda: loaded.append(True))
        window.load_sources(window.pack_sources())
        wait_until(lambda: bool(loaded))
        assert window.study is not None
        quiz = QuizService.for_study(window.study, lambda: window.library.packs)
        feature = stats.install(window, quiz)
        dialog = feature.show()
        wait_until(lambda: not dialog.loading)
        app.processEvents()
        dialog.grab().save(str(out / "stats-empty.png"))  # before any answer
        now = now_ms()
        count = make_history(quiz, now)
        print(f"{len(quiz.catalogue().items)} questions; {count} answers made up")
        for theme in ("light", "dark"):
            window.actions_by_name["dark_theme"].setChecked(theme == "dark")
            dialog.refresh()
            wait_until(lambda: not dialog.loading)
            app.processEvents()
            dialog.grab().save(str(out / f"stats-{theme}.png"))
            content = dialog.scroll_area.widget()
            assert content is not None
            content.grab().save(str(out / f"stats-{theme}-full.png"))
            print(f"wrote {out / f'stats-{theme}.png'}")
        dialog.close()
        window.close()
        window.close_study()
        window.pool.waitForDone()
    return 0


if __name__ == "__main__":
    sys.exit(main())
