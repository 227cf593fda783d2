"""A learner's question in their own words: recognised, ranked on its topic words, lifted by
the pack's own quiz questions, glossary terms and front-matter questions, expanded with
synonyms that never outweigh the words typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexus_desktop.knowledge.loader import load_pack
from nexus_desktop.search.query import is_question, prepare_query, topic_words
from nexus_desktop.search.synonyms import expand
from nexus_desktop.services.search import SearchService
from tests.conftest import write


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("how do I stop my cache expiring all at once", True),
        ("why is my page slow?", True),
        ("the same job ran twice and charged the customer twice", True),
        ("select_related", False),
        ("N+1 queries", False),
        ("celery retry backoff", False),
        ('"exact phrase" with five words here', False),
        ("tag:django how do I migrate", False),
        ("how", False),
    ],
)
def test_questions_are_told_from_keywords(text: str, question: bool) -> None:
    assert is_question(prepare_query(text)) is question


def test_topic_words_leave_the_filler_out() -> None:
    assert topic_words("How do I stop my cache from expiring?") == ["stop", "cache", "expiring"]
    assert topic_words("how do I") == ["how", "do", "i"]  # nothing else: all of it
    assert expand(["twice", "slow", "twice"]) == ["duplicate", "idempotent", "performance",
                                                  "latency"]  # fmt: skip


def make_pack(root: Path) -> Path:
    write(root, "nexus-pack.toml", '[pack]\nid = "t"\nname = "T"\n')
    write(root, "tasks/idempotency.md", (
        "---\ntitle: Idempotent tasks\nquestions:\n  - \"a background job ran twice and billed "
        "the customer twice\"\n---\n## Keys\n\nUse an idempotency key per payment.\n"
    ))  # fmt: skip
    write(root, "tasks/idempotency.quiz.yaml", (
        "- id: idem-1\n  type: true-false\n  prompt: Retrying a payment task can charge a card "
        "two times unless the task is idempotent.\n  answer: true\n  explanation: Keys.\n"
        "  source: tasks/idempotency#keys\n"
    ))  # fmt: skip
    write(root, "web/perms.md", "---\ntitle: Object permissions\n---\n## Owners\n\nOnly owners "
          "may change a record: has_object_permission.\n")  # fmt: skip
    write(root, "web/speed.md", "---\ntitle: Speed\n---\n## Pages\n\nA slow page is slow.\n")
    write(root, "web/perf.md", "---\ntitle: Tuning\n---\n## Latency\n\nPerformance work.\n")
    write(root, "glossary.md", (
        "---\ntitle: Glossary\ntags: [glossary]\n---\n## Terms\n\n### Authorization\n\n"
        "Deciding whether someone who signed in may change a given record. See "
        "[permissions](web/perms.md#owners).\n"
    ))  # fmt: skip
    return root


@pytest.fixture
def searched(tmp_path: Path) -> tuple[SearchService, object]:
    root = make_pack(tmp_path / "p")
    service = SearchService(tmp_path / "cache")
    pack = load_pack(root)
    service.index_pack(pack)
    return service, pack


def test_a_front_matter_question_lifts_its_article(searched: tuple) -> None:  # type: ignore[type-arg]
    service, pack = searched
    hits = service.search("the same job ran twice and charged the customer twice", [pack]).hits
    assert hits[0].id == "tasks/idempotency"


def test_a_quiz_question_bridges_to_its_section_and_says_so(searched: tuple) -> None:  # type: ignore[type-arg]
    service, pack = searched
    first = service.search("why would retrying charge a card two times", [pack]).hits[0]
    assert (first.kind, first.id, first.anchor) == ("article", "tasks/idempotency", "keys")
    assert first.answers.startswith("Retrying a payment task can charge a card two times")


def test_a_glossary_definition_bridges_to_the_article_it_names(searched: tuple) -> None:  # type: ignore[type-arg]
    service, pack = searched
    hits = service.search("who decides whether someone signed in may change a record", [pack])
    perms = next(h for h in hits.hits[:2] if h.id == "web/perms")  # beside the glossary itself
    assert (perms.anchor, perms.answers) == ("owners", "Glossary: Authorization")
    assert all(h.kind != "term" for h in hits.hits)  # bridges are never shown as hits


def test_a_synonym_never_outranks_the_word_typed(searched: tuple) -> None:  # type: ignore[type-arg]
    service, pack = searched
    ids = [h.id for h in service.search("why is my page so slow today", [pack]).hits]
    assert ids.index("web/speed") < ids.index("web/perf")  # "performance" is only a synonym


def test_keyword_search_is_as_before(searched: tuple) -> None:  # type: ignore[type-arg]
    service, pack = searched
    hits = service.search("has_object_permission", [pack]).hits
    assert hits[0].id == "web/perms" and all(h.answers == "" for h in hits)
