"""The quiz format: ``<article>.quiz.yaml`` files, parsed into a Qt-free model.

A quiz file is a YAML list of questions. Each has ``id`` (unique in the pack), ``type``,
``prompt`` (Markdown), type-specific fields, ``explanation`` and ``source``
(``<article-id>#<heading-slug>``). See ``content/CONTRIBUTING.md`` for the full format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nexus_desktop.knowledge.files import read_limited
from nexus_desktop.knowledge.model import ArticleId, Problem, Severity

MAX_QUIZ_BYTES = 2 * 1024 * 1024
QUESTION_TYPES = ("single", "multiple", "true-false", "recall", "cloze", "order")
CLOZE_BLANK = "[___]"
_BLANK_COUNT = re.compile(re.escape(CLOZE_BLANK))


@dataclass(frozen=True, slots=True)
class Question:
    """One quiz question. ``answer``'s shape depends on ``type`` (see the module docstring)."""

    id: str
    type: str
    prompt: str
    answer: Any
    explanation: str
    source_article: ArticleId
    source_anchor: str
    choices: tuple[str, ...] = ()
    line: int | None = None
    file: Path | None = None


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader (libyaml's when there) that remembers each mapping's line, for messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_quiz_file(path: Path, article_id: ArticleId) -> tuple[list[Question], list[Problem]]:
    """Parse one quiz file. Never raises: every defect is a problem, good questions are kept."""
    problems: list[Problem] = []
    try:
        text = read_limited(path, MAX_QUIZ_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(Severity.ERROR, path, f"cannot read quiz file: {exc}", kind="quiz")]
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        return [], [Problem(Severity.ERROR, path, "YAML nested too deeply", kind="quiz")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return [], [
            Problem(
                Severity.ERROR,
                path,
                f"invalid YAML: {problem}",
                line=mark.line + 1 if mark else None,
                kind="quiz",
            )
        ]
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Problem(Severity.ERROR, path, "a quiz file must be a list", kind="quiz")]
    questions: list[Question] = []
    for item in data:
        question, errors = _parse_question(item, path, article_id)
        line = item.get("__line__") if isinstance(item, dict) else None
        for message in errors:
            problems.append(Problem(Severity.ERROR, path, message, line=line, kind="quiz"))
        if question is not None:
            questions.append(question)
    return questions, problems


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _parse_question(
    item: Any, path: Path, article_id: ArticleId
) -> tuple[Question | None, list[str]]:
    if not isinstance(item, dict):
        return None, ["each question must be a mapping"]
    errors: list[str] = []
    qid = _text(item.get("id"))
    label = f"question '{qid}'" if qid else "question"
    if not qid:
        errors.append("question without an 'id'")
    qtype = item.get("type")
    if qtype not in QUESTION_TYPES:
        errors.append(f"{label}: unknown type {qtype!r} (one of {', '.join(QUESTION_TYPES)})")
    prompt = _text(item.get("prompt"))
    if not prompt or not prompt.strip():
        errors.append(f"{label}: missing 'prompt'")
    explanation = _text(item.get("explanation")) or ""
    if not explanation.strip():
        errors.append(f"{label}: missing 'explanation'")
    source = _text(item.get("source")) or ""
    src_article, _, anchor = source.partition("#")
    if not source:
        errors.append(f"{label}: missing 'source'")
    elif not anchor:
        errors.append(f"{label}: 'source' must be <article-id>#<heading-slug>")
    choices: tuple[str, ...] = ()
    answer: Any = item.get("answer")
    if "answer" not in item or answer is None:
        errors.append(f"{label}: missing 'answer'")
    elif qtype in QUESTION_TYPES:
        choices, answer, type_errors = _check_answer(qtype, item, answer, prompt or "")
        errors.extend(f"{label}: {message}" for message in type_errors)
    if errors:
        return None, errors
    return (
        Question(
            id=str(qid),
            type=str(qtype),
            prompt=str(prompt),
            answer=answer,
            explanation=explanation,
            source_article=ArticleId(src_article or article_id),
            source_anchor=anchor,
            choices=choices,
            line=item.get("__line__"),
            file=path,
        ),
        [],
    )


def _check_answer(
    qtype: str, item: dict[str, Any], answer: Any, prompt: str
) -> tuple[tuple[str, ...], Any, list[str]]:
    errors: list[str] = []
    choices: tuple[str, ...] = ()
    if qtype in ("single", "multiple"):
        raw = item.get("choices")
        if not isinstance(raw, list) or len(raw) < 2 or any(_text(c) is None for c in raw):
            return (), answer, ["needs a list of at least two 'choices'"]
        choices = tuple(str(c) for c in raw)
        if len(set(choices)) != len(choices):
            errors.append("'choices' repeat an entry")
        if qtype == "single":
            if _text(answer) is None or str(answer) not in choices:
                errors.append(f"answer {answer!r} is not among its choices")
            answer = str(answer)
        else:
            if not isinstance(answer, list) or not answer:
                errors.append("a 'multiple' answer must be a non-empty list")
            else:
                answer = tuple(str(a) for a in answer)
                missing = [a for a in answer if a not in choices]
                if missing:
                    errors.append(f"answer {missing!r} is not among its choices")
    elif qtype == "true-false":
        if not isinstance(answer, bool):
            errors.append("a 'true-false' answer must be true or false")
    elif qtype == "recall":
        if _text(answer) is None or not str(answer).strip():
            errors.append("a 'recall' answer must be text")
        answer = str(answer)
    elif qtype == "cloze":
        blanks = len(_BLANK_COUNT.findall(prompt))
        entries = answer if isinstance(answer, list) else [answer]
        alternatives: list[tuple[str, ...]] = []
        for entry in entries:
            options = entry if isinstance(entry, list) else [entry]
            if not options or any(_text(o) is None for o in options):
                errors.append("each cloze answer must be text or a list of accepted texts")
                break
            alternatives.append(tuple(str(o) for o in options))
        if blanks == 0:
            errors.append(f"a 'cloze' prompt needs at least one blank written {CLOZE_BLANK}")
        elif not errors and blanks != len(alternatives):
            errors.append(
                f"the prompt has {blanks} blanks but there are {len(alternatives)} answers"
            )
        answer = tuple(alternatives)
    elif qtype == "order":
        if not isinstance(answer, list) or len(answer) < 3 or any(_text(a) is None for a in answer):
            errors.append("an 'order' answer must list at least three items")
        else:
            answer = tuple(str(a) for a in answer)
            if len(set(answer)) != len(answer):
                errors.append("an 'order' answer repeats an item")
    return choices, answer, errors
