"""Quiz → Statistics in the window: answers recorded at fixed times over several days show as
the headline figures, the activity heatmap (its description, its cells under the pointer), the
per-area table and the plain-text copy; with no answers, the dialog says where the figures
will come from and still counts the questions there."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from nexus_desktop.services.quiz import QuizService
from nexus_desktop.ui import stats
from nexus_desktop.ui.main_window import MainWindow
from nexus_desktop.ui.stats import StatsDialog, StatsFeature
from tests.conftest import write
from tests.ui.conftest import WindowFactory

PACK = "sample"
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
T0 = int(datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp() * 1000)  # a Monday, 09:00 UTC
NOW = T0 + 4 * DAY_MS + 3 * HOUR_MS  # Friday 6 March, 12:00
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4

FIRST_QUIZ = """\
- id: s-01
  type: true-false
  prompt: The first article has an overview section.
  answer: true
  explanation: It has one, after the intro.
  source: basics/first#overview
- id: s-02
  type: single
  prompt: Which section of the first article comes last?
  choices: [Overview, Deep section]
  answer: Deep section
  explanation: The deep section ends it.
  source: basics/first#deep-section
"""
SECOND_QUIZ = """\
- id: s-03
  type: recall
  prompt: Where does the second article link back to?
  answer: To the first article.
  explanation: Its details section links to it.
  source: basics/second#details
"""
TOPIC_QUIZ = """\
- id: a-01
  type: true-false
  prompt: The advanced topic has front matter.
  answer: false
  explanation: It starts with a heading.
  source: advanced/topic#advanced-topic
"""


@pytest.fixture
def quiz_pack(sample_pack: Path) -> Path:
    """The sample pack with four questions: three in Basics, one in the advanced area."""
    write(sample_pack, "basics/first.quiz.yaml", FIRST_QUIZ)
    write(sample_pack, "basics/second.quiz.yaml", SECOND_QUIZ)
    write(sample_pack, "advanced/topic.quiz.yaml", TOPIC_QUIZ)
    return sample_pack


def quiz_of(window: MainWindow) -> QuizService:
    assert window.study is not None
    return QuizService.for_study(window.study, lambda: window.library.packs)


def at(day: int, hour: int, minute: int = 0) -> int:
    """``day`` days after 2 March 2026, at ``hour``:``minute`` UTC."""
    return T0 - 9 * HOUR_MS + day * DAY_MS + hour * HOUR_MS + minute * 60_000


def answer_over_days(quiz: QuizService) -> None:
    """Nine answers over five days (none on the 4th): 4 on Mon 2, 2 on Tue 3, 2 on Thu 5, 1
    on Fri 6 March. s-01 and s-03 are always right; s-02 wrong, right, wrong, right."""
    log = [
        ("s-01", GOOD, True, at(0, 9)),
        ("s-02", AGAIN, False, at(0, 9, 1)),
        ("s-03", GOOD, True, at(0, 9, 2)),
        ("s-02", GOOD, True, at(0, 9, 30)),  # its relearning step is due: a due review
        ("s-01", GOOD, True, at(1, 10)),
        ("s-02", AGAIN, False, at(1, 10, 1)),
        ("s-03", GOOD, True, at(3, 18)),
        ("s-02", GOOD, True, at(3, 18, 5)),
        ("s-02", GOOD, True, at(4, 10)),
    ]
    for question, rating, right, when in log:
        quiz.answer(PACK, question, rating, right, 6000, at_ms=when).result()


def open_dialog(qtbot: QtBot, window: MainWindow, quiz: QuizService) -> StatsDialog:
    feature = StatsFeature(quiz, window.relay, window, clock=lambda: NOW, offset_ms=0)
    dialog = feature.show()
    qtbot.waitUntil(lambda: dialog.view is not None and not dialog.loading, timeout=10_000)
    return dialog


def test_the_dialog_shows_the_figures_of_answers_over_several_days(
    qtbot: QtBot, make_window: WindowFactory, quiz_pack: Path
) -> None:
    window = make_window(quiz_pack)
    quiz = quiz_of(window)
    answer_over_days(quiz)
    dialog = open_dialog(qtbot, window, quiz)
    assert dialog.isVisible() and not dialog.isModal()
    assert not dialog.message.isVisible()  # not the empty state
    assert dialog.figure_text("seen") == "3 / 4"
    assert dialog.figure_text("due_now") == "0"
    assert dialog.figure_text("due_7d") == "2"
    assert dialog.figure_text("due_30d") == "3"
    # Due reviews: s-02 at 09:30 (right), s-01 and s-02 on day 1 (right, wrong), s-03 and
    # s-02 on day 3 and s-02 on day 4 (right): 5 of 6. First sightings do not count.
    assert dialog.figure_text("retention") == "83%"
    assert dialog.figures["retention"].accessibleDescription() == "83% 5 of 6 right when due"
    assert dialog.figure_text("streak") == "2"  # Thursday and Friday; nothing on Wednesday
    assert dialog.figure_text("time") == "54 s"  # nine answers of 6 s
    mastery = dialog.figure_text("mastery")
    assert mastery.endswith("%") and 50 <= int(mastery[:-1]) <= 100
    assert dialog.status.text().startswith("Updated at")

    heatmap = dialog.heatmap
    assert heatmap.accessibleName()
    assert heatmap.accessibleDescription() == (
        "9 reviews in the last year, on 4 days; most on 2 March 2026: 4; current streak 2 days."
    )
    assert "busiest day 2 March 2026: 4" in dialog.activity_summary.text()
    forecast = dialog.forecast
    assert forecast.accessibleDescription() == (
        "Questions due each day for the next 30 days: fewer than one a day; today 0 (0 due now); "
        "busiest day tomorrow: 1. Day by day: tomorrow: 1, 10 March 2026: 1, 19 March 2026: 1."
    )
    assert sum(forecast.forecast) == 3 and len(forecast.forecast) == 30
    assert forecast.bar_at(forecast.point_for(date(2026, 3, 6))) == (date(2026, 3, 6), 0)
    assert sum(forecast.forecast[1:8]) == 2  # the "next 7 days" figure, day by day


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # tooltips, offscreen
def test_the_heatmap_hit_test_and_tooltips_give_each_days_date_and_count(
    qtbot: QtBot, make_window: WindowFactory, quiz_pack: Path
) -> None:
    window = make_window(quiz_pack)
    quiz = quiz_of(window)
    answer_over_days(quiz)
    dialog = open_dialog(qtbot, window, quiz)
    heatmap = dialog.heatmap
    assert heatmap.today == date(2026, 3, 6) and heatmap.first == date(2025, 3, 7)
    for day, count in ((date(2026, 3, 2), 4), (date(2026, 3, 3), 2), (date(2026, 3, 4), 0),
                       (date(2026, 3, 6), 1), (date(2025, 3, 7), 0)):  # fmt: skip
        point = heatmap.point_for(day)
        assert heatmap.cell_at(point) == (day, count)
        assert heatmap.rect().contains(point)
    # Monday 2 March is on the top row, Friday 6 March (today) on the fifth, same column.
    monday, friday = heatmap.point_for(date(2026, 3, 2)), heatmap.point_for(date(2026, 3, 6))
    assert monday.x() == friday.x() and friday.y() > monday.y()
    assert heatmap.point_for(date(2026, 2, 23)).x() < monday.x()  # the week before: left
    # Off the grid, and the days after today in this week's column, are nothing.
    assert heatmap.cell_at(QPoint(1, 1)) is None
    saturday = QPoint(friday.x(), friday.y() + (friday.y() - monday.y()) // 4)
    assert heatmap.cell_at(saturday) is None
    with pytest.raises(ValueError):
        heatmap.point_for(date(2026, 3, 7))
    assert heatmap.tip_for(date(2026, 3, 2), 4) == "Mon 2 March 2026: 4 reviews"
    assert heatmap.tip_for(date(2026, 3, 6), 1) == "Today, Fri 6 March 2026: 1 review"
    assert heatmap.tip_for(date(2026, 3, 4), 0) == "Wed 4 March 2026: no reviews"
    help_event = QHelpEvent(QEvent.Type.ToolTip, monday, heatmap.mapToGlobal(monday))
    QApplication.sendEvent(heatmap, help_event)
    assert QToolTip.text() == "Mon 2 March 2026: 4 reviews"
    QToolTip.hideText()
    # The keyboard moves through the days as the pointer does.
    heatmap.setFocus()
    qtbot.keyClick(heatmap, Qt.Key.Key_Left)  # a week back
    assert heatmap.current == date(2026, 2, 27)
    qtbot.keyClick(heatmap, Qt.Key.Key_Down)
    assert heatmap.current == date(2026, 2, 28)
    qtbot.keyClick(heatmap, Qt.Key.Key_End)
    assert heatmap.current == date(2026, 3, 6)
    assert "Fri 6 March 2026: 1 review" in heatmap.accessibleName()


def test_the_area_table_lists_the_pack_and_its_areas_sortably(
    qtbot: QtBot, make_window: WindowFactory, quiz_pack: Path
) -> None:
    window = make_window(quiz_pack)
    quiz = quiz_of(window)
    answer_over_days(quiz)
    dialog = open_dialog(qtbot, window, quiz)
    rows = dialog.area_rows()
    mastery = dialog.figure_text("mastery")
    assert rows == [
        (0, ["Sample Pack", "3 / 4", "0", "2", "3", "83%", mastery]),
        (1, ["Basics", "3 / 3", "0", "2", "3", "83%", mastery]),
        (1, ["Advanced", "0 / 1", "0", "0", "0", "—", "—"]),
    ]
    pack_row = dialog.areas.topLevelItem(0)
    assert pack_row is not None and pack_row.isExpanded()
    dialog.areas.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by questions seen
    assert [texts[0] for _depth, texts in dialog.area_rows()][1:] == ["Advanced", "Basics"]
    dialog.areas.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [texts[0] for _depth, texts in dialog.area_rows()][1:] == ["Basics", "Advanced"]
    # Every row is shown without scrolling the table (the dialog scrolls instead).
    last = pack_row.child(1)
    assert last is not None
    assert dialog.areas.visualItemRect(last).bottom() <= dialog.areas.viewport().height()


def test_copy_as_text_puts_every_figure_on_the_clipboard(
    qtbot: QtBot, make_window: WindowFactory, quiz_pack: Path
) -> None:
    window = make_window(quiz_pack)
    quiz = quiz_of(window)
    answer_over_days(quiz)
    dialog = open_dialog(qtbot, window, quiz)
    QApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    text = QApplication.clipboard().text()
    for line in (
        "Quiz statistics — 6 March 2026",
        "Questions seen: 3 of 4 (1 new)",
        "Due now: 0",
        "Due in the next 7 days: 2",
        "Due in the next 30 days: 3 (the 7 days included)",
        "Retention (right when due, last 12 months): 83% (5 of 6)",
        "Streak: 2 days",
        "Time answering (last 12 months): 54 s over 9 answers",
        "Activity: 9 reviews in the last year, on 4 days; most on 2 March 2026: 4; "
        "current streak 2 days.",
        "Area\tSeen\tDue now\tNext 7 d\tNext 30 d\tRetention\tMastery",
        "  Advanced\t0 / 1\t0\t0\t0\t—\t—",
    ):
        assert line in text.splitlines()
    assert dialog.status.text() == "Copied the figures to the clipboard."


def test_with_no_answers_the_dialog_says_where_the_figures_come_from(
    qtbot: QtBot, make_window: WindowFactory, quiz_pack: Path
) -> None:
    window = make_window(quiz_pack)
    dialog = open_dialog(qtbot, window, quiz_of(window))
    assert dialog.message.isVisible()
    assert "Quiz → Due Today</b> (F7)" in dialog.message.text()
    assert "4 questions are ready" in dialog.message.text()
    assert dialog.figure_text("seen") == "0 / 4"
    assert dialog.figure_text("retention") == "—" and dialog.figure_text("mastery") == "—"
    assert dialog.figure_text("streak") == "0" and dialog.figure_text("time") == "0 min"
    assert dialog.heatmap.accessibleDescription() == "No reviews in the last year."
    march_2 = date(2026, 3, 2)
    assert dialog.heatmap.cell_at(dialog.heatmap.point_for(march_2)) == (march_2, 0)
    assert dialog.forecast.accessibleDescription() == "Nothing falls due in the next 30 days."
    assert [texts[:2] for _depth, texts in dialog.area_rows()] == [
        ["Sample Pack", "0 / 4"], ["Basics", "0 / 3"], ["Advanced", "0 / 1"]
    ]  # fmt: skip
    assert "Questions seen: 0 of 4 (4 new)" in dialog.summary()


class HeldQuiz:
    """A quiz service whose futures finish only when the test says so."""

    def __init__(self, quiz: QuizService) -> None:
        self.quiz = quiz
        self.pending: list[tuple[Future[Any], Future[Any]]] = []

    def catalogue(self) -> Any:
        return self.quiz.catalogue()

    def stats(self, *args: Any, **options: Any) -> Future[Any]:
        return self._hold(self.quiz.stats(*args, **options))

    def due_counts(self, *args: Any, **options: Any) -> Future[Any]:
        return self._hold(self.quiz.due_counts(*args, **options))

    def due_totals(self, *args: Any, **options: Any) -> Future[Any]:
        return self._hold(self.quiz.due_totals(*args, **options))

    def retired(self) -> Future[Any]:
        return self._hold(self.quiz.retired())

    def _hold(self, real: Future[Any]) -> Future[Any]:
        held: Future[Any] = Future()
        self.pending.append((held, real))
        return held

    def release(self) -> None:
        pending, self.pending = self.pending, []
        for held, real in pending:
            held.set_result(real.result())

    def fail(self, error: BaseException) -> None:
        pending, self.pending = self.pending, []
        for held, _real in pending:
            held.set_exception(error)


def test_loading_is_shown_until_the_figures_come_and_a_failure_is_told_in_words(
    qtbot: QtBot, make_window: WindowFactory, quiz_pack: Path
) -> None:
    window = make_window(quiz_pack)
    held = HeldQuiz(quiz_of(window))
    dialog = StatsDialog(held, window.relay, window, clock=lambda: NOW, offset_ms=0)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.loading and dialog.status.text() == "Loading…"
    assert dialog.message.isVisible() and dialog.message.text() == "Loading…"
    assert not dialog.refresh_button.isEnabled() and not dialog.copy_button.isEnabled()
    assert dialog.figure_text("seen") == "…"
    assert len(held.pending) == 4  # the statistics, the due totals of 30 days (one job), the
    # due counts now (changed questions) and the retired questions
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        held.release()
    assert not dialog.loading and dialog.figure_text("seen") == "0 / 4"
    assert dialog.refresh_button.isEnabled() and dialog.copy_button.isEnabled()
    # A refresh that fails keeps the figures on screen and says why in the status line.
    dialog.refresh()
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failed:
        held.fail(OSError(28, "No space left on device"))
    assert failed.args[0].startswith("The statistics could not be read")
    assert dialog.status.text() == failed.args[0]
    assert dialog.figure_text("seen") == "0 / 4" and dialog.refresh_button.isEnabled()
    # Only the newest refresh counts: an older one finishing late is dropped.
    dialog.refresh()
    first = held.pending
    held.pending = []
    dialog.refresh()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        held.release()
    with qtbot.assertNotEmitted(dialog.loaded):  # delivered at once: on this thread
        for stale, real in first:
            stale.set_result(real.result())
    assert not dialog.loading


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform
def test_refresh_reads_new_answers_and_showing_again_reuses_the_dialog(
    qtbot: QtBot, make_window: WindowFactory, quiz_pack: Path
) -> None:
    window = make_window(quiz_pack)
    quiz = quiz_of(window)
    feature = StatsFeature(quiz, window.relay, window, clock=lambda: NOW, offset_ms=0)
    dialog = feature.show()
    qtbot.waitUntil(lambda: dialog.view is not None and not dialog.loading, timeout=10_000)
    assert dialog.message.isVisible()
    answer_over_days(quiz)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    assert not dialog.message.isVisible() and dialog.figure_text("seen") == "3 / 4"
    quiz.answer(PACK, "a-01", EASY, True, 4000, at_ms=at(4, 11)).result()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        assert feature.show() is dialog  # the open one, read again
    assert dialog.figure_text("seen") == "4 / 4"
    assert "10 reviews in the last year" in dialog.heatmap.accessibleDescription()
    # Connected to a signal sent after answers (with its arguments), it reads them again.
    quiz.answer(PACK, "a-01", GOOD, True, 4000, at_ms=at(4, 11, 30)).result()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        feature.refresh(object())
    assert "11 reviews in the last year" in dialog.heatmap.accessibleDescription()
    dialog.close()
    with qtbot.assertNotEmitted(dialog.loaded):
        feature.refresh()  # closed: nothing to read
    assert not dialog.loading


def test_install_puts_statistics_in_the_quiz_menu(
    qtbot: QtBot, make_window: WindowFactory, quiz_pack: Path
) -> None:
    window = make_window(quiz_pack)
    feature = stats.install(window, quiz_of(window))
    action = window.actions_by_name["statistics"]
    assert action.shortcut().toString() == "Ctrl+Shift+S"
    assert action in window.menus["quiz"].actions()
    action.trigger()
    dialog = feature.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.view is not None and not dialog.loading, timeout=10_000)
    assert dialog.figure_text("seen") == "0 / 4"


# -- the pure parts ---------------------------------------------------------------------------


def test_heat_levels_follow_the_quartiles_of_the_days_with_reviews() -> None:
    counts = [1, 2, 3, 4, 5, 6, 7, 8, 40]
    thresholds = stats.heat_thresholds(counts)
    assert thresholds == (3, 5, 7)
    assert [stats.heat_level(n, thresholds) for n in (0, 1, 3, 4, 5, 6, 7, 8, 40)] == [
        0, 1, 1, 2, 2, 3, 3, 4, 4
    ]  # fmt: skip
    assert stats.level_ranges(thresholds, 40) == [
        "No reviews", "1–3 reviews", "4–5 reviews", "6–7 reviews", "8–40 reviews"
    ]  # fmt: skip
    assert stats.heat_thresholds([]) == (0, 0, 0)
    assert stats.heat_level(5, stats.heat_thresholds([5])) == 1


def test_words_for_times_shares_and_the_forecast() -> None:
    assert [stats.duration(ms) for ms in (0, 40_000, 12 * 60_000, 3 * 3_600_000 + 25 * 60_000,
                                          2 * 3_600_000)] == [
        "0 min", "40 s", "12 min", "3 h 25 min", "2 h"
    ]  # fmt: skip
    assert stats.percent(None) == "—" and stats.percent(0.834) == "83%"
    assert stats.forecast_from([5, 7, 7, 12]) == (5, 2, 0, 5)
    assert stats.per_day(203, 30) == "about 7 a day" and stats.per_day(3, 30) == (
        "fewer than one a day"
    )
    assert stats.nice_step(3) == 1 and stats.nice_step(30) == 10 and stats.nice_step(94) == 50


def test_changed_and_retired_questions_are_told_and_their_history_kept(
    qtbot: QtBot, make_window: WindowFactory, quiz_pack: Path
) -> None:
    window = make_window(quiz_pack)
    quiz = quiz_of(window)
    answer_over_days(quiz)
    dialog = open_dialog(qtbot, window, quiz)
    assert dialog.changes.isHidden()  # nothing to say
    # s-01's prompt changes; s-03's file goes: changed (due again) and retired
    write(quiz_pack, "basics/first.quiz.yaml", FIRST_QUIZ.replace("has an overview", "has a"))
    (quiz_pack / "basics" / "second.quiz.yaml").unlink()
    with qtbot.waitSignal(window.packs_loaded, timeout=20_000):
        window.reload_packs()
    quiz.sync_changes().result()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.refresh()
    text = dialog.changes.text()
    assert not dialog.changes.isHidden()
    assert "1 question changed in the pack since you answered it: due again now." in text
    assert "1 question you answered is no longer in any open pack (retired)" in text
    assert len(quiz.retired().result()) == 1
