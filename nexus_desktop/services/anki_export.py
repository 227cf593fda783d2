"""Export the quiz questions of content packs as an Anki deck (``.apkg``), Qt-free.

``export_anki(packs, out_path)`` writes one ``.apkg`` that a learner imports into Anki (desktop,
AnkiDroid, AnkiMobile). Re-exporting and importing again *updates* the notes already there
instead of duplicating them: every id in the file is derived, never random.

Design (the choices the format leaves open):

* **Decks.** One sub-deck per area: ``<root>::<area>::<sub-area>``, the top two levels of the
  article's area path titled as the knowledge tree shows them (``Area.title``), e.g.
  ``Project Nexus::Technologies::Django``. ``<root>`` is ``deck_root`` for the built-in hub and
  the pack's name for any other pack. Articles at the root of a pack go in the root deck. A
  ``::`` inside a title would make an extra deck level, so it becomes ``:``.
* **Ids.** Deck and note-type ids are a hash of their name (stable, below 2**53 so Anki's
  JavaScript sees them exactly). Note GUIDs are ``genanki.guid_for(pack_id, question_id)``.
  A pack without ``nexus-pack.toml`` has an id derived from its folder's path, so moving such a
  folder gives new GUIDs: give the pack an ``id`` to keep its cards.
* **Note types.** ``Project Nexus quiz`` (basic): Kind, Prompt, Choices, Answer, Explanation,
  Source, Question ID; single, multiple, true-false, order and recall questions use it (recall
  has no choices). ``Project Nexus cloze`` (cloze): Text, Explanation, Source, Question ID.
* **Cloze blanks.** Each ``[___]`` becomes ``{{cN::answer}}`` (one card per blank, as Anki
  does). Accepted alternatives are shown *after a slash* on the answer side
  (``{{c1::json-file / json_file}}``), never in the hint, which would give the answer away on the
  question side. Alternatives that differ only by backticks, case or spaces are shown once.
* **Order questions.** The front lists the steps shuffled by a seed from the question's id
  (the same every export, never the right order); the back lists them in order.
* **Tags.** The article's tags (spaces become ``_``), ``level::<level>`` and
  ``pack::<pack-id>`` (hierarchical tags, so Anki's browser groups them).
* **HTML.** Prompts, choices, answers and explanations are Markdown. Raw HTML in them is shown
  as text (Markdown's HTML passthrough is turned off, so ``<script>`` becomes ``&lt;script&gt;``)
  and the result goes through nh3 with a small allow-list (no scripts, no event handlers, links
  only to http/https/mailto). The CSS reads well in Anki's light and night modes.
* **Writing.** The package is written to a temporary file beside ``out_path`` and moved over it
  with ``os.replace``; a failure leaves no partial file and raises ``OSError`` naming the path.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import itertools
import os
import random
import re
import sqlite3
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import genanki
import markdown
import nh3
from markdown.extensions.toc import slugify

from nexus_desktop.knowledge.loader import read_article_text
from nexus_desktop.knowledge.model import Area, Article, ArticleId, Pack, Severity
from nexus_desktop.knowledge.quiz import CLOZE_BLANK, Question, parse_quiz_file
from nexus_desktop.services.library import LoadedPack

__all__ = [
    "BASIC_MODEL_NAME",
    "CLOZE_MODEL_NAME",
    "DEFAULT_DECK_ROOT",
    "ExportSummary",
    "deck_name_for",
    "export_anki",
    "stable_id",
]

DEFAULT_DECK_ROOT = "Project Nexus"
BASIC_MODEL_NAME = "Project Nexus quiz"
CLOZE_MODEL_NAME = "Project Nexus cloze"
KIND_LABELS = {
    "single": "Choose one",
    "multiple": "Choose all that apply",
    "true-false": "True or false?",
    "order": "Put these in order",
    "recall": "Recall",
    "cloze": "Fill in the blanks",
}


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What :func:`export_anki` wrote."""

    path: Path
    notes: int
    decks: int
    skipped: int  # questions not exported (duplicate ids, unreadable or invalid questions)
    deck_names: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())  # why questions were skipped, one a line


def stable_id(kind: str, name: str) -> int:
    """A deterministic Anki id for a deck or note type: a hash of ``name``, in [2**40, 2**53)."""
    digest = hashlib.sha256(f"nexus-desktop:{kind}:{name}".encode()).digest()
    return (1 << 40) + int.from_bytes(digest[:8], "big") % ((1 << 53) - (1 << 40))


# -- note types ------------------------------------------------------------------------------

_CSS = """\
.card {
  --nx-fg: #1f2328; --nx-bg: #ffffff; --nx-muted: #59636e; --nx-rule: #d1d9e0;
  --nx-code-bg: #eff2f5; --nx-accent: #0a58ca; --nx-right: #1a7f37; --nx-wrong: #b42318;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px; line-height: 1.5; text-align: left;
  color: var(--nx-fg); background-color: var(--nx-bg);
  max-width: 44em; margin: 0 auto; padding: 0.5em 0.75em;
}
.card.nightMode, .card.night_mode, .nightMode .card, .night_mode .card {
  --nx-fg: #e6edf3; --nx-bg: #1e2227; --nx-muted: #a0abb8; --nx-rule: #3d444d;
  --nx-code-bg: #2d333b; --nx-accent: #79b8ff; --nx-right: #56d364; --nx-wrong: #ff7b72;
}
.nx-kind { font-size: 0.75em; text-transform: uppercase; letter-spacing: 0.05em;
  color: var(--nx-muted); margin-bottom: 0.4em; }
.nx-choices, .nx-answer ul, .nx-answer ol { padding-left: 1.4em; }
.nx-choices li, .nx-answer li { margin: 0.25em 0; }
.nx-answer { color: var(--nx-fg); }
.nx-right { color: var(--nx-right); font-weight: 600; }
.nx-wrong { color: var(--nx-muted); }
.nx-explanation { margin-top: 0.8em; }
.nx-source { margin-top: 1em; font-size: 0.8em; color: var(--nx-muted); }
hr#answer { border: none; border-top: 1px solid var(--nx-rule); margin: 1em 0; }
code, pre { font-family: ui-monospace, "SF Mono", "Cascadia Mono", Menlo, Consolas, monospace;
  font-size: 0.9em; background-color: var(--nx-code-bg); color: var(--nx-fg);
  border-radius: 4px; }
code { padding: 0.1em 0.3em; }
pre { padding: 0.6em 0.8em; overflow-x: auto; white-space: pre-wrap; }
pre code { padding: 0; background: none; }
a { color: var(--nx-accent); }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--nx-rule); padding: 0.2em 0.5em; }
.cloze { font-weight: 700; color: var(--nx-accent); }
"""

_SOURCE_BLOCK = '{{#Source}}<div class="nx-source">{{Source}}</div>{{/Source}}'
_EXPLANATION_BLOCK = (
    '{{#Explanation}}<div class="nx-explanation">{{Explanation}}</div>{{/Explanation}}'
)

BASIC_MODEL = genanki.Model(
    stable_id("model", BASIC_MODEL_NAME + " v1"),
    BASIC_MODEL_NAME,
    fields=[
        {"name": "Prompt"},
        {"name": "Choices"},
        {"name": "Answer"},
        {"name": "Explanation"},
        {"name": "Source"},
        {"name": "Kind"},
        {"name": "Question ID"},
    ],
    templates=[
        {
            "name": "Question",
            "qfmt": '<div class="nx-kind">{{Kind}}</div>\n<div class="nx-prompt">{{Prompt}}</div>\n'
            '{{#Choices}}<div class="nx-choices-box">{{Choices}}</div>{{/Choices}}',
            "afmt": '{{FrontSide}}\n<hr id="answer">\n<div class="nx-answer">{{Answer}}</div>\n'
            f"{_EXPLANATION_BLOCK}\n{_SOURCE_BLOCK}",
        }
    ],
    css=_CSS,
)

CLOZE_MODEL = genanki.Model(
    stable_id("model", CLOZE_MODEL_NAME + " v1"),
    CLOZE_MODEL_NAME,
    fields=[
        {"name": "Text"},
        {"name": "Explanation"},
        {"name": "Source"},
        {"name": "Question ID"},
    ],
    templates=[
        {
            "name": "Cloze",
            "qfmt": '<div class="nx-kind">Fill in the blank</div>\n{{cloze:Text}}',
            "afmt": '<div class="nx-kind">Fill in the blank</div>\n{{cloze:Text}}\n'
            f'<hr id="answer">\n{_EXPLANATION_BLOCK}\n{_SOURCE_BLOCK}',
        }
    ],
    css=_CSS,
    model_type=genanki.Model.CLOZE,
)


# -- Markdown to safe HTML -------------------------------------------------------------------

_TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "em", "hr", "i", "kbd", "li", "ol", "p",
    "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "td": {"style"}, "th": {"style"}}
_LINK_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_WRAPPING_P = re.compile(r"\A<p>(.*)</p>\Z", re.DOTALL)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        match = _SCHEME.match(value.strip())
        return value if match and match.group(1).lower() in _LINK_SCHEMES else None
    return value


class _Html:
    """Markdown to sanitized HTML. Raw HTML in the text is shown as text, never interpreted."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=["fenced_code", "tables", "sane_lists"], output_format="html"
        )
        self._md.preprocessors.deregister("html_block")
        self._md.inlinePatterns.deregister("html")

    def block(self, text: str) -> str:
        self._md.reset()
        return _sanitize(self._md.convert(text)).strip()

    def inline(self, text: str) -> str:
        """One line of Markdown without its wrapping paragraph."""
        rendered = self.block(text)
        match = _WRAPPING_P.match(rendered)
        return match.group(1) if match and "<p>" not in match.group(1) else rendered


def _sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=set(_LINK_SCHEMES),
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


# -- headings (for the Source field) ---------------------------------------------------------

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"`|\*\*|__|(?<!\w)[*_]|[*_](?!\w)")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")


def _plain_heading(source: str) -> str:
    """A heading's text as the reader shows it: code spans verbatim, other marks removed."""
    out: list[str] = []
    for number, piece in enumerate(_CODE_SPAN.split(source)):
        if number % 3 == 2:  # the inside of a code span (the split keeps the backticks too)
            out.append(piece.strip())
        elif number % 3 == 0:
            out.append(_MD_MARKS.sub("", _MD_LINK.sub(r"\1", piece)))
    return "".join(out).strip()


def _heading_titles(text: str) -> dict[str, str]:
    """Heading anchor -> heading text, made as the reader's Markdown ``toc`` makes anchors
    (same slugify, same ``_1`` suffixes), from a line scan: rendering every article would cost
    about 17 ms each."""
    found: dict[str, str] = {}
    fence: str | None = None
    for line in text.split("\n"):
        opening = _FENCE.match(line)
        if opening:
            marker = opening.group(1)
            if fence is None:
                fence = marker
            elif (
                marker[0] == fence[0]
                and len(marker) >= len(fence)
                and not line.strip(marker[0] + " \t")
            ):
                fence = None
            continue
        if fence is not None:
            continue
        match = _ATX.match(line)
        if not match:
            continue
        title = _plain_heading(match.group(2))
        anchor = slugify(title, "-")
        while anchor in found or not anchor:
            counted = _ID_COUNT.match(anchor)
            anchor = f"{counted.group(1)}_{int(counted.group(2)) + 1}" if counted else f"{anchor}_1"
        found[anchor] = title
    return found


# -- decks -----------------------------------------------------------------------------------


def _deck_part(title: str) -> str:
    return " ".join(title.replace("::", ":").split())


def deck_name_for(pack: Pack, area: Area, *, deck_root: str = DEFAULT_DECK_ROOT) -> str:
    """The deck of the questions of articles in ``area``: root, then the top two area titles."""
    root = deck_root if pack.builtin else pack.name
    parts = [_deck_part(root) or DEFAULT_DECK_ROOT]
    parts.extend(p for p in (_deck_part(a.title) for a in area.breadcrumb()[1:3]) if p)
    return "::".join(parts)


def _area_keys(area: Area) -> set[str]:
    titles = [a.title for a in area.breadcrumb()[1:]]
    keys = {area.id, area.title, "::".join(_deck_part(t) for t in titles)}
    return {" ".join(k.strip().strip("/").split()).casefold() for k in keys if k}


def _matching_areas(pack: Pack, wanted: str) -> list[str]:
    key = " ".join(wanted.strip().strip("/").split()).casefold()
    return [aid for aid, area in pack.areas.items() if aid and key in _area_keys(area)]


def _in_areas(area_id: str, roots: Sequence[str]) -> bool:
    return any(area_id == root or area_id.startswith(root + "/") for root in roots)


# -- notes -----------------------------------------------------------------------------------


def _tag(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip().replace('"', "")).strip(":")


def _tags(pack: Pack, article: Article) -> list[str]:
    tags = [_tag(t) for t in article.tags]
    if article.level:
        tags.append(f"level::{_tag(article.level)}")
    tags.append(f"pack::{_tag(pack.id)}")
    return list(dict.fromkeys(t for t in tags if t))


def _distinct(alternatives: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for alternative in alternatives:
        key = "".join(alternative.replace("`", "").split()).casefold()
        if key not in seen:
            seen.add(key)
            out.append(alternative)
    return out


def _no_template_syntax(fragment: str) -> str:
    """Braces as entities, so content can never open or close a cloze deletion."""
    return fragment.replace("{", "&#123;").replace("}", "&#125;")


def _shuffled(items: Sequence[str], seed: str) -> list[str]:
    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))
    out = list(items)
    rng.shuffle(out)
    if out == list(items) and len(out) > 1:
        out = out[1:] + out[:1]
    return out


class _NoteMaker:
    def __init__(self) -> None:
        self.html = _Html()
        self._headings: dict[ArticleId, dict[str, str]] = {}

    def source(self, pack: Pack, question: Question) -> str:
        article = pack.articles.get(question.source_article)
        if article is None:
            return html.escape(f"{question.source_article} › {question.source_anchor}")
        if article.id not in self._headings:
            try:
                self._headings[article.id] = _heading_titles(read_article_text(article.path))
            except OSError:
                self._headings[article.id] = {}
        heading = self._headings[article.id].get(question.source_anchor)
        if heading is None:
            heading = question.source_anchor.replace("-", " ").strip().capitalize()
        return f"{html.escape(article.title)} › {html.escape(heading)}"

    def fields(self, pack: Pack, question: Question) -> tuple[genanki.Model, list[str]]:
        source = self.source(pack, question)
        explanation = self.html.block(question.explanation)
        if question.type == "cloze":
            return CLOZE_MODEL, [self.cloze_text(question), explanation, source, question.id]
        prompt = self.html.block(question.prompt)
        choices, answer = self.choices_and_answer(pack, question)
        kind = KIND_LABELS.get(question.type, question.type)
        return BASIC_MODEL, [prompt, choices, answer, explanation, source, kind, question.id]

    def choices_and_answer(self, pack: Pack, question: Question) -> tuple[str, str]:
        inline = self.html.inline
        qtype, answer = question.type, question.answer
        if qtype == "single":
            items = "".join(f"<li>{inline(c)}</li>" for c in question.choices)
            return (
                f'<ul class="nx-choices">{items}</ul>',
                f'<p class="nx-right">{inline(answer)}</p>',
            )
        if qtype == "multiple":
            items = "".join(f"<li>{inline(c)}</li>" for c in question.choices)
            marked = "".join(
                f'<li class="nx-right">✓ {inline(c)}</li>'
                if c in answer
                else f'<li class="nx-wrong">✗ {inline(c)}</li>'
                for c in question.choices
            )
            return f'<ul class="nx-choices">{items}</ul>', f"<ul>{marked}</ul>"
        if qtype == "true-false":
            word = "True" if answer else "False"
            return (
                '<ul class="nx-choices"><li>True</li><li>False</li></ul>',
                f'<p class="nx-right">{word}</p>',
            )
        if qtype == "order":
            shuffled = _shuffled(answer, f"{pack.id}/{question.id}")
            items = "".join(f"<li>{inline(s)}</li>" for s in shuffled)
            ordered = "".join(f"<li>{inline(s)}</li>" for s in answer)
            return f'<ul class="nx-choices">{items}</ul>', f"<ol>{ordered}</ol>"
        if qtype == "recall":
            return "", self.html.block(str(answer))
        raise ValueError(f"unknown question type {qtype!r}")

    def cloze_text(self, question: Question) -> str:
        pieces = question.prompt.split(CLOZE_BLANK)
        answers: Sequence[Sequence[str]] = question.answer
        if len(pieces) - 1 != len(answers):
            raise ValueError(f"{len(pieces) - 1} blanks but {len(answers)} answers")
        marked = pieces[0]
        for number, piece in enumerate(pieces[1:]):
            marked += f"\ue000{number}\ue001{piece}"
        text = _no_template_syntax(self.html.block(marked))
        for number, alternatives in enumerate(answers):
            shown = " / ".join(self.html.inline(a) for a in _distinct(alternatives))
            shown = _no_template_syntax(shown).replace("::", ":&#58;")
            token = f"\ue000{number}\ue001"
            if text.count(token) != 1:  # e.g. a blank inside a link target, which is dropped
                raise ValueError(f"blank {number + 1} cannot be shown as a cloze deletion")
            text = text.replace(token, f"{{{{c{number + 1}::{shown}}}}}")
        return text


def _article_order(pack: Pack) -> dict[ArticleId, int]:
    from nexus_desktop.services.quiz import reading_order

    return reading_order(pack)


def _questions_of(
    item: Pack | LoadedPack,
) -> tuple[Pack, dict[ArticleId, list[Question]], list[str]]:
    """The pack and its questions: the validated ones of a validated LoadedPack, else parsed
    from the quiz files (without the deep checks)."""
    if isinstance(item, LoadedPack) and item.validated:
        return item.pack, item.questions, []
    pack = item.pack if isinstance(item, LoadedPack) else item
    questions: dict[ArticleId, list[Question]] = {}
    problems: list[str] = []
    for article_id, path in sorted(pack.quiz_files.items()):
        parsed, found = parse_quiz_file(path, article_id)
        questions[article_id] = parsed
        problems.extend(p.describe(pack.root) for p in found if p.severity is Severity.ERROR)
    return pack, questions, problems


# -- export ----------------------------------------------------------------------------------


def export_anki(
    packs: Iterable[Pack | LoadedPack],
    out_path: Path,
    *,
    area: str | None = None,
    deck_root: str = DEFAULT_DECK_ROOT,
    timestamp: float | None = None,
) -> ExportSummary:
    """Write the quiz questions of ``packs`` to ``out_path`` as an Anki package.

    ``packs`` are what the loader gives: :class:`Pack` (quiz files are parsed here) or
    :class:`LoadedPack` (a validated one's checked questions are used). ``area`` keeps one area
    and the areas below it: its id path (``technologies/django``), its title (``Django``) or
    its deck path (``Technologies::Django``), case-insensitive.

    ``timestamp`` (seconds since the epoch, default now) stamps the notes: Anki updates a note
    it already has only from a package whose note is newer.

    Raises ``ValueError`` when ``area`` matches no area or there is no question to export, and
    ``OSError`` (naming ``out_path``) when the file cannot be written; then no file is left.
    """
    out_path = Path(out_path)
    loaded = [_questions_of(item) for item in packs]
    area_roots: dict[str, list[str]] = {}
    if area is not None:
        for pack, _, _ in loaded:
            area_roots[pack.id] = _matching_areas(pack, area)
        if not any(area_roots.values()):
            known = sorted({aid for pack, _, _ in loaded for aid in pack.areas if aid})
            raise ValueError(
                f"no area {area!r} in {', '.join(p.name for p, _, _ in loaded) or 'no pack'}; "
                f"areas: {', '.join(known) or 'none'}"
            )

    maker = _NoteMaker()
    decks: dict[str, genanki.Deck] = {}
    problems: list[str] = []
    skipped = 0
    due = itertools.count()
    for pack, questions, parse_problems in loaded:
        problems.extend(parse_problems)
        order = _article_order(pack)
        seen: set[str] = set()
        for article_id in sorted(questions, key=lambda a: (order.get(a, len(order)), a)):
            article = pack.articles.get(article_id)
            if article is None:
                skipped += len(questions[article_id])
                problems.append(f"{pack.name}: quiz of a missing article {article_id}")
                continue
            if area is not None and not _in_areas(article.area_id, area_roots.get(pack.id, [])):
                continue
            deck_name = deck_name_for(pack, pack.area_of(article), deck_root=deck_root)
            for question in questions[article_id]:
                if question.id in seen:
                    skipped += 1
                    problems.append(f"{pack.name}: duplicate question id {question.id!r}")
                    continue
                try:
                    model, values = maker.fields(pack, question)
                except (ValueError, TypeError) as exc:
                    skipped += 1
                    problems.append(f"{pack.name}: question {question.id!r} skipped: {exc}")
                    continue
                seen.add(question.id)
                deck = decks.get(deck_name)
                if deck is None:
                    deck = decks[deck_name] = genanki.Deck(
                        stable_id("deck", deck_name),
                        deck_name,
                        description=f"Quiz questions of {html.escape(pack.name)}, "
                        "exported by Nexus Desktop.",
                    )
                deck.add_note(
                    genanki.Note(
                        model=model,
                        fields=values,
                        tags=_tags(pack, article),
                        guid=genanki.guid_for(pack.id, question.id),
                        due=next(due),
                    )
                )
    notes = sum(len(deck.notes) for deck in decks.values())
    if notes == 0:
        where = f" in area {area!r}" if area is not None else ""
        raise ValueError(f"no quiz questions to export{where}")
    stamp = time.time() if timestamp is None else timestamp
    _write_package(genanki.Package(list(decks.values())), out_path, stamp)
    return ExportSummary(
        path=out_path,
        notes=notes,
        decks=len(decks),
        skipped=skipped,
        deck_names=tuple(decks),
        problems=tuple(problems),
    )


def _write_package(package: Any, out_path: Path, timestamp: float) -> None:
    """Write ``package`` as ``out_path`` atomically (genanki's own writer leaks a temp file)."""
    try:
        handle, part_name = tempfile.mkstemp(
            prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent
        )
    except OSError as exc:
        raise OSError(f"cannot write the Anki deck {out_path}: {exc.strerror or exc}") from exc
    part = Path(part_name)
    try:
        with tempfile.TemporaryDirectory(prefix="nexus-anki-") as work:
            db_path = Path(work) / "collection.anki2"
            with contextlib.closing(sqlite3.connect(db_path)) as connection:
                package.write_to_db(
                    connection.cursor(), timestamp, itertools.count(int(timestamp * 1000))
                )
                connection.commit()
            with os.fdopen(handle, "wb") as raw:
                handle = -1
                with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                    archive.write(db_path, "collection.anki2")
                    archive.writestr("media", "{}")
                raw.flush()
                os.fsync(raw.fileno())
        try:  # mkstemp makes the file private; give it the mode of the file it replaces
            mode = stat.S_IMODE(out_path.stat().st_mode)
        except OSError:
            mode = 0o644
        os.chmod(part, mode)
        os.replace(part, out_path)
    except BaseException as exc:
        if handle >= 0:
            os.close(handle)
        part.unlink(missing_ok=True)
        if isinstance(exc, OSError | sqlite3.Error):
            raise OSError(f"cannot write the Anki deck {out_path}: {exc}") from exc
        raise
