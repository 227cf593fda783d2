"""The Anki export, checked by importing the package into a real Anki collection (no Qt)."""

from __future__ import annotations

import shutil
import stat
import time
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import genanki
import pytest

from nexus_desktop.knowledge.loader import load_pack, read_article_text
from nexus_desktop.knowledge.model import Pack
from nexus_desktop.knowledge.quiz import CLOZE_BLANK
from nexus_desktop.render.markdown import heading_anchors
from nexus_desktop.services.anki_export import (
    BASIC_MODEL_NAME,
    CLOZE_MODEL_NAME,
    _heading_titles,
    _shuffled,
    export_anki,
    stable_id,
)
from nexus_desktop.services.library import LoadedPack, PackSource, load_source
from tests.conftest import CONTENT, write

anki_collection = pytest.importorskip("anki.collection")

GRAPHQL = "technologies/graphql/schema-and-types"
DJANGO = "technologies/django/orm"
COPIED = [
    "nexus-pack.toml",
    "_index.md",
    "technologies/_index.md",
    "technologies/graphql/_index.md",
    f"{GRAPHQL}.md",
    f"{GRAPHQL}.quiz.yaml",
    "technologies/django/_index.md",
    f"{DJANGO}.md",
    f"{DJANGO}.quiz.yaml",
]
QUESTIONS = 20  # 10 in each copied quiz file


@pytest.fixture
def pack_root(tmp_path: Path) -> Path:
    """Two real areas of the built-in hub, copied with their folder structure."""
    root = tmp_path / "hub"
    for rel in COPIED:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CONTENT / rel, root / rel)
    return root


def builtin_pack(root: Path) -> Pack:
    return load_pack(root, builtin=True)


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Any]:
    folder = tmp_path / "anki"
    folder.mkdir()
    col = anki_collection.Collection(str(folder / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def import_into(col: Any, package: Path) -> Any:
    request = anki_collection.ImportAnkiPackageRequest(
        package_path=str(package), options=anki_collection.ImportAnkiPackageOptions()
    )
    return col.import_anki_package(request)


def notes_of(col: Any, search: str = "") -> list[Any]:
    return [col.get_note(nid) for nid in col.find_notes(search)]


def test_the_package_imports_into_anki_with_decks_note_types_fields_and_tags(
    pack_root: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "nexus.apkg"
    summary = export_anki([builtin_pack(pack_root)], out)

    assert (summary.path, summary.notes, summary.decks, summary.skipped) == (out, QUESTIONS, 2, 0)
    assert summary.problems == ()
    assert set(summary.deck_names) == {
        "Project Nexus::Technologies::Django",
        "Project Nexus::Technologies::GraphQL with Graphene-Django",
    }
    result = import_into(collection, out)
    assert len(result.log.new) == QUESTIONS
    assert collection.note_count() == QUESTIONS

    deck_names = {d.name for d in collection.decks.all_names_and_ids()}
    assert set(summary.deck_names) <= deck_names
    django_deck = collection.decks.id_for_name("Project Nexus::Technologies::Django")
    assert len(collection.find_cards(f"did:{django_deck}")) >= 10

    model_names = {m["name"] for m in collection.models.all()}
    assert {BASIC_MODEL_NAME, CLOZE_MODEL_NAME} <= model_names
    cloze_model = collection.models.by_name(CLOZE_MODEL_NAME)
    assert cloze_model["type"] == 1  # MODEL_CLOZE

    notes = notes_of(collection)
    for note in notes:
        assert note["Source"], note["Question ID"]
        assert note["Explanation"], note["Question ID"]
        assert "level::" in " ".join(note.tags)
        assert "pack::project-nexus" in note.tags

    by_id = {note["Question ID"]: note for note in notes}
    cloze = by_id["graphql-schema-02"]
    assert cloze.note_type()["name"] == CLOZE_MODEL_NAME
    assert "{{c1::NonNull}}" in cloze["Text"]
    assert "{{c2::required}}" in cloze["Text"]
    assert CLOZE_BLANK not in cloze["Text"]
    assert len(cloze.cards()) == 2  # one card per blank
    assert "<code>" in cloze["Explanation"]
    assert cloze["Source"] == (
        "GraphQL schemas and types with Graphene-Django › Queries and arguments"
    )
    assert {"graphql", "graphene", "schema", "level::intermediate"} <= set(cloze.tags)
    assert {"django", "orm", "level::intro"} <= set(by_id["django-orm-01"].tags)

    single = by_id["graphql-schema-01"]
    assert single.note_type()["name"] == BASIC_MODEL_NAME
    assert single["Kind"] == "Choose one"
    assert single["Choices"].count("<li>") == 4
    assert "[OrderType!]!" in single["Answer"]
    assert single["Source"].endswith("› GraphQL in five minutes")
    rendered = single.cards()[0].question()
    assert "[OrderType]!" in rendered and ".nightMode" in rendered

    assert by_id["graphql-schema-03"]["Answer"] == '<p class="nx-right">False</p>'
    recall = by_id["graphql-schema-06"]
    assert recall["Choices"] == "" and "Variables are typed" in recall["Answer"]
    multiple = by_id["graphql-schema-05"]
    assert multiple["Answer"].count("✓") == 3 and multiple["Answer"].count("✗") == 1

    order = by_id["graphql-schema-09"]
    assert order["Answer"].startswith("<ol><li>Install graphene-django")
    assert order["Choices"].startswith('<ul class="nx-choices">')
    assert order["Choices"] != order["Answer"].replace("<ol>", '<ul class="nx-choices">').replace(
        "</ol>", "</ul>"
    )


def test_re_export_updates_the_notes_instead_of_duplicating_them(
    pack_root: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "nexus.apkg"
    export_anki([builtin_pack(pack_root)], out)
    import_into(collection, out)
    guids = {note.guid for note in notes_of(collection)}
    assert guids == {
        genanki.guid_for("project-nexus", f"graphql-schema-{n:02}") for n in range(1, 11)
    } | {genanki.guid_for("project-nexus", f"django-orm-{n:02}") for n in range(1, 11)}

    quiz = pack_root / f"{GRAPHQL}.quiz.yaml"
    quiz.write_text(
        quiz.read_text(encoding="utf-8").replace(
            "The inner `!` forbids null items", "Edited: the inner `!` forbids null items"
        ),
        encoding="utf-8",
    )
    export_anki([builtin_pack(pack_root)], out, timestamp=time.time() + 60)
    result = import_into(collection, out)

    assert collection.note_count() == QUESTIONS
    assert len(result.log.new) == 0
    assert {note.guid for note in notes_of(collection)} == guids
    (edited,) = notes_of(collection, '"Question ID:graphql-schema-01"')
    assert edited["Explanation"].startswith("<p>Edited:")


def test_ids_are_stable_and_order_steps_are_shuffled_the_same_way_every_time(
    pack_root: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    export_anki([builtin_pack(pack_root)], first, timestamp=1_700_000_000)
    export_anki([builtin_pack(pack_root)], second, timestamp=1_700_000_000)
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.read("collection.anki2") == b.read("collection.anki2")
    assert stable_id("deck", "X") == stable_id("deck", "X") < 2**53
    steps = ["one", "two", "three", "four"]
    assert _shuffled(steps, "p/q") == _shuffled(steps, "p/q") != steps
    assert sorted(_shuffled(steps, "p/q")) == sorted(steps)


def test_a_validated_loaded_pack_exports_its_checked_questions(
    pack_root: Path, tmp_path: Path
) -> None:
    loaded = load_source(PackSource(pack_root, builtin=True))
    assert isinstance(loaded, LoadedPack) and loaded.validated
    summary = export_anki([loaded], tmp_path / "v.apkg")
    assert summary.notes == QUESTIONS


def test_a_user_pack_uses_its_name_as_the_deck_root(pack_root: Path, tmp_path: Path) -> None:
    toml = pack_root / "nexus-pack.toml"
    toml.write_text('[pack]\nid = "mine"\nname = "My Notes"\n', encoding="utf-8")
    summary = export_anki([load_pack(pack_root)], tmp_path / "m.apkg", deck_root="Ignored")
    assert sorted(summary.deck_names) == [
        "My Notes::Technologies::Django",
        "My Notes::Technologies::GraphQL with Graphene-Django",
    ]


@pytest.mark.parametrize(
    "area", ["technologies/django", "DJANGO", "/technologies/django/", "technologies::django"]
)
def test_the_area_filter_keeps_one_area(
    area: str, pack_root: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "django.apkg"
    summary = export_anki([builtin_pack(pack_root)], out, area=area)
    assert summary.deck_names == ("Project Nexus::Technologies::Django",)
    assert summary.notes == 10
    import_into(collection, out)
    names = {d.name for d in collection.decks.all_names_and_ids()}
    assert "Project Nexus::Technologies::Django" in names
    assert not any("GraphQL" in name for name in names)
    assert collection.note_count() == 10


def test_an_area_keeps_the_areas_below_it_and_an_unknown_area_is_an_error(
    pack_root: Path, tmp_path: Path
) -> None:
    summary = export_anki([builtin_pack(pack_root)], tmp_path / "t.apkg", area="Technologies")
    assert summary.notes == QUESTIONS
    with pytest.raises(ValueError, match="no area 'kubernetes'.*technologies/django"):
        export_anki([builtin_pack(pack_root)], tmp_path / "k.apkg", area="kubernetes")
    assert not (tmp_path / "k.apkg").exists()


HOSTILE_ARTICLE = """\
---
title: Hostile <b>article</b>
level: advanced
tags: [security, "two words"]
---

## The heading

Text.
"""
HOSTILE_QUIZ = """\
- id: evil-1
  type: single
  prompt: "Pick one <script>alert('x')</script> and <img src=x onerror=alert(1)> `<code>`"
  choices: ["<b onclick=\\"steal()\\">bold</b>", "[link](javascript:alert(1))"]
  answer: "<b onclick=\\"steal()\\">bold</b>"
  explanation: "<iframe src=https://evil.example></iframe>Explained."
  source: area/hostile#the-heading
- id: evil-2
  type: cloze
  prompt: "Close early [___] and {{c9::injected}} then [___]."
  answer:
    - ["}} <script>x</script>", "alt::two", "`}} <script>x</script>`"]
    - "second"
  explanation: "Fine."
  source: area/hostile#the-heading
- id: evil-3
  type: cloze
  prompt: "A blank in a link target is lost: [docs]([___])."
  answer: "x"
  explanation: "Skipped, with a reason."
  source: area/hostile#the-heading
"""


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def tags_in(fragment: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The real elements of an HTML fragment (escaped text is not one)."""
    collector = _TagCollector()
    collector.feed(fragment)
    collector.close()
    return collector.tags


def test_hostile_text_is_escaped_in_the_stored_fields(tmp_path: Path, collection: Any) -> None:
    root = tmp_path / "evil"
    write(root, "nexus-pack.toml", '[pack]\nid = "evil"\nname = "Evil :: Pack"\n')
    write(root, "area/hostile.md", HOSTILE_ARTICLE)
    write(root, "area/hostile.quiz.yaml", HOSTILE_QUIZ)
    out = tmp_path / "evil.apkg"
    summary = export_anki([load_pack(root)], out)
    assert summary.deck_names == ("Evil : Pack::Area",)
    assert (summary.notes, summary.skipped) == (2, 1)
    assert "'evil-3' skipped: blank 1" in summary.problems[0]
    import_into(collection, out)

    by_id = {note["Question ID"]: note for note in notes_of(collection)}
    single, cloze = by_id["evil-1"], by_id["evil-2"]
    tags = tags_in("".join(single.fields + cloze.fields))
    assert not {"script", "img", "iframe", "b"} & {tag for tag, _ in tags}
    assert all(not name.startswith("on") for _, attrs in tags for name, _ in attrs)
    assert all("javascript" not in (value or "") for _, attrs in tags for _, value in attrs)
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in single["Prompt"]
    assert "<code>&lt;code&gt;</code>" in single["Prompt"]
    assert "&lt;b onclick" in single["Choices"]
    assert single["Source"] == "Hostile &lt;b&gt;article&lt;/b&gt; › The heading"
    assert {"security", "two_words", "level::advanced", "pack::evil"} <= set(single.tags)

    text = cloze["Text"]
    assert text.count("{{c") == 2  # the content's own {{c9::...}} is not a deletion
    assert "{{c1::&#125;&#125; &lt;script&gt;x&lt;/script&gt; / alt:&#58;two}}" in text
    assert "{{c2::second}}" in text
    assert len(cloze.cards()) == 2
    answer_side = cloze.cards()[0].answer()
    assert "<script>x" not in answer_side and "&lt;script&gt;x" in answer_side


def test_a_failed_write_leaves_no_file_and_names_the_path(
    pack_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = builtin_pack(pack_root)
    missing = tmp_path / "no-such-folder" / "deck.apkg"
    with pytest.raises(OSError, match="no-such-folder/deck.apkg"):
        export_anki([pack], missing)

    out = tmp_path / "out" / "deck.apkg"
    out.parent.mkdir()
    out.write_bytes(b"the previous export")
    out.chmod(0o640)

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", broken)
    with pytest.raises(OSError, match=r"cannot write the Anki deck .*deck\.apkg.*No space"):
        export_anki([pack], out)
    assert out.read_bytes() == b"the previous export"
    assert [p.name for p in out.parent.iterdir()] == ["deck.apkg"]

    monkeypatch.undo()
    export_anki([pack], out)
    assert zipfile.is_zipfile(out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert [p.name for p in out.parent.iterdir()] == ["deck.apkg"]


def test_no_questions_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    write(root, "area/a.md", "# A\n\nNo quiz.\n")
    with pytest.raises(ValueError, match="no quiz questions"):
        export_anki([load_pack(root)], tmp_path / "e.apkg")
    assert not (tmp_path / "e.apkg").exists()


def test_heading_titles_match_the_readers_anchors() -> None:
    for rel in (GRAPHQL, DJANGO):
        text = read_article_text(CONTENT / f"{rel}.md")
        assert set(_heading_titles(text)) == heading_anchors(text)
    text = (
        "# Intro\n\n## Same\n\n```\n## not a heading\n```\n\n## Same\n\n"
        "## `code` and [link](x)\n\n## The `__init__` **method**\n"
    )
    assert _heading_titles(text) == {
        "intro": "Intro",
        "same": "Same",
        "same_1": "Same",
        "code-and-link": "code and link",
        "the-__init__-method": "The __init__ method",
    }
    assert set(_heading_titles(text)) == heading_anchors(text)
