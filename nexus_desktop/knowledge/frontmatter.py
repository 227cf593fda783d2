"""YAML front matter: split it from the body and check its fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from nexus_desktop.knowledge.model import LEVELS

_FENCE = "---"
_CLOSERS = ("---", "...")


@dataclass(slots=True)
class FrontMatter:
    """The parsed front matter, the body after it, and what was wrong with it."""

    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line number of the body's first line in the file
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    given: frozenset[str] = frozenset()  # every key written, including rejected ones


def split_front_matter(text: str) -> FrontMatter:
    """Separate ``---`` delimited YAML front matter from the Markdown body.

    Never raises: malformed YAML becomes an error entry and an empty ``meta``.
    """
    if not text.startswith(_FENCE):
        return FrontMatter(meta={}, body=text, body_line=1)
    lines = text.split("\n")
    if lines[0].rstrip() != _FENCE:
        return FrontMatter(meta={}, body=text, body_line=1)
    end = None
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() in _CLOSERS:
            end = number
            break
    if end is None:
        return FrontMatter(
            meta={},
            body=text,
            body_line=1,
            errors=[(1, "front matter starts with '---' but is never closed")],
        )
    import yaml  # imported here: start-up should not pay for it

    raw = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    result = FrontMatter(meta={}, body=body, body_line=end + 2)
    try:
        # libyaml's parser when PyYAML has it (its wheels do): ~10x the pure-Python one
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(raw, Loader=loader) if raw.strip() else {}  # noqa: S506 - safe
    except RecursionError:
        result.errors.append((2, "invalid YAML front matter: nested too deeply"))
        return result
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # A mark at the end of the YAML (an unclosed bracket) points at its last line.
        error_line = min(mark.line + 2, end) if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        result.errors.append((error_line, f"invalid YAML front matter: {problem}"))
        return result
    if data is None:
        data = {}
    if not isinstance(data, dict):
        result.errors.append((2, "front matter must be a mapping of keys to values"))
        return result
    result.meta = _checked(data, result)
    result.given = frozenset(str(key) for key in data)
    return result


def _checked(data: dict[Any, Any], result: FrontMatter) -> dict[str, Any]:
    """Keep the fields whose types are right; warn about the rest."""
    meta: dict[str, Any] = {}
    for key, value in data.items():
        key = str(key)
        if key in ("title", "summary"):
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                meta[key] = str(value).strip()
            else:
                result.warnings.append((None, f"front matter '{key}' should be text"))
        elif key == "order":
            if isinstance(value, int | float) and not isinstance(value, bool):
                meta[key] = float(value)
            else:
                result.warnings.append((None, "front matter 'order' should be a number"))
        elif key == "minutes":
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                meta[key] = value
            else:
                result.warnings.append((None, "front matter 'minutes' should be a whole number"))
        elif key == "level":
            if isinstance(value, str) and value.strip().lower() in LEVELS:
                meta[key] = value.strip().lower()
            else:
                allowed = ", ".join(LEVELS)
                result.warnings.append((None, f"front matter 'level' should be one of {allowed}"))
        elif key == "checked":
            checked = _checked_versions(value)
            if checked is None:
                result.warnings.append(
                    (
                        None,
                        "front matter 'checked' should map tools to versions, with a "
                        "'date' such as \"2026-11\"",
                    )  # fmt: skip
                )
            else:
                meta[key] = checked
        elif key in ("aliases", "questions"):
            phrases = _phrases(value, split_commas=key == "aliases")
            if phrases is None:
                result.warnings.append((None, f"front matter '{key}' should be a list of text, "
                                              f"at most {MAX_PHRASES} items of at most "
                                              f"{MAX_PHRASE_CHARS} characters"))  # fmt: skip
            else:
                meta[key] = tuple(phrases)
        elif key in ("tags", "prerequisites"):
            items = _string_list(value)
            if items is None:
                result.warnings.append((None, f"front matter '{key}' should be a list of text"))
            else:
                meta[key] = tuple(items)
        else:
            meta[key] = value
    return meta


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _checked_versions(value: Any) -> tuple[tuple[str, str], ...] | None:
    """``checked: {django: "5.2", date: "2026-11"}`` as pairs; None when malformed."""
    if not isinstance(value, dict) or not value:
        return None
    pairs: list[tuple[str, str]] = []
    for tool, version in value.items():
        if not isinstance(tool, str) or isinstance(version, bool | dict | list) or version is None:
            return None
        pairs.append((tool.strip().lower(), str(version).strip()))
    date = dict(pairs).get("date")
    if date is None or not _MONTH.match(date):
        return None
    return tuple(pairs)


MAX_PHRASES = 20  # aliases or questions of one article
MAX_PHRASE_CHARS = 200


def _phrases(value: Any, *, split_commas: bool) -> list[str] | None:
    """``aliases`` (other names) or ``questions`` (how a learner asks for the article): a list
    of short texts (a question may contain commas; one alias string may list several)."""
    if isinstance(value, str) and not split_commas:
        value = [value]
    items = _string_list(value)
    if items is None or len(items) > MAX_PHRASES:
        return None
    if any(len(item) > MAX_PHRASE_CHARS for item in items):
        return None
    return list(dict.fromkeys(items))


def _string_list(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple) and all(isinstance(v, str | int | float) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    return None
