"""Checking answers: every question type, forgiving typing in cloze blanks, partial scores,
responses of the wrong shape (wrong, never an exception), deterministic shuffles, the rating
table, and every real question in content/ judged right for its answer and wrong otherwise."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nexus_desktop.knowledge.model import ArticleId
from nexus_desktop.knowledge.quiz import Question, parse_quiz_file
from nexus_desktop.study.quiz import (
    AGAIN,
    EASY,
    FAST_CAP_SECONDS,
    GOOD,
    HARD,
    check,
    fast_threshold,
    normalise_blank,
    off_by_one,
    question_hash,
    rating_for,
    shuffled_choices,
)
from tests.conftest import CONTENT


def question(
    qtype: str, answer: Any, *, prompt: str = "Q?", choices: tuple[str, ...] = ()
) -> Question:
    return Question(
        id=f"{qtype}-1",
        type=qtype,
        prompt=prompt,
        answer=answer,
        explanation="Because.",
        source_article=ArticleId("topic"),
        source_anchor="part",
        choices=choices,
    )


SINGLE = question("single", "b", choices=("a", "b", "c"))
MULTIPLE = question("multiple", ("a", "c"), choices=("a", "b", "c", "d"))
TRUE_FALSE = question("true-false", False)
CLOZE = question(
    "cloze",
    (("select_related",), ("prefetch_related", "prefetch_related()")),
    prompt="Use [___] for a foreign key and [___] for the reverse.",
)
ORDER = question("order", ("one", "two", "three", "four"))
RECALL = question("recall", "The thing.")
CHECKED = [SINGLE, MULTIPLE, TRUE_FALSE, CLOZE, ORDER]


# -- single and true/false ------------------------------------------------------------------


def test_single_is_right_only_for_its_answer() -> None:
    right = check(SINGLE, "b")
    assert (right.correct, right.score, right.expected) == (True, 1.0, "b")
    assert right.detail == (True, True, True)
    wrong = check(SINGLE, "a")
    assert (wrong.correct, wrong.score) == (False, 0.0)
    # "a" chosen but wrong, "b" not chosen but right, "c" rightly left alone.
    assert wrong.detail == (False, False, True)
    assert not check(SINGLE, " b").correct  # a choice is clicked, not typed: exact


def test_true_false_wants_a_bool() -> None:
    assert check(TRUE_FALSE, False).correct and check(TRUE_FALSE, False).detail == (True,)
    assert check(TRUE_FALSE, False).expected == "False"
    assert not check(TRUE_FALSE, True).correct
    for response in (0, "false", "False", None, []):
        outcome = check(TRUE_FALSE, response)
        assert (outcome.correct, outcome.score, outcome.detail) == (False, 0.0, (False,))


# -- multiple choice ------------------------------------------------------------------------


def test_multiple_scores_each_choice() -> None:
    right = check(MULTIPLE, ["c", "a"])
    assert (right.correct, right.score, right.detail) == (True, 1.0, (True,) * 4)
    assert right.expected == "a; c"
    assert check(MULTIPLE, {"a", "c"}).correct and check(MULTIPLE, ("a", "c", "a")).correct
    half = check(MULTIPLE, ["a"])  # missed "c"
    assert (half.correct, half.score, half.detail) == (False, 0.75, (True, True, False, True))
    extra = check(MULTIPLE, ["a", "b", "c"])  # one wrong pick
    assert (extra.correct, extra.score, extra.detail) == (False, 0.75, (True, False, True, True))
    nothing = check(MULTIPLE, [])
    assert (nothing.correct, nothing.score) == (False, 0.5)
    everything = check(MULTIPLE, ["a", "b", "c", "d"])
    assert (everything.correct, everything.score) == (False, 0.5)
    inverted = check(MULTIPLE, ["b", "d"])
    assert (inverted.correct, inverted.score) == (False, 0.0)


def test_multiple_rejects_responses_of_the_wrong_shape() -> None:
    for response in (None, "a", "ac", 3, ["a", "zzz"], ["a", None], {"a": 1}):
        outcome = check(MULTIPLE, response)
        assert (outcome.correct, outcome.score, outcome.detail) == (False, 0.0, (False,) * 4)


# -- cloze ----------------------------------------------------------------------------------


def test_cloze_forgives_case_spaces_backticks_quotes_and_a_full_stop() -> None:
    for first in (
        "select_related",
        "  Select_Related ",
        "`select_related`",
        "`select_related`.",
        '"select_related"',
        "'select_related'",
        "\u201cselect_related\u201d",
        "SELECT_RELATED.",
    ):
        outcome = check(CLOZE, [first, "prefetch_related"])
        assert outcome.correct, first
        assert (outcome.score, outcome.detail) == (1.0, (True, True))


def test_cloze_accepts_any_alternative_and_collapses_inner_spaces() -> None:
    assert check(CLOZE, ["select_related", "`prefetch_related()`"]).correct
    spaced = question("cloze", (("max age",),), prompt="Set [___].")
    assert check(spaced, ["  Max \t  AGE  "]).correct
    assert not check(spaced, ["maxage"]).correct
    assert normalise_blank(" `Foo   Bar`. ") == "foo bar"


def test_cloze_scores_each_blank() -> None:
    half = check(CLOZE, ["select_related", "prefetch"])
    assert (half.correct, half.score, half.detail) == (False, 0.5, (True, False))
    assert half.expected == "select_related; prefetch_related / prefetch_related()"
    swapped = check(CLOZE, ["prefetch_related", "select_related"])
    assert (swapped.correct, swapped.score) == (False, 0.0)


def test_cloze_rejects_responses_of_the_wrong_shape() -> None:
    for response in (None, "select_related", ["select_related"], ["a", "b", "c"], 42):
        outcome = check(CLOZE, response)
        assert (outcome.correct, outcome.score, outcome.detail) == (False, 0.0, (False, False))
    # A blank left empty, or not text, is a wrong blank (the other one still counts).
    for blank in ("", "   ", "``", None, 7):
        outcome = check(CLOZE, ["select_related", blank])
        assert (outcome.correct, outcome.detail) == (False, (True, False))


def test_cloze_plain_text_answers_from_a_hand_made_question() -> None:
    plain = question("cloze", ["NonNull", "required"], prompt="[___] and [___]")
    assert check(plain, ["nonnull", "Required"]).correct


# -- order ----------------------------------------------------------------------------------


def test_order_is_right_only_in_exactly_the_right_order() -> None:
    right = check(ORDER, ["one", "two", "three", "four"])
    assert (right.correct, right.score, right.detail) == (True, 1.0, (True,) * 4)
    assert right.expected == "one \u2192 two \u2192 three \u2192 four"
    swapped = ["one", "three", "two", "four"]
    outcome = check(ORDER, swapped)
    assert (outcome.correct, outcome.score, outcome.detail) == (
        False,
        0.5,
        (True, False, False, True),
    )
    assert check(ORDER, ("one", "two", "three", "four")).correct  # any sequence will do


def test_off_by_one_is_a_single_swap_of_neighbours() -> None:
    assert off_by_one(ORDER, ["two", "one", "three", "four"])
    assert off_by_one(ORDER, ["one", "two", "four", "three"])
    assert not off_by_one(ORDER, ["one", "two", "three", "four"])  # right, not off by one
    assert not off_by_one(ORDER, ["three", "two", "one", "four"])  # a swap, not neighbours
    assert not off_by_one(ORDER, ["two", "one", "four", "three"])  # two swaps
    assert not off_by_one(ORDER, ["two", "zzz", "three", "four"])
    for response in (None, "one two three four", ["two", "one", "three"], 5):
        assert not off_by_one(ORDER, response)
    with pytest.raises(ValueError):
        off_by_one(SINGLE, ["b"])


def test_order_rejects_responses_of_the_wrong_shape() -> None:
    for response in (None, "onetwothreefour", ["one", "two", "three"], ORDER.answer * 2, 1):
        outcome = check(ORDER, response)
        assert (outcome.correct, outcome.score, outcome.detail) == (False, 0.0, (False,) * 4)
    odd = check(ORDER, ["one", None, 3, "four"])
    assert (odd.correct, odd.detail) == (False, (True, False, False, True))


# -- recall and strangers -------------------------------------------------------------------


def test_recall_cards_are_not_checked() -> None:
    with pytest.raises(ValueError, match="graded by the learner"):
        check(RECALL, "The thing.")
    with pytest.raises(ValueError, match="unknown question type"):
        check(question("essay", "x"), "x")


@settings(max_examples=150, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
        lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner),
        max_leaves=12,
    )
)
def test_any_response_is_judged_never_an_exception(response: object) -> None:
    for q in CHECKED:
        outcome = check(q, response)
        assert 0.0 <= outcome.score <= 1.0
        assert outcome.correct == (outcome.score == 1.0)
        assert outcome.correct == (bool(outcome.detail) and all(outcome.detail))
    assert isinstance(off_by_one(ORDER, response), bool)


# -- hashing and shuffling ------------------------------------------------------------------


def test_question_hash_follows_what_the_learner_sees_and_answers() -> None:
    base = question_hash(SINGLE)
    assert len(base) == 16 and int(base, 16) >= 0
    assert question_hash(SINGLE) == base
    same = replace(SINGLE, explanation="Other.", line=7, file=Path("x.quiz.yaml"), id="other")
    assert question_hash(same) == base
    assert question_hash(replace(SINGLE, choices=("c", "b", "a"))) == base  # shown shuffled
    assert question_hash(replace(SINGLE, prompt="Q2?")) != base
    assert question_hash(replace(SINGLE, answer="c")) != base
    assert question_hash(replace(SINGLE, choices=("a", "b", "c", "d"))) != base
    assert question_hash(replace(SINGLE, type="multiple", answer=("b",))) != base
    assert question_hash(replace(MULTIPLE, answer=("c", "a"))) == question_hash(MULTIPLE)
    assert question_hash(replace(ORDER, answer=("two", "one", "three", "four"))) != (
        question_hash(ORDER)
    )
    assert question_hash(replace(TRUE_FALSE, answer=True)) != question_hash(TRUE_FALSE)
    more = (("select_related",), ("prefetch_related",))
    assert question_hash(replace(CLOZE, answer=more)) != question_hash(CLOZE)


def test_shuffle_is_stable_for_a_seed_and_varies_across_seeds() -> None:
    many = question("single", "c03", choices=tuple(f"c{i:02}" for i in range(10)))
    first = shuffled_choices(many, "session-1")
    assert sorted(first) == list(many.choices)
    assert shuffled_choices(many, "session-1") == first
    orders = {shuffled_choices(many, f"session-{n}") for n in range(20)}
    assert len(orders) > 15
    # The question id takes part: two questions in one session are shuffled differently.
    assert shuffled_choices(replace(many, id="other"), "session-1") != first
    assert shuffled_choices(TRUE_FALSE, "s") == () and shuffled_choices(CLOZE, "s") == ()
    assert shuffled_choices(RECALL, "s") == ()


def test_order_steps_never_come_out_in_the_right_order() -> None:
    for size in (2, 3, 4):
        steps = tuple(f"step {i}" for i in range(size))
        q = question("order", steps)
        seen = set()
        for n in range(200):
            shuffled = shuffled_choices(q, f"s{n}")
            assert sorted(shuffled) == sorted(steps)
            assert shuffled != steps
            seen.add(shuffled)
        assert len(seen) == math.factorial(size) - 1  # every other order turns up
    assert shuffled_choices(question("order", ("only",)), "s") == ("only",)


# -- ratings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("correct", "seconds", "attempts", "rating"),
    [
        (False, 1.0, 1, AGAIN),
        (False, 60.0, 1, AGAIN),
        (False, 1.0, 2, AGAIN),
        (True, 1.0, 1, EASY),
        (True, 9.99, 1, EASY),
        (True, 10.0, 1, GOOD),
        (True, 120.0, 1, GOOD),
        (True, 1.0, 2, HARD),
        (True, 120.0, 3, HARD),
    ],
)
def test_rating_table(correct: bool, seconds: float, attempts: int, rating: int) -> None:
    assert rating_for(correct, seconds=seconds, attempts=attempts, fast_seconds=10.0) == rating


def test_fast_threshold_grows_with_reading_and_is_capped() -> None:
    short = question("true-false", True, prompt="x" * 50)
    assert fast_threshold(short) == pytest.approx(4.0 + 50 / 25)
    long_single = question("single", "a" * 100, prompt="x" * 100, choices=("a" * 100, "b" * 100))
    assert fast_threshold(long_single) == pytest.approx(4.0 + 300 / 25)
    assert fast_threshold(long_single) > fast_threshold(short)
    steps = question("order", ("a" * 25, "b" * 25, "c" * 25), prompt="x" * 25)
    assert fast_threshold(steps) == pytest.approx(4.0 + 100 / 25)
    cloze = question("cloze", (("abcde", "other alternative"),), prompt="x" * 25 + "[___]")
    assert fast_threshold(cloze) == pytest.approx(4.0 + 30 / 25 + 5 / 5)
    assert fast_threshold(question("single", "a", prompt="x" * 5000, choices=("a", "b"))) == (
        FAST_CAP_SECONDS
    )


# -- the real questions ---------------------------------------------------------------------


def real_questions() -> list[Question]:
    questions: list[Question] = []
    for path in sorted(CONTENT.rglob("*.quiz.yaml")):
        parsed, problems = parse_quiz_file(path, ArticleId(path.name.removesuffix(".quiz.yaml")))
        assert problems == [], problems
        questions.extend(parsed)
    return questions


def right_response(q: Question) -> object:
    if q.type == "cloze":
        return [alternatives[0] for alternatives in q.answer]
    return list(q.answer) if q.type in ("multiple", "order") else q.answer


def wrong_response(q: Question) -> object:
    if q.type == "single":
        return next(c for c in q.choices if c != q.answer)
    if q.type == "multiple":
        return sorted(set(q.answer) ^ {q.choices[0]})  # toggle one choice
    if q.type == "true-false":
        return not q.answer
    if q.type == "cloze":
        return ["certainly not this"] * len(q.answer)
    return list(shuffled_choices(q, "wrong"))


def test_every_real_question_is_judged_right_for_its_answer_and_wrong_otherwise() -> None:
    questions = real_questions()
    assert len(questions) > 500
    kinds = {q.type for q in questions}
    assert kinds >= {"single", "multiple", "true-false", "recall", "cloze", "order"}
    for q in questions:
        if q.type == "recall":
            with pytest.raises(ValueError):
                check(q, q.answer)
            continue
        right = check(q, right_response(q))
        assert right.correct and right.score == 1.0, (q.file, q.id)
        assert right.expected, (q.file, q.id)
        wrong = check(q, wrong_response(q))
        assert not wrong.correct and wrong.score < 1.0, (q.file, q.id)
        assert not check(q, None).correct
        assert len(question_hash(q)) == 16
        assert 4.0 < fast_threshold(q) <= FAST_CAP_SECONDS


def test_every_real_cloze_alternative_survives_typing_slips() -> None:
    for q in real_questions():
        if q.type != "cloze":
            continue
        for index, alternatives in enumerate(q.answer):
            for alternative in alternatives:
                response = [a[0] for a in q.answer]
                response[index] = f"  `{alternative.upper()}`. "
                assert check(q, response).correct, (q.id, alternative)
