"""The quiz format and deep validation (prerequisites, anchors, quiz sources)."""

from __future__ import annotations

from pathlib import Path

from nexus_desktop.knowledge.loader import load_pack
from nexus_desktop.services.library import LoadedPack, PackSource, load_source
from tests.conftest import write

ARTICLE = "---\ntitle: Topic\n---\n\n## First part\n\nText.\n\n## Second `code` part\n\nMore.\n"
GOOD = """
- id: t-01
  type: single
  prompt: Pick one
  choices: [a, b, c]
  answer: b
  explanation: Because.
  source: topic#first-part
- id: t-02
  type: multiple
  prompt: Pick some
  choices: [a, b, c]
  answer: [a, c]
  explanation: Because.
  source: topic#second-code-part
- id: t-03
  type: true-false
  prompt: True?
  answer: false
  explanation: Because.
  source: topic#first-part
- id: t-04
  type: recall
  prompt: Say it
  answer: The thing.
  explanation: Because.
  source: topic#first-part
- id: t-05
  type: cloze
  prompt: "Use [___] then [___]."
  answer: [one, [two, "2"]]
  explanation: Because.
  source: topic#first-part
- id: t-06
  type: order
  prompt: Order them
  answer: [x, y, z]
  explanation: Because.
  source: topic#first-part
"""


def validated(root: Path) -> LoadedPack:
    loaded = load_source(PackSource(root))
    assert isinstance(loaded, LoadedPack)
    return loaded


def test_every_question_type_parses(tmp_path: Path) -> None:
    write(tmp_path, "topic.md", ARTICLE)
    write(tmp_path, "topic.quiz.yaml", GOOD)
    loaded = validated(tmp_path)
    assert loaded.problems == []
    questions = loaded.questions["topic"]
    assert [q.type for q in questions] == [
        "single",
        "multiple",
        "true-false",
        "recall",
        "cloze",
        "order",
    ]
    assert questions[4].answer == (("one",), ("two", "2"))
    assert questions[1].answer == ("a", "c")


def bad_question(tmp_path: Path, body: str) -> list[str]:
    write(tmp_path, "topic.md", ARTICLE)
    write(tmp_path, "topic.quiz.yaml", body)
    return [p.message for p in validated(tmp_path).problems]


def q(**fields: str) -> str:
    base = {
        "id": "x-1",
        "type": "single",
        "prompt": "P",
        "choices": "[a, b]",
        "answer": "a",
        "explanation": "E",
        "source": "topic#first-part",
    }
    base.update(fields)
    return "- " + "\n  ".join(f"{k}: {v}" for k, v in base.items() if v != "") + "\n"


def test_unknown_type(tmp_path: Path) -> None:
    [message] = bad_question(tmp_path, q(type="essay"))
    assert "unknown type 'essay'" in message


def test_missing_answer(tmp_path: Path) -> None:
    [message] = bad_question(tmp_path, q(answer=""))
    assert "missing 'answer'" in message


def test_answer_not_among_choices(tmp_path: Path) -> None:
    [message] = bad_question(tmp_path, q(answer="z"))
    assert "not among its choices" in message


def test_duplicate_id(tmp_path: Path) -> None:
    messages = bad_question(tmp_path, q() + q())
    assert messages == ["duplicate question id 'x-1' (also in topic.quiz.yaml)"]


def test_source_heading_must_exist(tmp_path: Path) -> None:
    [message] = bad_question(tmp_path, q(source="topic#no-such-heading"))
    assert "source heading not found: topic#no-such-heading" in message
    [message] = bad_question(tmp_path, q(source="nowhere#first-part"))
    assert "source article not found" in message


def test_cloze_blank_count_must_match(tmp_path: Path) -> None:
    [message] = bad_question(tmp_path, q(type="cloze", prompt='"[___] and [___]"', answer="[x]"))
    assert "2 blanks but there are 1 answers" in message


def test_invalid_yaml_is_a_problem_with_line(tmp_path: Path) -> None:
    write(tmp_path, "topic.md", ARTICLE)
    write(tmp_path, "topic.quiz.yaml", "- id: a\n  prompt: [unclosed\n")
    [problem] = validated(tmp_path).problems
    assert "invalid YAML" in problem.message and problem.line is not None


def test_prerequisites_unknown_and_cycles(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "---\nprerequisites: [b]\n---\n")
    write(tmp_path, "b.md", "---\nprerequisites: [c]\n---\n")
    write(tmp_path, "c.md", "---\nprerequisites: [a, ghost]\n---\n")
    messages = sorted(p.message for p in validated(tmp_path).problems)
    assert messages == [
        "prerequisites form a cycle: a -> b -> c -> a",
        "unknown prerequisite: ghost",
    ]


def test_links_to_missing_headings_are_errors(tmp_path: Path) -> None:
    write(tmp_path, "topic.md", ARTICLE + "\n[self](#first-part) [bad](#nope)\n")
    write(tmp_path, "other.md", "[ok](topic.md#second-code-part) [bad](topic.md#gone)\n")
    messages = sorted(p.message for p in validated(tmp_path).problems)
    assert messages == [
        "link to a heading that does not exist: other#gone".replace("other#", "topic#"),
        "link to a heading that does not exist: topic#nope",
    ]
    assert load_pack(tmp_path).problems == []  # anchors are checked only by deep validation
