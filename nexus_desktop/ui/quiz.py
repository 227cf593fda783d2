"""The quiz in the window: the Quiz menu's commands and the quiz window.

:class:`QuizFeature` owns the commands (quiz this article, this section, this area, what is
due today, the weak spots), builds each session from :class:`~nexus_desktop.services.quiz.
QuizService` (futures delivered through the window's relay: the UI never waits on the
database) and opens a :class:`QuizSession`, a window beside the reader that asks one question
at a time. Every answer is recorded as soon as it is final (one review per question asked), so
a session ended early keeps what was answered. Everything works from the keyboard: the keys
are written on the buttons and under each prompt.
"""

from __future__ import annotations

import contextlib
import html
import math
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from nexus_desktop.knowledge.quiz import CLOZE_BLANK
from nexus_desktop.services.quiz import QuestionKey, QuizError, QuizItem
from nexus_desktop.services.refs import ArticleRef
from nexus_desktop.study.quiz import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    Outcome,
    check,
    fast_threshold,
    normalise_blank,
    rating_for,
    shuffled_choices,
)
from nexus_desktop.ui.actions import ActionSpec

if TYPE_CHECKING:
    from nexus_desktop.render import Theme
    from nexus_desktop.render.markdown import ArticleRenderer
    from nexus_desktop.services.quiz import DueCounts, QuizService, QuizStats
    from nexus_desktop.study.schedule import CardState
    from nexus_desktop.ui.db import FutureRelay
    from nexus_desktop.ui.main_window import MainWindow
    from nexus_desktop.ui.quiz_due import QuizDue

ACTIONS = (
    ActionSpec("quiz_article", "Quiz Me on This &Article", ("Ctrl+Shift+Q",), "",
               "The due and new questions of the article you are reading (Ctrl+Shift+Q)",
               menu="quiz", section="here", handler="quiz_article"),
    ActionSpec("quiz_section", "Quiz This &Section", ("Ctrl+F7",), "",
               "The questions about the section you are reading (Ctrl+F7)",
               menu="quiz", section="here", handler="quiz_section"),
    ActionSpec("quiz_area", "Quiz This A&rea", (), "",
               "The due and new questions of the area the article is in",
               menu="quiz", section="here", handler="quiz_area"),
    ActionSpec("quiz_due", "&Due Today", ("F7",), "",
               "Every question due today, then a few new ones (F7)",
               menu="quiz", section="sessions", handler="due_today"),
    ActionSpec("quiz_weak", "&Weak Spots", ("Shift+F7",), "",
               "The questions you are most likely to have forgotten (Shift+F7)",
               menu="quiz", section="sessions", handler="weak_spots"),
)  # fmt: skip

TYPE_LABELS = {
    "single": "Single choice",
    "multiple": "Multiple choice",
    "true-false": "True or false",
    "recall": "Flashcard",
    "cloze": "Fill in the blanks",
    "order": "Put in order",
}
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
RATING_TIPS = {
    AGAIN: "I did not remember it: show it again soon",
    HARD: "I remembered it, with effort",
    GOOD: "I remembered it",
    EASY: "I knew it at once",
}
RETRYABLE = ("single", "multiple", "cloze", "order")
RIGHT, WRONG = "\u2713", "\u2717"  # ✓ ✗
_BLANK_TOKEN = "QZBLANK{}QZ"
_BLANK_FOUND = re.compile(r"QZBLANK(\d+)QZ")
_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
MARK_ROLE = Qt.ItemDataRole.UserRole + 1
STEP_ROLE = Qt.ItemDataRole.UserRole + 2


# -- colours and Markdown --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Colours:
    """The quiz's colours for one theme; text itself takes the palette's colour."""

    right_bg: str
    right_fg: str
    wrong_bg: str
    wrong_fg: str
    neutral_bg: str
    border: str
    muted: str
    blank: str
    code_bg: str
    link: str
    dark: bool

    @classmethod
    def of(cls, theme: Theme) -> Colours:
        dark = theme.name == "dark"
        return cls(
            right_bg=theme.admonition_background("tip"),
            right_fg="#56d364" if dark else "#1a7f37",
            wrong_bg=theme.admonition_background("danger"),
            wrong_fg="#ff8b82" if dark else "#c4212c",
            neutral_bg=theme.admonition_background("note"),
            border=theme.border,
            muted=theme.muted,
            blank=theme.highlight,
            code_bg=theme.code_background,
            link=theme.link,
            dark=dark,
        )


_renderers: dict[str, ArticleRenderer] = {}


def markdown_html(text: str, theme: Theme) -> str:
    """A Markdown snippet (a prompt, an explanation) as sanitized HTML, rendered by the
    reader's own renderer (same extensions, code colouring and sanitizing)."""
    from nexus_desktop.render.markdown import ArticleRenderer

    renderer = _renderers.get(theme.name)
    if renderer is None:
        renderer = _renderers[theme.name] = ArticleRenderer(theme)
    return renderer.render(text).html.strip()


def inline_html(text: str, theme: Theme) -> str:
    """A one-line Markdown snippet (a choice, a step) without its paragraph."""
    body = markdown_html(text, theme)
    if body.startswith("<p>") and body.endswith("</p>") and body.count("<p>") == 1:
        body = body[3:-4]
    return body


def plain_text(text: str) -> str:
    """A Markdown snippet as plain words (accessible names, tooltips)."""
    return " ".join(text.replace("`", "").replace("**", "").split())


def rich(body: str, colours: Colours) -> str:
    """``body`` as a document for a QLabel: the snippet styles of the theme."""
    css = (
        "p { margin-top: 0px; margin-bottom: 6px; } "
        "ul, ol { margin-top: 0px; margin-bottom: 6px; } "
        f"code {{ font-family: 'DejaVu Sans Mono', 'Cascadia Mono', Menlo, Consolas, monospace;"
        f" background-color: {colours.code_bg}; }} "
        "pre { font-family: 'DejaVu Sans Mono', 'Cascadia Mono', Menlo, Consolas, monospace; "
        "white-space: pre-wrap; margin: 0px; } "
        f"a {{ color: {colours.link}; text-decoration: none; }}"
    )
    return f"<html><head><style>{css}</style></head><body>{body}</body></html>"


def _set_property(widget: QWidget, name: str, value: object) -> None:
    """Set a property the style sheet selects on, and restyle the widget."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def stylesheet(c: Colours) -> str:
    return f"""
QLabel#sessionTitle {{ font-size: 14pt; font-weight: 600; }}
QLabel#progress {{ color: {c.muted}; }}
QLabel#muted, QLabel#hint {{ color: {c.muted}; }}
QLabel#prompt {{ font-size: 13pt; }}
QLabel#notice {{ color: {c.wrong_fg}; }}
QLabel#keycap {{ border: 1px solid {c.border}; border-radius: 4px; padding: 0px 5px;
    color: {c.muted}; font-weight: 600; }}
QFrame#choice {{ border: 1px solid {c.border}; border-radius: 6px; }}
QFrame#choice[chosen="true"] {{ border: 1px solid palette(highlight);
    background-color: {c.neutral_bg}; }}
QFrame#choice[focused="true"] {{ border: 2px solid palette(highlight); }}
QFrame#choice[mark="right"] {{ border: 2px solid {c.right_fg}; background-color: {c.right_bg}; }}
QFrame#choice[mark="wrong"] {{ border: 2px solid {c.wrong_fg}; background-color: {c.wrong_bg}; }}
QFrame#choice[mark="fine"] {{ border: 1px solid {c.right_fg}; }}
QLabel#caption[mark="right"], QLabel#caption[mark="fine"] {{ color: {c.right_fg};
    font-weight: 600; }}
QLabel#caption[mark="wrong"] {{ color: {c.wrong_fg}; font-weight: 600; }}
QFrame#feedback {{ border-radius: 6px; border: 1px solid {c.border};
    background-color: {c.neutral_bg}; }}
QFrame#feedback[verdict="right"] {{ border: 1px solid {c.right_fg};
    background-color: {c.right_bg}; }}
QFrame#feedback[verdict="wrong"] {{ border: 1px solid {c.wrong_fg};
    background-color: {c.wrong_bg}; }}
QLabel#verdict {{ font-size: 13pt; font-weight: 700; }}
QLabel#verdict[verdict="right"] {{ color: {c.right_fg}; }}
QLabel#verdict[verdict="wrong"] {{ color: {c.wrong_fg}; }}
QLabel#sectionHeading {{ font-weight: 600; }}
QLineEdit#blank {{ border: 1px solid {c.border}; border-radius: 4px; padding: 4px 6px;
    background-color: palette(base); }}
QLineEdit#blank:focus {{ border: 2px solid palette(highlight); }}
QLineEdit#blank[mark="right"] {{ border: 2px solid {c.right_fg}; background-color: {c.right_bg}; }}
QLineEdit#blank[mark="wrong"] {{ border: 2px solid {c.wrong_fg}; background-color: {c.wrong_bg}; }}
QLabel#blankMark[mark="right"] {{ color: {c.right_fg}; font-weight: 600; }}
QLabel#blankMark[mark="wrong"] {{ color: {c.wrong_fg}; font-weight: 600; }}
QListWidget#steps {{ border: 1px solid {c.border}; border-radius: 6px; font-size: 11pt; }}
QListWidget#steps:focus {{ border: 1px solid palette(highlight); }}
QFrame#tile {{ border: 1px solid {c.border}; border-radius: 6px; }}
QLabel#tileValue {{ font-size: 16pt; font-weight: 700; }}
QLabel#tileName {{ color: {c.muted}; }}
QLabel#score {{ font-size: 22pt; font-weight: 700; }}
QLabel#choiceText {{ font-size: 11pt; }}
QLabel#headline {{ font-size: 15pt; font-weight: 600; }}
QLabel#bigSign {{ font-size: 36pt; color: {c.muted}; }}
QLabel#bigSign[mark="right"] {{ color: {c.right_fg}; }}
QPushButton {{ padding: 5px 14px; }}
QPushButton#rereadLink {{ text-align: left; padding: 0px; border: 1px solid {c.border};
    border-radius: 6px; background-color: transparent; }}
QPushButton#rereadLink:hover {{ background-color: {c.neutral_bg}; }}
QPushButton#rereadLink:focus {{ border: 2px solid palette(highlight);
    background-color: {c.neutral_bg}; }}
QLabel#linkTitle {{ color: {c.link}; font-weight: 600; font-size: 11pt; }}
"""


# -- what a session was ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """What a session was made of, for its empty page: ``kind`` is ``due``, ``weak``,
    ``article``, ``section``, ``area`` or ``keys`` (a list given by the caller)."""

    kind: str = "keys"
    pack_id: str = ""
    article_id: str = ""
    anchor: str = ""
    area_id: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class Answered:
    """One question of a session, answered: its final rating (the one recorded)."""

    item: QuizItem
    rating: int
    correct: bool
    attempts: int
    response_ms: int

    @property
    def section(self) -> tuple[str, str, str]:
        return (self.item.pack_id, self.item.source_article, self.item.anchor)


@dataclass(slots=True)
class SessionSummary:
    """A session as it ended: ``total`` questions in it, the ones ``answers``ed, how long."""

    title: str
    total: int
    answers: list[Answered] = field(default_factory=list)
    seconds: float = 0.0
    ended_early: bool = False

    @property
    def right(self) -> int:
        return sum(1 for a in self.answers if a.correct)

    @property
    def ratings(self) -> Counter[int]:
        return Counter(a.rating for a in self.answers)

    @property
    def reread(self) -> list[tuple[tuple[str, str, str], int]]:
        """The sections of the questions not right at the first try (Again or Hard), in
        the order met, with how many such questions each."""
        counts: Counter[tuple[str, str, str]] = Counter()
        for answer in self.answers:
            if answer.rating <= HARD:
                counts[answer.section] += 1
        return list(counts.items())


def duration(seconds: float) -> str:
    """``45 s``, ``4 min 12 s``, ``1 h 3 min``."""
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def until(due_ms: int, now_ms: int) -> str:
    """When a review falls due, in words: ``in 10 minutes``, ``tomorrow``, ``in 4 days``."""
    minutes = max(0, due_ms - now_ms) / 60_000
    if minutes < 1:
        return "now"
    if minutes < 60:
        n = round(minutes)
        return f"in {n} minute{'s' if n != 1 else ''}"
    hours = minutes / 60
    if hours < 20:
        n = round(hours)
        return f"in {n} hour{'s' if n != 1 else ''}"
    days = max(1, round(hours / 24))
    if days == 1:
        return "tomorrow"
    if days < 60:
        return f"in {days} days"
    return f"in {round(days / 30)} months"


# -- the choices of single, multiple and true/false questions ---------------------------------


class ChoiceRow(QFrame):
    """One choice: its key, a radio button or check box, its text, and after the answer a
    caption saying whether it was right."""

    def __init__(self, number: int, body: str, plain: str, multiple: bool) -> None:
        super().__init__()
        self.setObjectName("choice")
        self.locked = False
        self.multiple = multiple
        self.button: QAbstractButton = QCheckBox() if multiple else QRadioButton()
        self.button.setAccessibleName(f"Choice {number}: {plain}")
        self.button.installEventFilter(self)
        self.button.toggled.connect(lambda on: _set_property(self, "chosen", bool(on)))
        key = QLabel(str(number))
        key.setObjectName("keycap")
        key.setAccessibleName(f"key {number}")
        self.text = QLabel(body)
        self.text.setObjectName("choiceText")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.text.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Preferred
        )
        self.caption = QLabel()
        self.caption.setObjectName("caption")
        self.caption.hide()
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(self.text)
        column.addWidget(self.caption)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 10, 8)
        row.setSpacing(10)
        row.addWidget(key, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(column, 1)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def eventFilter(self, watched: QObject, event: QtCore.QEvent) -> bool:
        if watched is self.button and event.type() in (
            QtCore.QEvent.Type.FocusIn,
            QtCore.QEvent.Type.FocusOut,
        ):
            _set_property(self, "focused", event.type() == QtCore.QEvent.Type.FocusIn)
        return False

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if self.locked:
            return
        self.button.setFocus(Qt.FocusReason.MouseFocusReason)
        if self.multiple:
            self.button.toggle()
        else:
            self.button.setChecked(True)
        event.accept()

    def lock(self, locked: bool) -> None:
        self.locked = locked
        self.button.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, locked)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus if locked else Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.ArrowCursor if locked else Qt.CursorShape.PointingHandCursor)

    def mark(self, mark: str, caption: str) -> None:
        """``mark``: ``right``, ``wrong``, ``fine`` (rightly left out) or ``""``."""
        _set_property(self, "mark", mark)
        _set_property(self.caption, "mark", mark)
        self.caption.setText(caption)
        self.caption.setVisible(bool(caption))
        self.button.setAccessibleDescription(caption)


class ChoiceAsker(QWidget):
    """Single choice (radio buttons), multiple choice (check boxes) and true/false."""

    def __init__(self, item: QuizItem, seed: str, theme: Theme, colours: Colours) -> None:
        super().__init__()
        q = item.question
        self.question = q
        self.multiple = q.type == "multiple"
        if q.type == "true-false":
            self.values: list[Any] = [True, False]
            labels = ["True", "False"]
        else:
            self.values = list(shuffled_choices(q, seed))
            labels = self.values
        self.group = QButtonGroup(self)
        self.group.setExclusive(not self.multiple)
        self.rows: list[ChoiceRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for number, label in enumerate(labels, start=1):
            body = rich(inline_html(label, theme), colours)
            row = ChoiceRow(number, body, plain_text(label), self.multiple)
            if colours.dark:  # Fusion outlines indicators in a darker window colour: lift it
                palette = row.button.palette()
                palette.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor("#c9d1d9"))
                row.button.setPalette(palette)
            self.group.addButton(row.button, number - 1)
            self.rows.append(row)
            layout.addWidget(row)

    # -- input ----------------------------------------------------------------------------
    def pick(self, number: int) -> bool:
        """Key ``number``: choose (single, true/false) or toggle (multiple) that choice."""
        if not 1 <= number <= len(self.rows) or self.rows[0].locked:
            return False
        button = self.rows[number - 1].button
        if self.multiple:
            button.toggle()
        else:
            button.setChecked(True)
        button.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def chosen(self) -> list[int]:
        return [i for i, row in enumerate(self.rows) if row.button.isChecked()]

    def response(self) -> object:
        picked = [self.values[i] for i in self.chosen()]
        if self.multiple:
            return picked
        return picked[0] if picked else None

    def missing(self) -> str:
        """Why the answer cannot be given yet ("" when it can)."""
        if not self.chosen():
            if self.multiple:
                return "Choose at least one answer first (keys 1–9 toggle a choice)."
            return "Choose an answer first (press its number)."
        return ""

    def focus_target(self) -> QWidget:
        chosen = self.chosen()
        return self.rows[chosen[0] if chosen else 0].button

    # -- after the answer -------------------------------------------------------------------
    def show_outcome(self, outcome: Outcome) -> str:
        """Mark every choice; returns a line for the verdict ("3 of 4 choices right")."""
        chosen = set(self.chosen())
        q = self.question
        if q.type == "multiple":
            answer = {str(a) for a in q.answer}
            for i, row in enumerate(self.rows):
                value, picked = self.values[i], i in chosen
                if value in answer:
                    row.mark("right" if picked else "wrong",
                             f"{RIGHT} An answer — you chose it" if picked
                             else f"{WRONG} An answer — you missed it")  # fmt: skip
                elif picked:
                    row.mark("wrong", f"{WRONG} Not an answer — you chose it")
                else:
                    row.mark("fine", f"{RIGHT} Not an answer — rightly left out")
            right = sum(outcome.detail)
            return f"{right} of {len(outcome.detail)} choices right"
        expected = q.answer if q.type == "true-false" else str(q.answer)
        for i, row in enumerate(self.rows):
            value, picked = self.values[i], i in chosen
            if value == expected:
                row.mark("right", f"{RIGHT} The answer" + (" — your choice" if picked else ""))
            elif picked:
                row.mark("wrong", f"{WRONG} Your choice")
            else:
                row.mark("", "")
        return ""

    def lock(self, locked: bool) -> None:
        for row in self.rows:
            row.lock(locked)

    def reset_for_retry(self) -> None:
        for row in self.rows:
            row.mark("", "")
        if not self.multiple:  # start afresh: the wrong choice is not kept
            self.group.setExclusive(False)
            for row in self.rows:
                row.button.setChecked(False)
            self.group.setExclusive(True)
        self.lock(False)


# -- cloze -----------------------------------------------------------------------------------


def cloze_alternatives(answer: object) -> list[tuple[str, ...]]:
    entries = answer if isinstance(answer, list | tuple) else [answer]
    return [
        tuple(str(o) for o in entry) if isinstance(entry, list | tuple) else (str(entry),)
        for entry in entries
    ]


def cloze_prompt_html(
    prompt: str,
    theme: Theme,
    colours: Colours,
    filled: Sequence[tuple[str, bool, str]] | None = None,
) -> str:
    """The prompt with its blanks numbered (before the answer) or filled in (after: each
    ``(given, right, expected)``, the right ones green, the wrong ones struck through in red
    with the expected answer beside)."""
    count = 0

    def token(_match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return _BLANK_TOKEN.format(count)

    source = re.sub(re.escape(CLOZE_BLANK), token, prompt)
    body = markdown_html(source, theme)

    def blank(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if filled is None or number > len(filled):
            return (
                f'<span style="background-color: {colours.blank}; font-weight: 600;">'
                f"&nbsp;&nbsp;{number}&nbsp;&nbsp;</span>"
            )
        given, right, expected = filled[number - 1]
        shown = html.escape(given.strip() or "…")
        if right:
            return (
                f'<span style="background-color: {colours.right_bg}; color: {colours.right_fg};'
                f' font-weight: 600;">&nbsp;{shown}&nbsp;</span>'
            )
        return (
            f'<span style="background-color: {colours.wrong_bg}; color: {colours.wrong_fg};'
            f' text-decoration: line-through;">&nbsp;{shown}&nbsp;</span>'
            f'<span style="background-color: {colours.right_bg}; color: {colours.right_fg};'
            f' font-weight: 600;">&nbsp;{html.escape(expected)}&nbsp;</span>'
        )

    return _BLANK_FOUND.sub(blank, body)


class ClozeAsker(QWidget):
    """One line edit per numbered blank of the prompt; Tab moves between them."""

    def __init__(self, item: QuizItem) -> None:
        super().__init__()
        self.question = item.question
        self.alternatives = cloze_alternatives(item.question.answer)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        self.fields: list[QLineEdit] = []
        self.marks: list[QLabel] = []
        count = len(self.alternatives)
        for i in range(count):
            label = QLabel(f"Blank &{i + 1}")
            edit = QLineEdit()
            edit.setObjectName("blank")
            edit.setAccessibleName(f"Blank {i + 1} of {count}")
            edit.setPlaceholderText(f"blank {i + 1}")
            edit.setMinimumWidth(260)
            label.setBuddy(edit)
            mark = QLabel()
            mark.setObjectName("blankMark")
            mark.setWordWrap(True)
            mark.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(label, i, 0)
            grid.addWidget(edit, i, 1)
            grid.addWidget(mark, i, 2)
            self.fields.append(edit)
            self.marks.append(mark)
        grid.setColumnStretch(2, 1)
        for first, second in zip(self.fields, self.fields[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def response(self) -> object:
        return [edit.text() for edit in self.fields]

    def missing(self) -> str:
        if not any(edit.text().strip() for edit in self.fields):
            return "Type the missing words first (Tab goes to the next blank)."
        return ""

    def focus_target(self) -> QWidget:
        for edit, mark in zip(self.fields, self.marks, strict=True):
            if mark.property("mark") == "wrong":
                return edit
        return self.fields[0]

    def filled(self, outcome: Outcome) -> list[tuple[str, bool, str]]:
        """Each blank as ``cloze_prompt_html`` fills it in: a right one in the form the
        question writes it (``nonnull`` shows as ``NonNull``)."""
        filled = []
        for edit, right, options in zip(
            self.fields, outcome.detail, self.alternatives, strict=True
        ):
            given = edit.text()
            if right:
                typed = normalise_blank(given)
                given = next((o for o in options if normalise_blank(o) == typed), given)
            filled.append((given, right, " / ".join(options)))
        return filled

    def show_outcome(self, outcome: Outcome) -> str:
        for edit, mark, right, options in zip(
            self.fields, self.marks, outcome.detail, self.alternatives, strict=True
        ):
            _set_property(edit, "mark", "right" if right else "wrong")
            _set_property(mark, "mark", "right" if right else "wrong")
            accepted = " or ".join(f"“{o}”" for o in options)
            mark.setText(f"{RIGHT} Right" if right else f"{WRONG} Expected {accepted}")
            edit.setAccessibleDescription(mark.text())
        placed = sum(outcome.detail)
        if len(outcome.detail) > 1:
            return f"{placed} of {len(outcome.detail)} blanks right"
        return ""

    def lock(self, locked: bool) -> None:
        for edit in self.fields:
            edit.setReadOnly(locked)
            edit.setFocusPolicy(Qt.FocusPolicy.NoFocus if locked else Qt.FocusPolicy.StrongFocus)

    def reset_for_retry(self) -> None:
        target = self.focus_target()
        for edit, mark in zip(self.fields, self.marks, strict=True):
            _set_property(edit, "mark", "")
            _set_property(mark, "mark", "")
            mark.setText("")
        self.lock(False)
        if isinstance(target, QLineEdit):
            target.selectAll()


# -- order -----------------------------------------------------------------------------------


class StepDelegate(QtWidgets.QStyledItemDelegate):
    """Draws a step: its position, its text (inline Markdown) and, after the answer, a mark."""

    def __init__(self, view: StepList) -> None:
        super().__init__(view)
        self.view = view

    def _document(
        self, index: QtCore.QModelIndex | QtCore.QPersistentModelIndex, width: int
    ) -> QtGui.QTextDocument:
        document = QtGui.QTextDocument()
        document.setDefaultFont(self.view.font())
        document.setDocumentMargin(8)
        colours = self.view.colours
        mark = index.data(MARK_ROLE) or ""
        sign = ""
        if mark:
            colour = colours.right_fg if mark == "right" else colours.wrong_fg
            words = f"{RIGHT} right place" if mark == "right" else f"{WRONG} wrong place"
            sign = f'&nbsp;&nbsp;<span style="color: {colour}; font-weight: 600;">{words}</span>'
        body = (
            f'<span style="color: {colours.muted};">≡</span>&nbsp;&nbsp;'
            f"<b>{index.row() + 1}.</b>&nbsp;&nbsp;{index.data(Qt.ItemDataRole.DisplayRole)}{sign}"
        )
        document.setHtml(rich(body, colours))
        document.setTextWidth(max(80, width))
        return document

    def sizeHint(
        self,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> QtCore.QSize:
        width = self.view.viewport().width() - 4
        document = self._document(index, width)
        return QtCore.QSize(width, math.ceil(document.size().height()) + 2)

    def paint(
        self,
        painter: QtGui.QPainter,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> None:
        style_option = QtWidgets.QStyleOptionViewItem(option)
        self.initStyleOption(style_option, index)
        style_option.text = ""
        widget = self.view
        widget.style().drawControl(
            QtWidgets.QStyle.ControlElement.CE_ItemViewItem, style_option, painter, widget
        )
        rect = option.rect  # type: ignore[attr-defined]
        mark = index.data(MARK_ROLE) or ""
        colours = self.view.colours
        if mark:
            painter.fillRect(
                rect.adjusted(2, 2, -2, -2),
                QtGui.QColor(colours.right_bg if mark == "right" else colours.wrong_bg),
            )
        selected = bool(option.state & QtWidgets.QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        document = self._document(index, rect.width())
        context = QtGui.QAbstractTextDocumentLayout.PaintContext()
        palette = QtGui.QPalette(option.palette)  # type: ignore[attr-defined]
        text_role = (
            QtGui.QPalette.ColorRole.HighlightedText if selected and not mark
            else QtGui.QPalette.ColorRole.Text
        )  # fmt: skip
        palette.setColor(QtGui.QPalette.ColorRole.Text, option.palette.color(text_role))  # type: ignore[attr-defined]
        context.palette = palette
        painter.save()
        painter.translate(rect.topLeft() + QPoint(0, 1))
        painter.setClipRect(QtCore.QRect(0, 0, rect.width(), rect.height()))
        document.documentLayout().draw(painter, context)
        painter.restore()
        painter.save()
        painter.setPen(QtGui.QColor(colours.border))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.restore()


class StepList(QListWidget):
    """The steps of an order question: Alt+↑/↓ (or Ctrl+↑/↓) moves the selected one, or
    drag it; the list is as tall as its steps."""

    moved = Signal()

    def __init__(self, colours: Colours) -> None:
        super().__init__()
        self.colours = colours
        self.setObjectName("steps")
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragDropMode(QListWidget.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self.setItemDelegate(StepDelegate(self))
        self.locked = False
        self.model().rowsMoved.connect(lambda *_args: self._after_move())

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        modifiers = event.modifiers()
        moving = modifiers & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier)
        if moving and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            if not self.locked:
                self.move_current(-1 if event.key() == Qt.Key.Key_Up else 1)
            event.accept()
            return
        super().keyPressEvent(event)

    def move_current(self, step: int) -> bool:
        row = self.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.count():
            return False
        item = self.takeItem(row)
        self.insertItem(target, item)
        self.setCurrentRow(target)
        self._after_move()
        return True

    def _after_move(self) -> None:
        self.viewport().update()
        self.moved.emit()

    def steps(self) -> list[str]:
        return [str(self.item(i).data(STEP_ROLE)) for i in range(self.count())]

    def fit(self) -> None:
        """As tall as every step (they wrap), so that the page scrolls, not the list."""
        rows = sum(self.sizeHintForRow(i) for i in range(self.count()))
        height = rows + 2 * self.frameWidth()
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.doItemsLayout()
            QtCore.QTimer.singleShot(0, self.fit)


class OrderAsker(QWidget):
    def __init__(self, item: QuizItem, seed: str, theme: Theme, colours: Colours) -> None:
        super().__init__()
        self.question = item.question
        self.list = StepList(colours)
        for number, step in enumerate(shuffled_choices(item.question, seed), start=1):
            entry = QListWidgetItem(inline_html(step, theme))
            entry.setData(STEP_ROLE, step)
            entry.setData(Qt.ItemDataRole.AccessibleTextRole, f"Step: {plain_text(step)}")
            entry.setToolTip(plain_text(step))
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsDragEnabled)
            self.list.addItem(entry)
            del number
        self.list.setAccessibleName("Steps, in your order")
        self.list.setAccessibleDescription("Alt+Up and Alt+Down move the selected step.")
        self.list.setCurrentRow(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        QtCore.QTimer.singleShot(0, self.list.fit)

    def response(self) -> object:
        return self.list.steps()

    def missing(self) -> str:
        return ""

    def focus_target(self) -> QWidget:
        return self.list

    def show_outcome(self, outcome: Outcome) -> str:
        for i, right in enumerate(outcome.detail):
            self.list.item(i).setData(MARK_ROLE, "right" if right else "wrong")
        self.list.clearSelection()
        self.list.viewport().update()
        placed = sum(outcome.detail)
        return f"{placed} of {len(outcome.detail)} steps in the right place"

    def lock(self, locked: bool) -> None:
        self.list.locked = locked
        self.list.setDragDropMode(
            QListWidget.DragDropMode.NoDragDrop if locked
            else QListWidget.DragDropMode.InternalMove
        )  # fmt: skip
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus if locked else Qt.FocusPolicy.StrongFocus)

    def reset_for_retry(self) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setData(MARK_ROLE, None)
        self.lock(False)
        self.list.setCurrentRow(0)
        self.list.viewport().update()


# -- the session window ----------------------------------------------------------------------


class LinkCard(QPushButton):
    """A button that reads like a link: a title and a line under it (a section to re-read)."""

    def __init__(self, title: str, description: str) -> None:
        super().__init__()
        self.setObjectName("rereadLink")
        self.setAutoDefault(False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._title = QLabel(f"{title}  →")
        self._title.setObjectName("linkTitle")
        self._description = QLabel(description)
        self._description.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(2)
        for label in (self._title, self._description):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
        self.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed
        )

    def title(self) -> str:
        return self._title.text().removesuffix("  →")

    def description(self) -> str:
        return self._description.text()

    def sizeHint(self) -> QtCore.QSize:
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QtCore.QSize:
        return self.sizeHint()


Asker = ChoiceAsker | ClozeAsker | OrderAsker


class QuizSession(QDialog):
    """The quiz window: one question at a time, then a summary. Not modal: the reader stays
    usable beside it ("Read the section" opens the article there)."""

    answered = Signal(object, int, bool)  # QuestionKey, rating, correct: once recorded
    finished_session = Signal(object)  # SessionSummary: the session ended (summary or closed)
    read_section = Signal(object)  # ArticleRef (with the heading as fragment) to open
    empty_action = Signal(str)  # from the empty page: "due", "weak", "article", "practise"

    def __init__(
        self,
        service: QuizService,
        relay: FutureRelay,
        *,
        theme: Callable[[], Theme],
        section_title: Callable[[str, str, str], str],
        report: Callable[[BaseException, str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("quizSession")
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setModal(False)
        self.resize(760, 620)
        self.setMinimumSize(520, 420)
        self.service = service
        self.relay = relay
        self.theme = theme
        self.section_title = section_title
        self.report = report
        self.clock = clock  # seconds, monotonic: how long each answer took
        self.title = ""
        self.scope = Scope()
        self.keys: list[QuestionKey] = []
        self.items: list[QuizItem] = []
        self.index = 0
        self.seed = ""
        self.state = "idle"  # asking, feedback, recall-front, recall-back, summary, empty
        self.summary: SessionSummary | None = None
        self.saving = 0  # answers on their way to the database
        self.asker: Asker | None = None
        self.buttons: dict[str, QPushButton] = {}
        self._keys: dict[int, Callable[[], object]] = {}
        self._started = 0.0
        self._reported = True
        self._colours = Colours.of(theme())
        self._build()

    # -- the frame ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel()
        self.heading.setObjectName("sessionTitle")
        self.progress_line = QLabel()
        self.progress_line.setObjectName("progress")
        self.progress_line.setAccessibleName("Progress")
        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(6)
        self.progress_bar.setAccessibleName("Questions done")
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.progress_line, 0, Qt.AlignmentFlag.AlignBottom)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.button_row = QHBoxLayout()
        self.button_row.setSpacing(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.notice)
        layout.addLayout(self.button_row)
        self._restyle()

    def _restyle(self) -> None:
        self._colours = Colours.of(self.theme())
        self.setStyleSheet(stylesheet(self._colours))

    def changeEvent(self, event: QtCore.QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QtCore.QEvent.Type.PaletteChange:
            colours = Colours.of(self.theme())
            if colours != self._colours:  # the theme changed: the next page is in its colours
                self._restyle()

    def _set_page(self, page: QWidget) -> None:
        old = self.scroller.takeWidget()
        if old is not None:
            old.deleteLater()
        page.setObjectName("page")
        self.scroller.setWidget(page)
        self.scroller.verticalScrollBar().setValue(0)

    def _set_buttons(self, left: Sequence[tuple[str, str, Callable[[], object], str]],
                     right: Sequence[tuple[str, str, Callable[[], object], str]],
                     primary: str = "") -> None:  # fmt: skip
        """Replace the buttons: each ``(name, text, run, tooltip)``; ``primary`` is the
        default-looking one."""
        while self.button_row.count():
            entry = self.button_row.takeAt(0)
            widget = entry.widget() if entry is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.buttons = {}

        def add(name: str, text: str, run: Callable[[], object], tip: str) -> None:
            button = QPushButton(text)
            button.setObjectName(f"{name}Button")
            button.setAutoDefault(False)
            button.setDefault(name == primary)
            button.setAccessibleName(re.sub(r"\s*\(.*\)$", "", text.replace("&", "")))
            if tip:
                button.setToolTip(tip)
                button.setAccessibleDescription(tip)
            button.clicked.connect(lambda _checked=False: run())
            self.buttons[name] = button
            self.button_row.addWidget(button)
            button.show()  # at once (not when the layout next runs): it may take the focus

        for spec in left:
            add(*spec)
        self.button_row.addStretch(1)
        for spec in right:
            add(*spec)

    def _focus(self, widget: QWidget | None) -> None:
        if widget is None:
            return
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if not widget.isVisible():  # not laid out yet: once it is
            QtCore.QTimer.singleShot(0, lambda: widget.setFocus(Qt.FocusReason.OtherFocusReason))

    def _say(self, words: str) -> None:
        self.notice.setText(words)
        self.notice.setVisible(bool(words))

    def _label(self, text: str, name: str = "", *, rich_text: bool = False) -> QLabel:
        label = QLabel(text)
        if name:
            label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText if rich_text else Qt.TextFormat.PlainText)
        if rich_text:
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the answer
        return label

    # -- keys --------------------------------------------------------------------------------
    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        key = event.key()
        if event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            super().keyPressEvent(event)
            return
        action = self._keys.get(key)
        if action is None and key == Qt.Key.Key_Enter:
            action = self._keys.get(Qt.Key.Key_Return)
        if action is not None:
            event.accept()
            action()
            return
        if key in _ENTER:
            focused = self.focusWidget()
            if isinstance(focused, QAbstractButton) and focused.isEnabled():
                focused.click()
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            event.accept()
            self.end()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:  # Esc from anywhere Qt sends it
        self.end()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self._wrap_up(early=True)
        super().closeEvent(event)

    # -- a session ---------------------------------------------------------------------------
    def begin(self, keys: Sequence[QuestionKey], title: str, scope: Scope | None = None) -> None:
        """Start a session on ``keys`` (an empty list shows what to do instead)."""
        self._wrap_up(early=True)
        self.title = title
        self.scope = scope or Scope()
        self.keys = [QuestionKey(*key) for key in keys]
        self.items = [
            item for item in (self.service.item(*key) for key in self.keys) if item is not None
        ]
        self.index = 0
        self.seed = uuid.uuid4().hex
        self.summary = SessionSummary(title, len(self.items))
        self._started = self.clock()
        self._restyle()
        self.setWindowTitle(f"Quiz — {title}")
        self.heading.setText(title)
        self._say("")
        if self.service.read_only:
            self._say("The study data is read-only: your answers are not saved.")
        if not self.items:
            self._reported = True
            self._show_empty()
            return
        self._reported = False
        self._show_question()

    @property
    def item(self) -> QuizItem | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def _update_progress(self) -> None:
        total = len(self.items)
        right = self.summary.right if self.summary else 0
        shown = min(self.index + 1, total)
        self.progress_line.setText(f"{shown} of {total} · {right} right")
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(len(self.summary.answers) if self.summary else 0)
        self.progress_line.show()
        self.progress_bar.show()

    def _show_question(self) -> None:
        item = self.item
        assert item is not None
        q = item.question
        theme, colours = self.theme(), self._colours
        self._attempts = 0
        self._elapsed = 0.0
        self._pending: tuple[int, bool] | None = None
        self._outcome: Outcome | None = None
        self._update_progress()
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 6, 8, 6)
        layout.setSpacing(10)
        where = " › ".join((*item.area_titles, item.article_title))
        meta = self._label(f"{TYPE_LABELS.get(q.type, q.type)} · {where}", "muted")
        layout.addWidget(meta)
        if q.type == "cloze":
            body = cloze_prompt_html(q.prompt, theme, colours)
        else:
            body = markdown_html(q.prompt, theme)
        self.prompt = self._label(rich(body, colours), "prompt", rich_text=True)
        self.prompt.setAccessibleName("Question")
        layout.addWidget(self.prompt)
        self.hint = self._label("", "hint")
        layout.addWidget(self.hint)
        self.asker = None
        self.feedback = QFrame()
        self.feedback.setObjectName("feedback")
        feedback_layout = QVBoxLayout(self.feedback)
        feedback_layout.setContentsMargins(14, 10, 14, 12)
        feedback_layout.setSpacing(6)
        self.verdict = self._label("", "verdict")
        self.verdict.setAccessibleName("Verdict")
        self.detail = self._label("", "detail", rich_text=True)
        self.explanation = self._label("", "explanation", rich_text=True)
        self.explanation.setAccessibleName("Explanation")
        self.recorded = self._label("", "muted")
        for widget in (self.verdict, self.detail, self.explanation, self.recorded):
            feedback_layout.addWidget(widget)
        self.feedback.hide()
        end = ("end", "End Session (Esc)", self.end, "Stop here: the answers so far are kept")
        if q.type == "recall":
            self.hint.setText("Answer in your head, then press Space to see the answer.")
            layout.addWidget(self.feedback)
            layout.addStretch(1)
            self._set_page(page)
            reveal = ("reveal", "Show Answer (Space)", self.reveal, "See the answer, then grade")
            self._set_buttons([end], [reveal], "reveal")
            self.state = "recall-front"
            self._keys = {Qt.Key.Key_Space: self.reveal, Qt.Key.Key_Return: self.reveal}
            self._focus(self.buttons["reveal"])
        else:
            asker: Asker
            if q.type in ("single", "multiple", "true-false"):
                asker = ChoiceAsker(item, self.seed, theme, colours)
            elif q.type == "cloze":
                asker = ClozeAsker(item)
            else:
                asker = OrderAsker(item, self.seed, theme, colours)
            self.asker = asker
            layout.addWidget(asker)
            layout.addWidget(self.feedback)
            layout.addStretch(1)
            self._set_page(page)
            self._ask()
        self._attempt_started = self.clock()

    def _ask(self) -> None:
        """Keys, hint and buttons while the question waits for its answer."""
        item, asker = self.item, self.asker
        assert item is not None and asker is not None
        q = item.question
        self.state = "asking"
        keys: dict[int, Callable[[], object]] = {Qt.Key.Key_Return: self.submit}
        again = " (second try)" if self._attempts else ""
        if isinstance(asker, ChoiceAsker):
            count = len(asker.rows)
            if q.type == "true-false":
                self.hint.setText(f"Press T or 1 for true, F or 2 for false{again}.")
                keys[Qt.Key.Key_T] = keys[Qt.Key.Key_1] = lambda: self._true_false(0)
                keys[Qt.Key.Key_F] = keys[Qt.Key.Key_2] = lambda: self._true_false(1)
            else:
                for key, number in _DIGITS.items():
                    if number <= count:
                        keys[key] = partial(asker.pick, number)
                if q.type == "multiple":
                    self.hint.setText(
                        f"Choose every right answer: 1–{count} toggles a choice, "
                        f"Enter answers{again}."
                    )
                else:
                    self.hint.setText(f"Press 1–{count} to choose, then Enter{again}.")
        elif isinstance(asker, ClozeAsker):
            self.hint.setText(
                "Type the missing words: Tab goes to the next blank, Enter answers "
                f"(capitals and spaces do not matter){again}."
            )
        else:
            self.hint.setText(
                f"↑/↓ selects a step, Alt+↑/Alt+↓ moves it (or drag it), Enter answers{again}."
            )
        self._keys = keys
        end = ("end", "End Session (Esc)", self.end, "Stop here: the answers so far are kept")
        answer = ("answer", "Answer (Enter)", self.submit, "Check your answer")
        self._set_buttons([end], [answer], "answer")
        asker.lock(False)
        self._focus(asker.focus_target())

    def _true_false(self, index: int) -> None:
        asker = self.asker
        if isinstance(asker, ChoiceAsker) and asker.pick(index + 1):
            self.submit()

    # -- answering ---------------------------------------------------------------------------
    def submit(self) -> None:
        """Check the answer given (objective questions)."""
        item, asker = self.item, self.asker
        if self.state != "asking" or item is None or asker is None:
            return
        missing = asker.missing()
        if missing:
            self.hint.setText(missing)
            self._focus(asker.focus_target())
            return
        q = item.question
        self._elapsed += max(0.0, self.clock() - self._attempt_started)
        self._attempts += 1
        response = asker.response()
        outcome = check(q, response)
        self._outcome = outcome
        asker.lock(True)
        line = asker.show_outcome(outcome)
        if isinstance(asker, ClozeAsker):
            filled = cloze_prompt_html(q.prompt, self.theme(), self._colours, asker.filled(outcome))
            self.prompt.setText(rich(filled, self._colours))
        retry = not outcome.correct and self._attempts == 1 and q.type in RETRYABLE
        if outcome.correct:
            rating = rating_for(True, seconds=self._elapsed, attempts=self._attempts,
                                fast_seconds=fast_threshold(q))  # fmt: skip
            self._record(rating, True)
        elif retry:
            self._pending = (AGAIN, False)  # recorded when moving on without a second try
        else:
            self._record(AGAIN, False)
        self._show_feedback(outcome, line, retry)

    def _show_feedback(self, outcome: Outcome, line: str, retry: bool) -> None:
        item = self.item
        assert item is not None
        q = item.question
        colours, theme = self._colours, self.theme()
        verdict = "right" if outcome.correct else "wrong"
        if outcome.correct:
            words = f"{RIGHT} Right" + (" on the second try" if self._attempts > 1 else "")
        else:
            words = f"{WRONG} Wrong"
        if line:
            words += f" — {line}"
        self.verdict.setText(words)
        _set_property(self.verdict, "verdict", verdict)
        _set_property(self.feedback, "verdict", verdict)
        parts: list[str] = []
        if not outcome.correct and self._expected_html(outcome):
            parts.append(self._expected_html(outcome))
        self.detail.setText(rich("".join(parts), colours))
        self.detail.setVisible(bool(parts))
        self.explanation.setText(rich(markdown_html(q.explanation, theme), colours))
        self.explanation.setVisible(bool(q.explanation.strip()))
        if retry:
            self.recorded.setText("Try again for a second chance (counted as Hard if right).")
        elif self.recorded.text() == "":
            self.recorded.setText("Saving…")
        self.feedback.show()
        self.hint.setText("")
        self.hint.hide()
        self.state = "feedback"
        last = self.index + 1 >= len(self.items)
        next_text = "See Results (Enter)" if last else "Next Question (Enter)"
        left = [("end", "End Session (Esc)", self.end, "Stop here: the answers so far are kept")]
        right: list[tuple[str, str, Callable[[], object], str]] = [self._read_button()]
        keys: dict[int, Callable[[], object]] = {
            Qt.Key.Key_Return: self.next,
            Qt.Key.Key_S: self.read,
        }
        if retry:
            right.append(("retry", "Try Again (R)", self.retry, "One more try at this question"))
            keys[Qt.Key.Key_R] = self.retry
        right.append(("next", next_text, self.next, ""))
        self._set_buttons(left, right, "next")
        self._keys = keys
        self._update_progress()
        self._focus(self.buttons["next"])
        QtCore.QTimer.singleShot(0, lambda: self._show_widget(self.feedback))

    def _show_widget(self, widget: QWidget) -> None:
        with contextlib.suppress(RuntimeError):  # the page went on meanwhile
            self.scroller.ensureWidgetVisible(widget, 0, 0)

    def _expected_html(self, outcome: Outcome) -> str:
        item = self.item
        assert item is not None
        q, theme = item.question, self.theme()
        if q.type == "order":
            steps = "".join(f"<li>{inline_html(step, theme)}</li>" for step in q.answer)
            return f"<p><b>The right order:</b></p><ol>{steps}</ol>"
        if q.type in ("multiple", "cloze"):
            return ""  # each choice, each blank says it beside itself
        if q.type == "true-false":
            return f"<p><b>The answer:</b> {'True' if q.answer else 'False'}</p>"
        return f"<p><b>The answer:</b> {inline_html(str(q.answer), theme)}</p>"

    def retry(self) -> None:
        """A second try at a question answered wrong (its single review comes after it)."""
        asker = self.asker
        if self.state != "feedback" or self._pending is None or asker is None:
            return
        self._pending = None
        item = self.item
        assert item is not None
        if item.question.type == "cloze":  # the blanks numbered again, not filled in
            prompt = cloze_prompt_html(item.question.prompt, self.theme(), self._colours)
            self.prompt.setText(rich(prompt, self._colours))
        asker.reset_for_retry()
        self.feedback.hide()
        self.recorded.setText("")
        self.hint.show()
        self._ask()
        self._attempt_started = self.clock()

    def reveal(self) -> None:
        """Show a flashcard's answer, then ask for a grade."""
        item = self.item
        if self.state != "recall-front" or item is None:
            return
        q = item.question
        self._elapsed = max(0.0, self.clock() - self._attempt_started)
        colours, theme = self._colours, self.theme()
        self.verdict.setText("The answer")
        _set_property(self.verdict, "verdict", "")
        _set_property(self.feedback, "verdict", "")
        self.detail.setText(rich(markdown_html(str(q.answer), theme), colours))
        self.detail.show()
        self.explanation.setText(rich(markdown_html(q.explanation, theme), colours))
        self.explanation.setVisible(bool(q.explanation.strip()) and q.explanation != q.answer)
        self.recorded.setText("How well did you remember it? Press 1–4.")
        self.feedback.show()
        self.hint.hide()
        self.state = "recall-back"
        left = [("end", "End Session (Esc)", self.end, "Stop here: the answers so far are kept"),
                self._read_button()]  # fmt: skip
        right = [
            (f"grade{rating}", f"{rating} · {RATING_NAMES[rating]}",
             lambda r=rating: self.grade(r), RATING_TIPS[rating])
            for rating in (AGAIN, HARD, GOOD, EASY)
        ]  # fmt: skip
        self._set_buttons(left, right, f"grade{GOOD}")
        keys: dict[int, Callable[[], object]] = {
            getattr(Qt.Key, f"Key_{r}"): partial(self.grade, r) for r in (1, 2, 3, 4)
        }
        keys[Qt.Key.Key_S] = self.read
        self._keys = keys
        self._focus(self.buttons[f"grade{GOOD}"])
        QtCore.QTimer.singleShot(0, lambda: self._show_widget(self.feedback))

    def grade(self, rating: int) -> None:
        """The learner's own grade of a flashcard (1 Again … 4 Easy); then the next one."""
        if self.state != "recall-back":
            return
        self._attempts = 1
        self._record(rating, rating > AGAIN)
        self.next()

    def _read_button(self) -> tuple[str, str, Callable[[], object], str]:
        item = self.item
        assert item is not None
        heading = self.section_title(item.pack_id, item.source_article, item.anchor)
        tip = f"Open “{heading}” in the reader, beside the quiz"
        return ("read", "Read the Section (S)", self.read, tip)

    def read(self) -> None:
        """Open the question's source section in the reader; the quiz stays open."""
        item = self.item
        if item is None or self.state not in ("feedback", "recall-back"):
            return
        self.open_section(item.pack_id, item.source_article, item.anchor)

    def open_section(self, pack_id: str, article_id: str, anchor: str) -> None:
        self.read_section.emit(ArticleRef(pack_id, article_id, anchor))  # type: ignore[arg-type]
        bring_forward(self)

    def next(self) -> None:
        """On to the next question (or the results)."""
        if self.state not in ("feedback", "recall-back"):
            return
        self._settle()
        self.index += 1
        if self.index >= len(self.items):
            self._finish(early=False)
        else:
            self._show_question()

    def end(self) -> None:
        """Esc: stop the session and show the results (on the results page: close)."""
        if self.state in ("summary", "empty", "idle"):
            self.hide()
            return
        self._finish(early=True)

    # -- recording ---------------------------------------------------------------------------
    def _settle(self) -> None:
        """Record a wrong first answer whose second try was not taken."""
        if self._pending is not None and self.state == "feedback":
            rating, correct = self._pending
            self._pending = None
            self._record(rating, correct)

    def _record(self, rating: int, correct: bool) -> None:
        item = self.item
        if item is None or self.summary is None:
            return
        spent = int(round(self._elapsed * 1000))
        self.summary.answers.append(Answered(item, rating, correct, self._attempts, spent))
        self._update_progress()
        key = item.key
        try:
            future = self.service.answer(key.pack_id, key.question_id, rating, correct, spent)
        except QuizError as error:
            self._say(str(error))
            self.recorded.setText("Not saved: the study data is read-only.")
            return
        self.saving += 1
        name = RATING_NAMES[rating]
        label = self.recorded

        def saved(state: CardState) -> None:
            self.saving -= 1
            self.answered.emit(key, rating, correct)
            try:
                if label.isVisible():
                    when = until(state.due_ms, _now_ms())
                    label.setText(f"Saved as {name} ({rating}) · next review {when}.")
            except RuntimeError:  # that page is gone
                pass

        def failed(error: BaseException) -> None:
            self.saving -= 1
            self._say("An answer could not be saved; see the status bar of the main window.")
            if self.report is not None:
                self.report(error, "Your quiz answer could not be saved")

        self.relay.when_done(future, saved, failed)

    def _finish(self, *, early: bool) -> None:
        self._settle()
        if self.summary is None:
            return
        self.summary.ended_early = early and len(self.summary.answers) < len(self.items)
        self.summary.seconds = max(0.0, self.clock() - self._started)
        self._show_summary(self.summary)
        if not self._reported:
            self._reported = True
            self.finished_session.emit(self.summary)

    def _wrap_up(self, *, early: bool) -> None:
        """The window closes (or a new session starts) in the middle of one: keep what was
        answered and say the session ended."""
        if self._reported or self.summary is None:
            return
        self._settle()
        self._reported = True
        self.summary.ended_early = early and len(self.summary.answers) < len(self.items)
        self.summary.seconds = max(0.0, self.clock() - self._started)
        self.state = "idle"
        self.finished_session.emit(self.summary)

    # -- the results -------------------------------------------------------------------------
    def _show_summary(self, summary: SessionSummary) -> None:
        self.state = "summary"
        self.asker = None
        self.progress_bar.setValue(len(summary.answers))
        answered = len(summary.answers)
        self.progress_line.setText(
            f"{answered} of {summary.total} answered · {summary.right} right"
        )
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 6, 8, 6)
        layout.setSpacing(12)
        title = "Session ended early" if summary.ended_early else "Session complete"
        layout.addWidget(self._label(title, "sectionHeading"))
        score = self._label(f"{summary.right} of {answered} right", "score")
        score.setAccessibleName("Score")
        layout.addWidget(score)
        if summary.ended_early:
            left = summary.total - answered
            layout.addWidget(self._label(
                f"You answered {answered} of {summary.total} questions; the {left} left "
                "stay due.", "muted"))  # fmt: skip
        tiles = QHBoxLayout()
        tiles.setSpacing(8)
        ratings = summary.ratings
        for value, name, tip in (
            (duration(summary.seconds), "Time", "How long the session took"),
            *((str(ratings.get(r, 0)), RATING_NAMES[r], RATING_TIPS[r])
              for r in (AGAIN, HARD, GOOD, EASY)),
        ):  # fmt: skip
            tile = QFrame()
            tile.setObjectName("tile")
            tile.setAccessibleName(f"{name}: {value}")
            tile.setToolTip(tip)
            box = QVBoxLayout(tile)
            box.setContentsMargins(12, 8, 12, 8)
            box.setSpacing(0)
            shown = QLabel(value)
            shown.setObjectName("tileValue")
            caption = QLabel(name)
            caption.setObjectName("tileName")
            box.addWidget(shown)
            box.addWidget(caption)
            tiles.addWidget(tile)
        tiles.addStretch(1)
        layout.addLayout(tiles)
        layout.addWidget(self._label("Sections to re-read", "sectionHeading"))
        self.reread_buttons: list[LinkCard] = []
        keys: dict[int, Callable[[], object]] = {}
        sections = summary.reread
        if sections:
            last = min(9, len(sections))
            keys_words = "1" if last == 1 else f"1–{last}"
            layout.addWidget(self._label(
                f"The questions not right at the first try come from these. Press {keys_words} "
                "to open one in the reader; the quiz stays open.", "muted"))  # fmt: skip
        else:
            text = "Nothing to re-read: every answer was right the first time."
            if not summary.answers:
                text = "No questions were answered."
            layout.addWidget(self._label(text, "muted"))
        for number, ((pack_id, article_id, anchor), count) in enumerate(sections, start=1):
            heading = self.section_title(pack_id, article_id, anchor)
            article = self._article_title(pack_id, article_id)
            missed = f"{count} question{'s' if count != 1 else ''} to review"
            link = LinkCard(heading, f"{article} · {missed}")
            link.setAccessibleName(f"Read “{heading}” in {article}")
            shortcut = f" (key {number})" if number < 10 else ""
            link.setToolTip(f"Open “{heading}” in the reader{shortcut}")
            link.clicked.connect(
                lambda _c=False, p=pack_id, a=article_id, h=anchor: self.open_section(p, a, h)
            )
            layout.addWidget(link)
            self.reread_buttons.append(link)
            if number < 10:
                keys[getattr(Qt.Key, f"Key_{number}")] = link.click
        layout.addStretch(1)
        self._set_page(page)
        again = ("again", "Quiz These &Again", self.again,
                 "The same questions once more, in a new order")  # fmt: skip
        close = ("close", "Close (Esc)", self.hide, "")
        self._set_buttons([again], [close], "close")
        keys[Qt.Key.Key_A] = self.again
        self._keys = keys
        self._focus(self.reread_buttons[0] if self.reread_buttons else self.buttons["close"])

    def _article_title(self, pack_id: str, article_id: str) -> str:
        for item in self.items:
            if item.pack_id == pack_id and item.article_id == article_id:
                return item.article_title
        return self.section_title(pack_id, article_id, "")

    def again(self) -> None:
        """Quiz These Again: the session's questions once more, shuffled anew."""
        if self.state != "summary":
            return
        self.begin(self.keys, self.title, self.scope)

    # -- nothing to ask ----------------------------------------------------------------------
    def _show_empty(self) -> None:
        self.state = "empty"
        self.asker = None
        self.progress_line.hide()
        self.progress_bar.hide()
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 16, 24, 6)
        layout.setSpacing(10)
        scope = self.scope
        catalogue = self.service.catalogue()
        items = [i for i in catalogue.items.values() if _in_scope(i, scope)]
        label = scope.label or self.title
        offers: list[tuple[str, str, Any, str]] = []  # (action, text, key, tooltip)
        practise = (
            "practise", f"Practise All {len(items)} Anyway (P)", Qt.Key.Key_P,
            "Ask them now, though they are not due: it counts as an early review",
        )  # fmt: skip
        due = ("due", "Due Today (D)", Qt.Key.Key_D, "Every question due today")
        weak = ("weak", "Weak Spots (W)", Qt.Key.Key_W, "The questions you most likely forgot")
        article = ("article", "Quiz This Article (A)", Qt.Key.Key_A,
                   "The questions of the article you are reading")  # fmt: skip
        if scope.kind == "due":
            headline = "Nothing is due."
            text = "Every question you have answered is scheduled for later." if catalogue.items \
                else "None of the open content packs has quiz questions."  # fmt: skip
            offers = [weak, article]
        elif scope.kind == "weak":
            headline = "No weak spots yet."
            text = "Weak spots are questions you have answered before; start with what is due."
            offers = [due, article]
        elif scope.kind in ("article", "section", "area") and not items:
            what = {"article": "article", "section": "section", "area": "area"}[scope.kind]
            headline = f"No questions about this {what}."
            text = f"No quiz question asks about “{label}”."
            offers = ([article] if scope.kind != "article" else []) + [due, weak]
        elif scope.kind in ("article", "section", "area"):
            headline = "Nothing here is due."
            many = "question" if len(items) == 1 else f"all {len(items)} questions"
            text = f"You have answered {many} about “{label}”; none is due yet."
            offers = [practise, due, weak]
        else:
            headline = "No questions to ask."
            text = "The questions of this session are no longer in any open content pack."
            offers = [due, weak]
        calm = scope.kind in ("due", "article", "section", "area") and bool(
            items or scope.kind == "due"
        )
        sign = QLabel(RIGHT if calm else "?")
        sign.setObjectName("bigSign")
        _set_property(sign, "mark", "right" if calm else "")
        self.headline = self._label(headline, "headline")
        self.headline.setAccessibleName("Nothing to ask")
        explanation = self._label(text)
        self.next_review = self._label("", "muted")
        self.next_review.hide()
        layout.addStretch(1)
        for widget in (sign, self.headline, explanation, self.next_review):
            widget.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(widget)
        layout.addStretch(2)
        if scope.kind == "due" and catalogue.items:
            self.relay.when_done(self.service.stats(days=1), self._show_next_review)
        self._set_page(page)
        keys: dict[int, Callable[[], object]] = {}
        specs: list[tuple[str, str, Callable[[], object], str]] = []
        for action, text_, key, tip in offers:
            specs.append((action, text_, partial(self.empty_action.emit, action), tip))
            keys[key] = partial(self.empty_action.emit, action)
        self._set_buttons([("close", "Close (Esc)", self.hide, "")], specs,
                          specs[0][0] if specs else "close")  # fmt: skip
        self._keys = keys
        self._focus(self.buttons[specs[0][0]] if specs else self.buttons["close"])

    def _show_next_review(self, stats: QuizStats) -> None:
        if self.state != "empty":
            return
        figures = stats.overall
        if figures.due_7d:
            words = (
                f"Next reviews: {figures.due_7d} in the next 7 days, "
                f"{figures.due_30d} in the next 30."
            )
        elif figures.due_30d:
            words = f"Next reviews: {figures.due_30d} in the next 30 days."
        else:
            words = "Nothing falls due in the next 30 days."
        if figures.new:
            words += f" {figures.new} questions are new."
        try:
            self.next_review.setText(words)
            self.next_review.show()
        except RuntimeError:
            pass


def bring_forward(window: QWidget) -> None:
    """Raise and activate a window (where the platform can: not offscreen)."""
    if QtGui.QGuiApplication.platformName() != "offscreen":
        window.raise_()
    window.activateWindow()


def _in_scope(item: QuizItem, scope: Scope) -> bool:
    if item.pack_id != scope.pack_id:
        return False
    if scope.kind == "article":
        return item.article_id == scope.article_id
    if scope.kind == "section":
        return item.source_article == scope.article_id and item.anchor == scope.anchor
    if scope.kind == "area":
        return not scope.area_id or scope.area_id in item.areas
    return False


def _now_ms() -> int:
    return int(time.time() * 1000)


# -- headings of an article, for section names -----------------------------------------------

_ATX = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def heading_titles(text: str) -> dict[str, str]:
    """Anchor -> heading text of a Markdown article's ATX headings (the reader's slugs, with
    its ``_1`` suffixes for repeats), without rendering it."""
    from markdown.extensions.toc import slugify

    titles: dict[str, str] = {}
    seen: Counter[str] = Counter()
    fenced = False
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":  # front matter
        for end in range(1, len(lines)):
            if lines[end].strip() in ("---", "..."):
                lines = lines[end + 1 :]
                break
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _ATX.match(line)
        if match is None:
            continue
        words = _LINK.sub(r"\1", match.group(2))
        words = re.sub(r"[`*_]", "", words).strip()
        slug = slugify(words, "-")
        anchor = slug if not seen[slug] else f"{slug}_{seen[slug]}"
        seen[slug] += 1
        titles.setdefault(anchor, words)
    return titles


# -- the feature -----------------------------------------------------------------------------


class QuizFeature(QObject):
    """The Quiz menu and the quiz window (one, reused). ``start(keys, title)`` starts a session
    on any questions (from the tree, the outline, search ...)."""

    session_finished = Signal(object)  # SessionSummary: refresh due counts
    answered = Signal(object, int, bool)  # QuestionKey, rating, correct: once recorded
    due_counts_changed = Signal(object)  # DueCounts

    def __init__(
        self, window: MainWindow, service: QuizService, due: QuizDue | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self.service = service
        self._due_source = due  # the window's due counts, if it keeps them (tree, outline)
        if due is not None:
            due.counts_changed.connect(self._on_due_counts)
        self.relay: FutureRelay = window.relay
        self.actions: dict[str, QtGui.QAction] = {}
        self.session: QuizSession | None = None
        self.due: DueCounts | None = None
        self.clock: Callable[[], float] = time.monotonic  # the sessions' (tests replace it)
        self._placed = False
        self._headings: dict[tuple[str, str, str], dict[str, str]] = {}

    # -- the commands ------------------------------------------------------------------------
    def quiz_article(self) -> None:
        ref = self._current()
        if ref is not None:
            self.start_article(ref.pack_id, ref.article_id)

    def quiz_section(self) -> None:
        ref = self._current()
        if ref is None:
            return
        anchor = self.current_section()
        if not anchor:  # above the first heading: the whole article
            self.start_article(ref.pack_id, ref.article_id)
            return
        self.start_section(ref.pack_id, ref.article_id, anchor)

    def quiz_area(self) -> None:
        ref = self._current()
        if ref is None:
            return
        article = self.window.library.article(ref)
        self.start_area(ref.pack_id, str(article.area_id) if article is not None else "")

    def due_today(self) -> None:
        self._build(self.service.due_today(), "Due today", Scope("due", label="today"))

    def weak_spots(self) -> None:
        self._build(self.service.weak_spots(), "Weak spots", Scope("weak"))

    # -- sessions by scope -------------------------------------------------------------------
    def start_article(self, pack_id: str, article_id: str) -> None:
        title = self._article_title(pack_id, article_id)
        scope = Scope("article", pack_id, article_id, label=title)
        self._build(self.service.for_article(pack_id, article_id), title, scope)

    def start_section(self, pack_id: str, article_id: str, anchor: str) -> None:
        heading = self.section_title(pack_id, article_id, anchor)
        scope = Scope("section", pack_id, article_id, anchor, label=heading)
        title = f"{self._article_title(pack_id, article_id)} › {heading}"
        self._build(self.service.for_section(pack_id, article_id, anchor), title, scope)

    def start_area(self, pack_id: str, area_id: str) -> None:
        area_id = area_id.strip("/")
        catalogue = self.service.catalogue()
        label = catalogue.area_label(pack_id, area_id) if area_id else \
            catalogue.pack_names.get(pack_id, pack_id)  # fmt: skip
        scope = Scope("area", pack_id, area_id=area_id, label=label)
        self._build(self.service.for_area(pack_id, area_id), label, scope)

    def start(
        self, keys: Sequence[QuestionKey], title: str, *, scope: Scope | None = None
    ) -> QuizSession:
        """Open the quiz window on ``keys`` (a session in progress there ends, its answers
        kept). An empty list shows a friendly page instead."""
        session = self._session_window()
        session.begin(keys, title, scope)
        if not session.isVisible() and not self._placed:
            self._placed = True  # first time: over the right of the window, the tree still seen
            frame = self.window.frameGeometry()
            x = max(frame.left(), frame.right() - session.width() - 40)
            session.move(x, frame.top() + 90)
        session.show()
        bring_forward(session)
        return session

    def practise(self, scope: Scope) -> QuizSession:
        """Every question of a scope, due or not, in reading order."""
        items = sorted(
            (i for i in self.service.catalogue().items.values() if _in_scope(i, scope)),
            key=lambda i: i.order,
        )
        title = self.session.title if self.session is not None else scope.label
        return self.start([i.key for i in items], title, scope=scope)

    def _build(self, future: Any, title: str, scope: Scope) -> None:
        report = self.window.failures.report

        def ready(keys: list[QuestionKey]) -> None:
            self.start(keys, title, scope=scope)

        def failed(error: BaseException) -> None:
            report(error, "The quiz could not be put together")

        self.relay.when_done(future, ready, failed)

    # -- due counts --------------------------------------------------------------------------
    def refresh_due(self) -> None:
        """Ask for the due counts again (after a session, a reload); ``due_counts_changed``."""
        if self._due_source is not None:
            self._due_source.refresh()
            return
        self.relay.when_done(self.service.due_counts(), self._on_due_counts)

    def _on_due_counts(self, counts: DueCounts) -> None:
        self.due = counts
        action = self.actions.get("quiz_due")
        if action is not None:
            action.setText(f"&Due Today ({counts.total})" if counts.total else "&Due Today")
        self.due_counts_changed.emit(counts)

    def update_actions(self, *_args: object) -> None:
        """The commands about the article being read need one."""
        has_article = self.window.current is not None
        for name in ("quiz_article", "quiz_section", "quiz_area"):
            action = self.actions.get(name)
            if action is not None:
                action.setEnabled(has_article)

    # -- the window's side -------------------------------------------------------------------
    def _current(self) -> ArticleRef | None:
        ref = self.window.current
        if ref is None:
            self.window.statusBar().showMessage("Open an article first.", 6000)
        return ref

    def current_section(self) -> str:
        """The anchor of the section being read that questions ask about: the heading above
        the upper third of the reader (its bottom, scrolled to the end: the last sections
        cannot reach the top), or the nearest enclosing heading that has questions."""
        reader = self.window.reader
        height = reader.viewport().height()
        bar = reader.verticalScrollBar()
        at_end = bar.maximum() > 0 and bar.value() >= bar.maximum()
        probe = QPoint(8, max(8, height - 8 if at_end else height // 3))
        position = reader.cursorForPosition(probe).position()
        anchor = reader.heading_at(position)
        ref = self.window.current
        if not anchor or ref is None:
            return anchor
        asked = {
            item.anchor
            for item in self.service.catalogue().items.values()
            if item.pack_id == ref.pack_id and item.source_article == ref.article_id
        }
        if anchor in asked:
            return anchor
        rendered = self.window.library.cached_render(
            ArticleRef(ref.pack_id, ref.article_id), self.window.theme
        )
        if rendered is None:
            return anchor
        headings = list(rendered.headings)
        at = next((i for i, h in enumerate(headings) if h.anchor == anchor), None)
        if at is None:
            return anchor
        level = headings[at].level
        for heading in reversed(headings[:at]):  # the enclosing headings, innermost first
            if heading.level < level:
                if heading.anchor in asked:
                    return heading.anchor
                level = heading.level
        return anchor

    def _article_title(self, pack_id: str, article_id: str) -> str:
        article = self.window.library.article(ArticleRef(pack_id, article_id))  # type: ignore[arg-type]
        return article.title if article is not None else article_id

    def section_title(self, pack_id: str, article_id: str, anchor: str) -> str:
        """A heading's text (the article's title for ``""``)."""
        if not anchor:
            return self._article_title(pack_id, article_id)
        ref = ArticleRef(pack_id, article_id)  # type: ignore[arg-type]
        article = self.window.library.article(ref)
        if article is None:
            return anchor
        key = (pack_id, article_id, article.digest)
        titles = self._headings.get(key)
        if titles is None:
            rendered = self.window.library.cached_render(ref, self.window.theme)
            if rendered is not None:
                titles = {h.anchor: h.text for h in rendered.headings}
            else:
                try:
                    raw = article.path.read_bytes()[:2_000_000]
                    titles = heading_titles(raw.decode("utf-8", "replace"))
                except OSError:
                    titles = {}
            self._headings[key] = titles
        return titles.get(anchor) or anchor.replace("-", " ").capitalize()

    def _session_window(self) -> QuizSession:
        if self.session is None:
            session = self.session = QuizSession(
                self.service,
                self.relay,
                theme=lambda: self.window.theme,
                section_title=self.section_title,
                report=self.window.failures.report,
                clock=lambda: self.clock(),
                parent=self.window,
            )
            session.read_section.connect(self._open_section)
            session.finished_session.connect(self._on_session_finished)
            session.answered.connect(self.answered)
            session.empty_action.connect(self._on_empty_action)
        return self.session

    def _open_section(self, ref: ArticleRef) -> None:
        self.window.open_ref(ref)

    def _on_session_finished(self, summary: SessionSummary) -> None:
        self.session_finished.emit(summary)
        self.refresh_due()

    def shutdown(self) -> None:
        """Close the quiz window, recording an answer still waiting for its second try (call
        it before the study database closes, e.g. from the window's closeEvent)."""
        if self.session is not None:
            self.session.close()

    def _on_empty_action(self, action: str) -> None:
        session = self.session
        scope = session.scope if session is not None else Scope()
        if action == "practise":
            self.practise(scope)
        elif action == "due":
            self.due_today()
        elif action == "weak":
            self.weak_spots()
        elif action == "article":
            self.quiz_article()


def install(
    window: MainWindow, quiz_service: QuizService, due: QuizDue | None = None
) -> QuizFeature:
    """The Quiz menu and its feature (after the study features: it needs ``window.relay``);
    ``due`` keeps the due counts it shows."""
    feature = QuizFeature(window, quiz_service, due)
    _menu, actions = window.install_actions("&Quiz", ACTIONS, feature)
    feature.actions = actions
    window.article_shown.connect(feature.update_actions)
    feature.update_actions()
    feature.refresh_due()
    return feature
