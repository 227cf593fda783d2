"""Checking quiz answers and turning the result into an FSRS rating. Pure: no Qt, no SQLAlchemy.

``check`` judges a learner's response to a ``single``, ``multiple``, ``true-false``, ``cloze``
or ``order`` question; ``recall`` cards are graded by the learner. A response of the wrong shape
(``None``, a list of the wrong length, a number where text is expected ...) is judged wrong,
never an exception: it scores 0 with every ``detail`` entry ``False``.

Response shapes: ``single`` the chosen text; ``multiple`` a list (or set) of the chosen texts;
``true-false`` a ``bool``; ``cloze`` a list of texts, one per blank; ``order`` the steps as a
list, in the order the learner put them.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from nexus_desktop.knowledge.quiz import Question

# FSRS ratings (the numbers FSRS and Anki use).
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4

# fast_threshold: a base for deciding and clicking, plus reading (and typing) time.
FAST_BASE_SECONDS = 4.0
READING_CHARS_PER_SECOND = 25.0
TYPING_CHARS_PER_SECOND = 5.0
FAST_CAP_SECONDS = 30.0

_QUOTES = "`'\"\u2018\u2019\u201c\u201d"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a response was judged.

    ``detail`` lets the UI colour each part: for ``single``/``multiple`` one entry per choice,
    in ``Question.choices`` order (``True`` when the choice was selected if and only if it is
    correct); for ``cloze`` one per blank; for ``order`` one per position of the response
    (``True`` when the step there is the right one); for ``true-false`` a single entry.
    ``expected`` is the right answer, written out for display.
    """

    correct: bool
    score: float
    detail: tuple[bool, ...]
    expected: str


def question_hash(q: Question) -> str:
    """A stable hash (16 hex digits) of what the learner sees and must answer: the type, the
    prompt, the choices and the answer. Explanation, source and file position are left out, as
    are the order of the choices and of a cloze blank's alternatives (the app shuffles them)."""
    answer: Any = q.answer
    choices: list[str] = sorted(q.choices)
    if q.type == "multiple" and isinstance(answer, list | tuple):
        answer = sorted(str(a) for a in answer)
    elif q.type == "cloze":
        answer = [sorted(alternatives) for alternatives in _cloze_alternatives(q.answer)]
    elif isinstance(answer, tuple):
        answer = list(answer)
    payload = json.dumps(["v1", q.type, q.prompt, choices, answer], ensure_ascii=False, default=str)
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=8).hexdigest()


def shuffled_choices(q: Question, seed: str) -> tuple[str, ...]:
    """The choices (for ``order``, the steps) in a shuffled order that depends only on
    ``seed`` and the question's id, so it stays the same for the whole session: pass the
    session id. ``order`` steps never come out already in the right order (given two or more
    distinct steps). Other types have nothing to shuffle: ``()``."""
    if q.type in ("single", "multiple"):
        items = list(q.choices)
    elif q.type == "order" and _order_answer(q):
        items = list(_order_answer(q))
    else:
        return ()
    right = tuple(items)
    # A str seed is hashed with SHA-512 by random.seed: the same on every run and platform.
    rng = random.Random(f"{seed}\x00{q.id}")
    rng.shuffle(items)
    if q.type == "order" and len(items) >= 2 and tuple(items) == right:
        items = items[1:] + items[:1]  # a rotation of distinct steps is never the identity
    return tuple(items)


def check(q: Question, response: object) -> Outcome:
    """Judge ``response`` to ``q`` (see the module docstring for the shapes).

    Raises ``ValueError`` for ``recall`` cards (the learner grades those) and unknown types.
    """
    if q.type == "single":
        return _check_single(q, response)
    if q.type == "multiple":
        return _check_multiple(q, response)
    if q.type == "true-false":
        return _check_true_false(q, response)
    if q.type == "cloze":
        return _check_cloze(q, response)
    if q.type == "order":
        return _check_order(q, response)
    if q.type == "recall":
        raise ValueError("recall cards are graded by the learner, not checked")
    raise ValueError(f"unknown question type {q.type!r}")


def off_by_one(q: Question, response: object) -> bool:
    """Whether an ``order`` response is one swap of two neighbouring steps away from right
    (``False`` for a right answer and for a response of the wrong shape)."""
    if q.type != "order":
        raise ValueError(f"off_by_one applies to 'order' questions, not {q.type!r}")
    answer = _order_answer(q)
    if not _is_sequence(response) or len(response) != len(answer):
        return False
    wrong = [i for i, (got, want) in enumerate(zip(response, answer, strict=True)) if got != want]
    if len(wrong) != 2 or wrong[1] != wrong[0] + 1:
        return False
    i = wrong[0]
    return bool(response[i] == answer[i + 1] and response[i + 1] == answer[i])


def rating_for(outcome_correct: bool, *, seconds: float, attempts: int, fast_seconds: float) -> int:
    """The FSRS rating for an answered question: wrong -> Again (1); right only on a second
    (or later) try -> Hard (2); right at the first try -> Good (3), or Easy (4) when it also
    took less than ``fast_seconds``."""
    if not outcome_correct:
        return AGAIN
    if attempts > 1:
        return HARD
    if seconds < fast_seconds:
        return EASY
    return GOOD


def fast_threshold(q: Question) -> float:
    """Seconds under which a right first answer counts as Easy.

    4 s to decide and click, plus the time to read the prompt and the choices (for ``order``
    the steps) at about 25 characters a second, plus for ``cloze`` the time to type the
    expected answers at about 5 characters a second; capped at 30 s. A short true/false
    statement so needs about 6 s, a single choice with four long options 10-15 s.
    """
    shown = len(q.prompt) + sum(len(c) for c in q.choices)
    if q.type == "order":
        shown += sum(len(step) for step in _order_answer(q))
    seconds = FAST_BASE_SECONDS + shown / READING_CHARS_PER_SECOND
    if q.type == "cloze":
        typed = sum(len(alternatives[0]) for alternatives in _cloze_alternatives(q.answer))
        seconds += typed / TYPING_CHARS_PER_SECOND
    return min(seconds, FAST_CAP_SECONDS)


def normalise_blank(text: str) -> str:
    """A cloze entry as compared: surrounding space, backticks, quotes and a trailing period
    removed, inner runs of whitespace made one space, case folded."""
    previous = None
    while previous != text:
        previous = text
        text = text.strip().strip(_QUOTES)
        if text.endswith("."):
            text = text[:-1]
    return _SPACES.sub(" ", text).casefold()


# -- the types ------------------------------------------------------------------------------


def _wrong(size: int, expected: str) -> Outcome:
    return Outcome(correct=False, score=0.0, detail=(False,) * size, expected=expected)


def _is_sequence(value: object) -> TypeGuard[Sequence[Any]]:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _check_single(q: Question, response: object) -> Outcome:
    expected = str(q.answer)
    if not isinstance(response, str) or response not in q.choices:
        return _wrong(len(q.choices), expected)
    detail = tuple((choice == response) == (choice == expected) for choice in q.choices)
    correct = response == expected
    return Outcome(correct, 1.0 if correct else 0.0, detail, expected)


def _check_multiple(q: Question, response: object) -> Outcome:
    answer = {str(a) for a in q.answer} if isinstance(q.answer, list | tuple) else set()
    expected = "; ".join(c for c in q.choices if c in answer)
    if not isinstance(response, list | tuple | set | frozenset):
        return _wrong(len(q.choices), expected)
    selected = set()
    for item in response:
        if not isinstance(item, str) or item not in q.choices:
            return _wrong(len(q.choices), expected)
        selected.add(item)
    detail = tuple((choice in selected) == (choice in answer) for choice in q.choices)
    score = sum(detail) / len(detail) if detail else 0.0
    return Outcome(all(detail) and bool(detail), score, detail, expected)


def _check_true_false(q: Question, response: object) -> Outcome:
    expected = "True" if q.answer else "False"
    if not isinstance(response, bool):
        return _wrong(1, expected)
    correct = response is bool(q.answer)
    return Outcome(correct, 1.0 if correct else 0.0, (correct,), expected)


def _cloze_alternatives(answer: object) -> tuple[tuple[str, ...], ...]:
    """A cloze answer as accepted texts per blank (``knowledge.quiz`` already makes it so; a
    hand-made ``Question`` may hold plain texts)."""
    entries = answer if isinstance(answer, list | tuple) else [answer]
    return tuple(
        tuple(str(o) for o in entry) if isinstance(entry, list | tuple) else (str(entry),)
        for entry in entries
    )


def _check_cloze(q: Question, response: object) -> Outcome:
    blanks = _cloze_alternatives(q.answer)
    expected = "; ".join(" / ".join(alternatives) for alternatives in blanks)
    if not _is_sequence(response) or len(response) != len(blanks):
        return _wrong(len(blanks), expected)
    detail = []
    for given, alternatives in zip(response, blanks, strict=True):
        got = normalise_blank(given) if isinstance(given, str) else ""
        detail.append(bool(got) and any(got == normalise_blank(a) for a in alternatives))
    score = sum(detail) / len(detail) if detail else 0.0
    return Outcome(all(detail) and bool(detail), score, tuple(detail), expected)


def _order_answer(q: Question) -> tuple[str, ...]:
    return tuple(str(step) for step in q.answer) if isinstance(q.answer, list | tuple) else ()


def _check_order(q: Question, response: object) -> Outcome:
    answer = _order_answer(q)
    expected = " \u2192 ".join(answer)
    if not _is_sequence(response) or len(response) != len(answer):
        return _wrong(len(answer), expected)
    detail = tuple(got == want for got, want in zip(response, answer, strict=True))
    score = sum(detail) / len(detail) if detail else 0.0
    return Outcome(all(detail) and bool(detail), score, detail, expected)
