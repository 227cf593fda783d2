"""The learning path: next up follows prerequisites in the pack's order; continue reading."""

from __future__ import annotations

from nexus_desktop.study.path import PathStep, continue_reading, next_up

STEPS = [
    PathStep("start/welcome", ()),
    PathStep("python/typing", ("start/welcome",)),
    PathStep("django/orm", ("python/typing",)),
    PathStep("django/admin", ("django/orm",)),
    PathStep("docker/images", ("start/welcome",)),
    PathStep("odd/one", ("not/in/the/pack",)),
]


def test_a_newcomer_starts_at_the_beginning() -> None:
    assert next_up(STEPS, set(), limit=2) == ["start/welcome", "odd/one"]


def test_completing_articles_unlocks_those_that_need_them_in_order() -> None:
    assert next_up(STEPS, {"start/welcome"}) == ["python/typing", "docker/images", "odd/one"]
    done = {"start/welcome", "python/typing", "docker/images", "odd/one"}
    assert next_up(STEPS, done) == ["django/orm"]
    assert next_up(STEPS, {s.article_id for s in STEPS}) == []


def test_continue_reading_is_the_newest_unfinished() -> None:
    opened = [("a", 10, False), ("b", 30, True), ("c", 20, False), ("d", 5, False)]
    assert continue_reading(opened, limit=2) == ["c", "a"]
