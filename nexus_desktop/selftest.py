"""``nexus-desktop --self-test``: check that an installed or frozen app works, as a user would.

It opens the main window (offscreen unless ``QT_QPA_PLATFORM`` says otherwise) over a fresh
data folder in a temporary directory, loads the built-in hub, checks that an article is shown
and that one with code renders, searches, saves a note in the study database and reads it
back, and answers a quiz question. It prints one line and exits 0, or names the step that
failed and exits 1. The installers' tests and the release workflow run it on every build.

The Qt objects are reached through ``nexus_desktop.app`` (only ``ui/`` and ``app.py`` import
the Qt binding): waiting is done by polling with ``processEvents``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BUILTIN_PACK_ID = "project-nexus"
SEARCH_QUERY = "celery retry"
TIMEOUT_S = 120.0  # generous: a cold start of a frozen app on a slow CI runner


class SelfTestError(Exception):
    """A step of the self-test failed; the message says why."""


class _Steps:
    def __init__(self) -> None:
        self.current = "start"
        self.done: list[str] = []

    def begin(self, name: str) -> None:
        self.current = name

    def passed(self, summary: str) -> None:
        self.done.append(summary)


def _wait(app: Any, condition: Callable[[], bool], what: str, timeout: float = TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SelfTestError(f"timed out after {timeout:.0f} s waiting for {what}")
        app.processEvents()
        time.sleep(0.005)


def _exposed(window: Any) -> bool:
    handle = window.windowHandle()
    return bool(window.isVisible() and handle is not None and handle.isExposed())


def _check_files() -> str:
    from nexus_desktop.paths import (
        builtin_content_dir,
        builtin_search_seed,
        resources_dir,
        source_checkout,
    )
    from nexus_desktop.storage.database import MIGRATIONS

    missing = []
    content = builtin_content_dir()
    if not (content / "nexus-pack.toml").is_file():
        missing.append(f"the built-in hub ({content})")
    icons = resources_dir() / "icons"
    if not (icons / "back.png").is_file():
        missing.append(f"the icons ({icons})")
    if not any((MIGRATIONS / "versions").glob("*.py")):
        missing.append(f"the database migrations ({MIGRATIONS})")
    seed = builtin_search_seed()
    has_seed = (seed / "meta.json").is_file()
    if not has_seed and not source_checkout():  # a checkout builds it with `make run`
        missing.append(f"the prebuilt search index ({seed})")
    if missing:
        raise SelfTestError("missing: " + "; ".join(missing))
    return "files" if has_seed else "files (no search seed: a source checkout)"


def _code_article(library: Any) -> tuple[Any, bool]:
    """An article of the built-in hub to render, preferably one with a fenced code block and
    an admonition (Pygments and pymdownx at work); and whether it has code."""
    from nexus_desktop.services.refs import ArticleRef

    pack = library.pack(BUILTIN_PACK_ID)
    fallback: tuple[Any, bool] | None = None
    for article in pack.articles.values():
        try:
            text = article.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        ref = ArticleRef(pack.id, article.id)
        if "\n```" in text and "\n!!! " in text:
            return ref, True
        if fallback is None or (not fallback[1] and "\n```" in text):
            fallback = (ref, "\n```" in text)
    if fallback is None:
        raise SelfTestError("the built-in hub has no readable article")
    return fallback


def _run(steps: _Steps, data_root: Path) -> None:
    steps.begin("files")
    steps.passed(_check_files())

    steps.begin("window")
    from nexus_desktop.app import create_application, create_main_window
    from nexus_desktop.paths import app_paths

    app = create_application()
    window = create_main_window(paths=app_paths(data_root), builtin=True)
    try:
        _exercise(steps, app, window)
    finally:
        window.cancel_loading()
        window.close_study()
        window.pool.waitForDone(20_000)
        window.close()
        window.deleteLater()
        app.processEvents()


def _exercise(steps: _Steps, app: Any, window: Any) -> None:
    events: dict[str, bool] = {}
    window.packs_loaded.connect(lambda: events.setdefault("loaded", True))
    window.search_ready.connect(lambda pack_id: events.setdefault(f"indexed:{pack_id}", True))
    window.show()
    window.load_sources(window.pack_sources())
    _wait(app, lambda: _exposed(window), "the window to be shown")
    steps.passed("window")

    steps.begin("content")
    _wait(app, lambda: "loaded" in events, "the built-in hub to load")
    pack = window.library.pack(BUILTIN_PACK_ID)
    if pack is None:
        status = window.statusBar().currentMessage()
        raise SelfTestError(f"the built-in hub did not open ({status or 'no message'})")
    articles = sum(1 for a in pack.articles.values() if not a.is_index)
    if articles == 0:
        raise SelfTestError("the built-in hub has no articles")
    steps.passed(f"content ({articles} articles)")

    steps.begin("article")
    _wait(
        app,
        lambda: window.current is not None and window.reader.toPlainText().strip() != "",
        "the first article to be shown",
    )
    ref, has_code = _code_article(window.library)
    rendered = window.library.render(ref, window.theme)
    if rendered.notice or not rendered.html or (has_code and "<pre" not in rendered.html):
        raise SelfTestError(f"{ref.article_id} did not render: {rendered.notice or 'no code'}")
    steps.passed("article")

    steps.begin("search")
    _wait(app, lambda: f"indexed:{BUILTIN_PACK_ID}" in events, "the search index")
    results = window.search_service.search(SEARCH_QUERY, window.library.packs)
    if not results.hits:
        raise SelfTestError(f"no results for {SEARCH_QUERY!r} ({'; '.join(results.notices)})")
    steps.passed(f"search ({len(results.hits)} hits)")

    steps.begin("study database")
    study = window.study
    if study is None:
        status = window.statusBar().currentMessage()
        raise SelfTestError(f"the study database did not open ({status or 'no message'})")
    body = f"Self-test note {time.time_ns()}"
    study.save_note(ref.pack_id, ref.article_id, body).result(timeout=30)
    note = study.note(ref.pack_id, ref.article_id).result(timeout=30)
    if note is None or note.body != body:
        raise SelfTestError("the note saved was not read back")
    steps.passed("study database")

    steps.begin("quiz")
    from nexus_desktop.services.quiz import QuizService

    quiz = QuizService.for_study(study, lambda: window.library.packs)
    items = list(quiz.catalogue().items.values())
    if not items:
        raise SelfTestError("the built-in hub has no quiz questions")
    item = items[0]
    quiz.answer(item.pack_id, item.key.question_id, 3, True, 1500).result(timeout=30)
    card = quiz.card(item.pack_id, item.key.question_id).result(timeout=30)
    if card is None or card.reps < 1:
        raise SelfTestError("the answer was not recorded")
    steps.passed(f"quiz ({len(items)} questions)")


def run_self_test() -> int:
    """Run every step; print one line; return the exit code."""
    from nexus_desktop import __version__

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    steps = _Steps()
    with tempfile.TemporaryDirectory(prefix="nexus-self-test-", ignore_cleanup_errors=True) as tmp:
        try:
            _run(steps, Path(tmp))
        except SelfTestError as exc:
            print(f"nexus-desktop self-test: FAILED at step '{steps.current}': {exc}",
                  file=sys.stderr)  # fmt: skip
            return 1
        except Exception as exc:  # noqa: BLE001 - any error is this step's failure, named
            print(
                f"nexus-desktop self-test: FAILED at step '{steps.current}': "
                f"{type(exc).__name__}: {exc}",
                file=sys.stderr,
            )
            return 1
    elapsed = time.perf_counter() - started
    print(f"nexus-desktop {__version__} self-test: ok in {elapsed:.1f} s: {', '.join(steps.done)}")
    return 0
