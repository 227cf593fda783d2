"""The quiz window, driven by the keyboard only: one question of each type answered right and
wrong, the ratings that reach the review log, reading the section a question asks about,
ending early, the sections to re-read, and the empty session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from nexus_desktop.services.library import ArticleRef
from nexus_desktop.services.quiz import QuestionKey, QuizService
from nexus_desktop.storage import repositories as repo
from nexus_desktop.ui import quiz as quiz_ui
from nexus_desktop.ui.main_window import MainWindow
from tests.conftest import write
from tests.ui.conftest import WindowFactory

QUIZ = """\
- id: q-single
  type: single
  prompt: "Which colour is the **sky** on a clear day?"
  choices: ["Green", "Blue", "Red", "`Yellow`"]
  answer: "Blue"
  explanation: "Air scatters *short* wavelengths most."
  source: basics/first#overview
- id: q-multiple
  type: multiple
  prompt: "Which of these are prime numbers?"
  choices: ["2", "3", "4", "5"]
  answer: ["2", "3", "5"]
  explanation: "4 is 2 × 2."
  source: basics/first#overview
- id: q-true-false
  type: true-false
  prompt: "Water boils at 50 °C at sea level."
  answer: false
  explanation: "It boils at 100 °C."
  source: basics/first#deep-section
- id: q-cloze
  type: cloze
  prompt: "Python's `[___]` statement loads a module; `[___]` defines a function."
  answer: [import, [def, "def keyword"]]
  explanation: "Both are keywords."
  source: basics/first#deep-section
- id: q-order
  type: order
  prompt: "Put the numbers in increasing order."
  answer: ["one", "two", "three", "four"]
  explanation: "Counting."
  source: basics/second#details
- id: q-recall
  type: recall
  prompt: "What does FSRS stand for?"
  answer: "Free Spaced Repetition Scheduler"
  explanation: "The scheduler Anki uses."
  source: basics/first#overview
"""


class Clock:
    """The session's clock, moved by hand: how long an answer takes decides Good or Easy."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def quiz_window(
    qtbot: QtBot, make_window: WindowFactory, pack: Path, *, with_quiz: bool = True
) -> tuple[MainWindow, quiz_ui.QuizFeature, QuizService, Clock]:
    if with_quiz:
        write(pack, "basics/first.quiz.yaml", QUIZ)
    window = make_window(pack)
    service, feature = window.quiz, window.quiz_feature  # as the window wires them
    clock = Clock()
    feature.clock = clock
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ArticleRef("sample", "basics/first"))
    return window, feature, service, clock


def open_session(qtbot: QtBot, feature: quiz_ui.QuizFeature, action: str) -> quiz_ui.QuizSession:
    feature.window.actions_by_name[action].trigger()
    qtbot.waitUntil(lambda: feature.session is not None and feature.session.isVisible())
    session = feature.session
    assert session is not None
    return session


def focused(session: quiz_ui.QuizSession) -> QWidget:
    """Where the keys go: focus is never lost after a page changes."""
    widget = session.focusWidget()
    assert widget is not None and widget.window() is session and widget.isVisible()
    return widget


def press(qtbot: QtBot, session: quiz_ui.QuizSession, key: Any, modifier: Any = None) -> None:
    if modifier is None:
        qtbot.keyClick(focused(session), key)
    else:
        qtbot.keyClick(focused(session), key, modifier)


def number_of(session: quiz_ui.QuizSession, value: object) -> Qt.Key:
    asker = session.asker
    assert isinstance(asker, quiz_ui.ChoiceAsker)
    return getattr(Qt.Key, f"Key_{asker.values.index(value) + 1}")


def reviews(window: MainWindow) -> list[Any]:
    assert window.study is not None
    return window.study._submit(lambda s: repo.reviews(s, "sample")).result(timeout=10)


def test_a_whole_session_of_every_type_by_keyboard_records_the_ratings(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window, feature, service, clock = quiz_window(qtbot, make_window, sample_pack)
    session = open_session(qtbot, feature, "quiz_article")
    assert session.windowTitle() == "Quiz — First article"
    assert session.progress_line.text() == "1 of 6 · 0 right"
    finished: list[quiz_ui.SessionSummary] = []
    feature.session_finished.connect(finished.append)

    # 1. single choice, right at the first try but slowly: Good (3)
    assert session.item is not None and session.item.key.question_id == "q-single"
    assert isinstance(focused(session), quiz_ui.QAbstractButton)
    clock.now += 100
    press(qtbot, session, number_of(session, "Blue"))
    press(qtbot, session, Qt.Key.Key_Return)
    assert session.state == "feedback"
    assert session.verdict.text().startswith("✓ Right")
    assert "Air scatters" in session.explanation.text()
    assert "Try again" not in [b.text() for b in session.buttons.values()]
    assert session.progress_line.text() == "1 of 6 · 1 right"
    press(qtbot, session, Qt.Key.Key_Return)

    # 2. multiple choice, wrong, and no second try: Again (1)
    assert session.item is not None and session.item.key.question_id == "q-multiple"
    press(qtbot, session, number_of(session, "2"))
    press(qtbot, session, Qt.Key.Key_Return)
    assert session.verdict.text() == "✗ Wrong — 2 of 4 choices right"
    asker = session.asker
    assert isinstance(asker, quiz_ui.ChoiceAsker)
    captions = {asker.values[i]: row.caption.text() for i, row in enumerate(asker.rows)}
    assert captions["2"] == "✓ An answer — you chose it"
    assert captions["3"] == "✗ An answer — you missed it"
    assert captions["4"] == "✓ Not an answer — rightly left out"
    assert "retry" in session.buttons and session.buttons["retry"].text() == "Try Again (R)"
    press(qtbot, session, Qt.Key.Key_Return)  # on, without the second try

    # 3. true/false, wrong (T for a false statement): Again, no second try offered
    assert session.item is not None and session.item.key.question_id == "q-true-false"
    press(qtbot, session, Qt.Key.Key_T)
    assert session.state == "feedback" and session.verdict.text() == "✗ Wrong"
    assert "retry" not in session.buttons
    assert "The answer:" in session.detail.text() and "False" in session.detail.text()
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        press(qtbot, session, Qt.Key.Key_S)  # read the section it asks about
    assert window.current == ArticleRef("sample", "basics/first", "deep-section")
    assert session.isVisible() and session.state == "feedback"
    press(qtbot, session, Qt.Key.Key_Return)

    # 4. cloze, typed with other capitals and spaces, Tab between the blanks: Easy (4)
    assert session.item is not None and session.item.key.question_id == "q-cloze"
    assert isinstance(focused(session), quiz_ui.QLineEdit)
    qtbot.keyClicks(focused(session), "  IMPORT ")
    press(qtbot, session, Qt.Key.Key_Tab)
    asker = session.asker
    assert isinstance(asker, quiz_ui.ClozeAsker) and focused(session) is asker.fields[1]
    qtbot.keyClicks(focused(session), "Def.")
    press(qtbot, session, Qt.Key.Key_Return)
    assert session.verdict.text() == "✓ Right — 2 of 2 blanks right"
    press(qtbot, session, Qt.Key.Key_Return)

    # 5. order: wrong at first, then put right with Alt+Up on the second try: Hard (2)
    assert session.item is not None and session.item.key.question_id == "q-order"
    asker = session.asker
    assert isinstance(asker, quiz_ui.OrderAsker)
    assert focused(session) is asker.list
    press(qtbot, session, Qt.Key.Key_Return)  # as shuffled: never already right
    assert session.verdict.text().startswith("✗ Wrong")
    assert "The right order" in session.detail.text()
    press(qtbot, session, Qt.Key.Key_R)
    assert session.state == "asking" and focused(session) is asker.list
    right = ["one", "two", "three", "four"]
    for place, step in enumerate(right):
        row = asker.list.steps().index(step)
        while asker.list.currentRow() < row:
            press(qtbot, session, Qt.Key.Key_Down)
        while asker.list.currentRow() > row:
            press(qtbot, session, Qt.Key.Key_Up)
        for _ in range(row - place):
            press(qtbot, session, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert asker.list.steps() == right
    press(qtbot, session, Qt.Key.Key_Return)
    assert session.verdict.text().startswith("✓ Right on the second try")
    press(qtbot, session, Qt.Key.Key_Return)

    # 6. recall: Space shows the answer, 3 grades it Good
    assert session.item is not None and session.item.key.question_id == "q-recall"
    assert session.state == "recall-front"
    press(qtbot, session, Qt.Key.Key_Space)
    assert session.state == "recall-back"
    assert "Free Spaced Repetition Scheduler" in session.detail.text()
    assert [session.buttons[f"grade{r}"].text() for r in (1, 2, 3, 4)] == [
        "1 · Again", "2 · Hard", "3 · Good", "4 · Easy",
    ]  # fmt: skip
    press(qtbot, session, Qt.Key.Key_3)

    # the summary, and the review log
    assert session.state == "summary"
    qtbot.waitUntil(lambda: session.saving == 0, timeout=5000)
    assert len(finished) == 1 and finished[0].right == 4 and not finished[0].ended_early
    logged = reviews(window)
    assert [(r.question_id, r.rating, r.correct) for r in logged] == [
        ("q-single", 3, True),
        ("q-multiple", 1, False),
        ("q-true-false", 1, False),
        ("q-cloze", 4, True),
        ("q-order", 2, True),
        ("q-recall", 3, True),
    ]
    assert logged[0].response_ms == 100_000
    card = service.card("sample", "q-order").result(timeout=10)
    assert card is not None and card.reps == 1
    links = [(b.title(), b.description()) for b in session.reread_buttons]
    assert links == [
        ("Overview", "First article · 1 question to review"),
        ("Deep section", "First article · 1 question to review"),
        ("Details", "Second article · 1 question to review"),
    ]
    assert focused(session) is session.reread_buttons[0]
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        press(qtbot, session, Qt.Key.Key_3)
    assert window.current == ArticleRef("sample", "basics/second", "details")

    # everything answered: the article has nothing due, but can be practised anyway
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ArticleRef("sample", "basics/first"))
    feature.actions["quiz_article"].trigger()
    qtbot.waitUntil(lambda: session.state == "empty")
    assert session.headline.text() == "Nothing here is due."
    assert "practise" in session.buttons
    press(qtbot, session, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: session.state == "asking")
    assert len(session.items) == 6


def test_escape_ends_early_and_keeps_the_answers_recorded(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window, feature, _service, _clock = quiz_window(qtbot, make_window, sample_pack)
    session = open_session(qtbot, feature, "quiz_due")
    assert session.windowTitle() == "Quiz — Due today"
    press(qtbot, session, number_of(session, "Green"))
    press(qtbot, session, Qt.Key.Key_Return)
    assert session.verdict.text() == "✗ Wrong"
    with qtbot.waitSignal(feature.session_finished, timeout=5000) as ended:
        press(qtbot, session, Qt.Key.Key_Escape)  # asks nothing
    summary = ended.args[0]
    assert summary.ended_early and len(summary.answers) == 1 and summary.total == 6
    assert session.state == "summary" and session.isVisible()
    qtbot.waitUntil(lambda: session.saving == 0, timeout=5000)
    assert [(r.question_id, r.rating) for r in reviews(window)] == [("q-single", 1)]
    assert [b.title() for b in session.reread_buttons] == ["Overview"]
    press(qtbot, session, Qt.Key.Key_Escape)
    assert not session.isVisible()


def test_the_section_being_read_is_quizzed(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window, feature, service, _clock = quiz_window(qtbot, make_window, sample_pack)
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ArticleRef("sample", "basics/first", "deep-section"))
    qtbot.waitUntil(lambda: feature.current_section() == "deep-section")
    session = open_session(qtbot, feature, "quiz_section")
    assert session.windowTitle() == "Quiz — First article › Deep section"
    assert [i.key.question_id for i in session.items] == ["q-true-false", "q-cloze"]
    press(qtbot, session, Qt.Key.Key_F)  # right
    assert session.verdict.text().startswith("✓ Right")
    press(qtbot, session, Qt.Key.Key_Return)
    with qtbot.waitSignal(feature.answered, timeout=5000):
        press(qtbot, session, Qt.Key.Key_Escape)
    assert service.card("sample", "q-true-false").result(timeout=10) is not None


def test_an_empty_session_says_so_and_offers_something_else(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    _window, feature, _service, _clock = quiz_window(
        qtbot, make_window, sample_pack, with_quiz=False
    )
    session = open_session(qtbot, feature, "quiz_due")
    assert session.state == "empty"
    assert session.headline.text() == "Nothing is due."
    assert set(session.buttons) == {"close", "weak", "article"}
    assert focused(session) is session.buttons["weak"]
    press(qtbot, session, Qt.Key.Key_W)
    qtbot.waitUntil(lambda: session.headline.text() == "No weak spots yet.")
    assert session.windowTitle() == "Quiz — Weak spots"
    press(qtbot, session, Qt.Key.Key_A)  # this article
    qtbot.waitUntil(lambda: session.headline.text() == "No questions about this article.")
    press(qtbot, session, Qt.Key.Key_Escape)
    assert not session.isVisible()


def test_start_runs_a_session_on_any_questions(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    _window, feature, _service, _clock = quiz_window(qtbot, make_window, sample_pack)
    keys = [QuestionKey("sample", "q-recall"), QuestionKey("sample", "gone")]
    session = feature.start(keys, "Picked")
    assert session.windowTitle() == "Quiz — Picked" and len(session.items) == 1
    assert session.progress_line.text() == "1 of 1 · 0 right"
    press(qtbot, session, Qt.Key.Key_Return)  # Enter shows the answer too
    with qtbot.waitSignal(feature.answered, timeout=5000) as saved:
        press(qtbot, session, Qt.Key.Key_1)
    assert saved.args == [QuestionKey("sample", "q-recall"), 1, False]
    assert session.state == "summary"
    press(qtbot, session, Qt.Key.Key_A)  # quiz these again
    assert session.state == "recall-front"


def test_the_area_of_the_article_is_quizzed_and_due_counts_follow(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window, feature, _service, _clock = quiz_window(qtbot, make_window, sample_pack)
    qtbot.waitUntil(lambda: feature.due is not None)
    assert feature.actions["quiz_due"].shortcut().toString() == "F7"
    assert feature.actions["quiz_article"].shortcut().toString() == "Ctrl+Shift+Q"
    assert [a.text() for a in window.menus["quiz"].actions() if a.text()][:3] == [
        "Quiz Me on This &Article", "Quiz This &Section", "Quiz This A&rea",
    ]  # fmt: skip
    session = open_session(qtbot, feature, "quiz_area")
    assert session.windowTitle() == "Quiz — Sample Pack › Basics" and len(session.items) == 6
    with qtbot.waitSignal(feature.due_counts_changed, timeout=5000):
        press(qtbot, session, Qt.Key.Key_Escape)


def test_a_search_result_that_is_a_question_opens_its_section_and_asks_it(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window, feature, _service, _clock = quiz_window(qtbot, make_window, sample_pack)
    qtbot.waitUntil(lambda: window.search_panel.results is not None, timeout=5000)
    window.search_panel.focus_field()
    with qtbot.waitSignal(window.search_results_shown, timeout=10_000) as shown:
        qtbot.keyClicks(window.search_panel.field, "prime numbers")
    hits = shown.args[0].hits
    row = next(i for i, h in enumerate(hits) if h.kind == "question")
    assert hits[row].question == "q-multiple"
    label = window.search_panel.results.itemWidget(window.search_panel.results.item(row))
    assert "Quiz: Which of these are prime numbers" in label.text()
    window.search_panel.results.setCurrentRow(row)
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.search_panel.activate_current()
    assert window.current == ArticleRef("sample", "basics/first", "overview")
    qtbot.waitUntil(lambda: feature.session is not None and feature.session.isVisible())
    assert feature.session.item.key == QuestionKey("sample", "q-multiple")  # type: ignore[union-attr]


def test_the_due_count_on_the_toolbar_follows_a_session(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    import time

    window, feature, service, _clock = quiz_window(qtbot, make_window, sample_pack)
    action = window.actions_by_name["quiz_due"]
    assert action in window.toolbar.actions()
    long_ago = int(time.time() * 1000) - 30 * 24 * 3600 * 1000
    service.answer("sample", "q-single", 3, True, 4000, at_ms=long_ago).result()
    feature.refresh_due()
    qtbot.waitUntil(lambda: action.text() == "&Due Today (1)", timeout=10_000)
    session = open_session(qtbot, feature, "quiz_due")  # the due question first, then new ones
    assert session.item is not None and session.item.key.question_id == "q-single"
    press(qtbot, session, number_of(session, "Blue"))
    press(qtbot, session, Qt.Key.Key_Return)
    press(qtbot, session, Qt.Key.Key_Escape)  # the session ends: counted again
    qtbot.waitUntil(lambda: action.text() == "&Due Today", timeout=10_000)


def test_a_question_in_your_own_words_shows_which_hub_question_it_matched(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window, _feature, _service, _clock = quiz_window(qtbot, make_window, sample_pack)
    window.search_panel.focus_field()
    with qtbot.waitSignal(window.search_results_shown, timeout=10_000) as shown:
        qtbot.keyClicks(window.search_panel.field, "how do I tell which numbers are prime")
    first = shown.args[0].hits[0]
    assert (first.kind, first.id, first.anchor) == ("article", "basics/first", "overview")
    assert first.answers == "Which of these are prime numbers?"
    label = window.search_panel.results.itemWidget(window.search_panel.results.item(0))
    assert "Answers: <i>Which of these are prime numbers?</i>" in label.text()
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.search_panel.activate_current()
    assert window.current == ArticleRef("sample", "basics/first", "overview")


def test_quiz_settings_are_kept_and_used_and_the_deck_exports_in_the_background(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path, tmp_path: Path
) -> None:
    window, _feature, service, _clock = quiz_window(qtbot, make_window, sample_pack)
    assert (service.desired_retention, service.new_per_session) == (0.9, 10)
    dialog = window.quiz_extras.show_settings()
    dialog.retention.setValue(85)
    dialog.new.setValue(3)
    dialog.accept()
    assert (service.desired_retention, service.new_per_session) == (0.85, 3)
    assert window.settings.get("desired_retention") == 0.85
    target = tmp_path / "deck.apkg"
    window.quiz_extras.export_anki(target)
    qtbot.waitUntil(lambda: "written to" in window.statusBar().currentMessage(), timeout=20_000)
    assert target.stat().st_size > 0
    assert window.statusBar().currentMessage().startswith("6 questions in 1 deck written")
