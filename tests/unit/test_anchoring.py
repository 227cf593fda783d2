"""Re-anchoring passages after an article changes: exact, moved, edited nearby, deleted."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nexus_desktop.study.anchoring import locate, make_anchor

TEXT = (
    "Caching makes reads cheap. A cache stampede happens when a popular key expires and "
    "every request rebuilds it at once. Locks, early refresh and jittered TTLs prevent it. "
    "Redis offers SET NX PX for the lock."
)


def anchor_of(passage: str):  # type: ignore[no-untyped-def]
    start = TEXT.index(passage)
    return make_anchor(TEXT, start, start + len(passage), heading="stampedes")


def test_an_unchanged_article_finds_the_passage_exactly() -> None:
    anchor = anchor_of("a popular key expires")
    found = locate(anchor, TEXT)
    assert found is not None and found.how == "exact"
    assert TEXT[found.start : found.end] == "a popular key expires"


def test_a_passage_moved_by_new_text_before_it_is_found() -> None:
    anchor = anchor_of("jittered TTLs prevent it")
    changed = "A new introduction paragraph was added here.\n\n" + TEXT
    found = locate(anchor, changed)
    assert found is not None and found.how == "moved"
    assert changed[found.start : found.end] == "jittered TTLs prevent it"


def test_the_right_copy_of_a_repeated_phrase_is_chosen_by_its_context() -> None:
    text = "the lock is taken. " + TEXT + " Again: the lock is taken. The end."
    anchor = make_anchor(text, text.rindex("the lock is taken"), text.rindex("the lock") + 17)
    shifted = "Intro. " + text
    found = locate(anchor, shifted)
    assert found is not None and found.start == shifted.rindex("the lock is taken")


def test_a_passage_edited_a_little_is_found_fuzzily() -> None:
    anchor = anchor_of("every request rebuilds it at once")
    edited = TEXT.replace("every request rebuilds it at once", "every single request rebuilds it")
    found = locate(anchor, edited)
    assert found is not None and found.how == "fuzzy"
    assert "request rebuilds it" in edited[found.start : found.end]


def test_a_deleted_passage_is_orphaned_not_misplaced() -> None:
    anchor = anchor_of("Redis offers SET NX PX for the lock.")
    gone = TEXT.replace("Redis offers SET NX PX for the lock.", "")
    assert locate(anchor, gone) is None
    assert locate(anchor, "Something else entirely, about Docker images and layers.") is None


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=20, max_size=400), st.data())
def test_any_passage_of_an_unchanged_text_is_found_where_it_was(
    text: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(text) - 2))
    end = data.draw(st.integers(start + 1, len(text)))
    anchor = make_anchor(text, start, end)
    found = locate(anchor, text)
    if not text[start:end].strip():
        assert found is None  # nothing to anchor
    else:
        assert found is not None and text[found.start : found.end] == text[start:end]
