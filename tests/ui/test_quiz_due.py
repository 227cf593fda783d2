"""Quiz questions due: counted off the UI thread and shown beside areas and articles."""

from __future__ import annotations

import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.conftest import write
from tests.ui.conftest import WindowFactory

QUIZ = """\
- id: second-1
  type: true-false
  prompt: The second article has a Details section.
  answer: true
  explanation: It does.
  source: basics/second#details
- id: second-2
  type: recall
  prompt: What does the second article link back to?
  answer: The first article.
  explanation: See the last line.
  source: basics/second#details
"""


def test_due_questions_show_beside_their_area_and_article(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    write(sample_pack, "basics/second.quiz.yaml", QUIZ)
    window = make_window(sample_pack)
    quiz = window.quiz
    qtbot.waitUntil(lambda: window.quiz_due.counts is not None, timeout=10_000)
    assert window.quiz_due.counts.total == 0  # never answered: new, not due
    week_ago = int(time.time() * 1000) - 7 * 24 * 3600 * 1000
    quiz.answer("sample", "second-1", 1, False, 4000, at_ms=week_ago).result()  # Again
    with qtbot.waitSignal(window.quiz_due.counts_changed, timeout=10_000) as shown:
        window.quiz_due.refresh()
    counts = shown.args[0]
    assert counts.total == 1 and counts.by_area[("sample", "basics")] == 1
    model = window.model
    area = model.index_for_key("sample:basics")
    assert area.data().endswith("· 1 due")
    article = model.index_for_key("sample:basics/second")
    assert article.data() == "Second article  · 1 due"
    assert model.index_for_key("sample:basics/first").data() == "First article"


def test_the_outline_says_which_sections_have_questions(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    from tests.ui.test_study_ui import open_article

    write(sample_pack, "basics/second.quiz.yaml", QUIZ)
    window = make_window(sample_pack)
    qtbot.waitUntil(lambda: window.quiz_due.counts is not None, timeout=10_000)
    open_article(qtbot, window, "basics/second")
    qtbot.waitUntil(lambda: window.outline.topLevelItemCount() > 0, timeout=5000)
    item = window.outline.topLevelItem(0)
    assert item.text(0) == "Details  · 2 Q"
    assert "2 quiz questions on this section" in item.toolTip(0)
    open_article(qtbot, window, "basics/first")  # no quiz: plain headings
    assert all(" · " not in window.outline.topLevelItem(i).text(0)
               for i in range(window.outline.topLevelItemCount()))  # fmt: skip
