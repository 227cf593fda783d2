"""The learner's data through the service and the CLI: export, import (merge, replace,
hostile files), notes as Markdown, backup, restore and check."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from nexus_desktop.cli import main
from nexus_desktop.services.study import StudyError, StudyService, parse_export


@pytest.fixture
def study(tmp_path: Path) -> Iterator[StudyService]:
    service = StudyService(tmp_path / "data")
    (tmp_path / "data").mkdir()
    service.open()
    yield service
    service.close()


def fill(study: StudyService) -> None:
    study.save_note("hub", "concepts/caching", "# Caching\n\nTTL *and* jitter.").result()
    study.save_note("hub", "gone/article", "A note on an article that left the pack.").result()
    study.toggle_bookmark("hub", "concepts/caching", "", "Caching").result()
    study.toggle_bookmark("hub", "concepts/caching", "ttl", "Caching › TTL").result()
    study.record_reading("hub", "concepts/caching", opened=True, reading_ms=60_000,
                         furthest=0.5, scroll=1200).result()  # fmt: skip
    study.set_completed("hub", "concepts/caching", True, "digest").result()
    from nexus_desktop.study.anchoring import make_anchor

    text = "Jitter spreads expiry times so keys do not expire together."
    anchor = make_anchor(text, 0, 6, heading="jittered-ttls")
    study.add_highlight("hub", "concepts/caching", anchor, "green", "Remember this").result()
    answer(study, "celery-1", ratings=(1, 3, 3))


DAY = 24 * 3600 * 1000


def answer(study: StudyService, question: str, ratings: tuple[int, ...]) -> None:
    from nexus_desktop.services.quiz import QuizService

    quiz = QuizService.for_study(study, lambda: [])
    for day, rating in enumerate(ratings):
        quiz.answer("hub", question, rating, rating > 1, 5000, at_ms=1_700_000_000_000 + day * DAY)
    quiz.card("hub", question).result()  # the answers above are written by then


def exported(study: StudyService) -> dict[str, object]:
    document = study.export_data().result()
    return {k: v for k, v in document.items() if k != "exported_at"}


def test_export_import_into_an_empty_folder_export_gives_the_same_document(
    study: StudyService, tmp_path: Path
) -> None:
    fill(study)
    first = exported(study)
    other = StudyService(tmp_path / "other")
    (tmp_path / "other").mkdir()
    other.open()
    summary = other.import_data(first).result()  # type: ignore[arg-type]
    assert summary.startswith("2 notes, 1 highlights, 2 bookmarks and 1 reading records imported")
    assert summary.endswith("3 quiz answers added to the review log")
    assert exported(other) == first
    assert len(first["reviews"]) == 3  # type: ignore[arg-type]
    # the imported answers give the same schedule as the ones answered here
    from nexus_desktop.services.quiz import QuizService

    here = QuizService.for_study(study, lambda: []).card("hub", "celery-1").result()
    there = QuizService.for_study(other, lambda: []).card("hub", "celery-1").result()
    assert there is not None and there.due_ms == here.due_ms  # type: ignore[union-attr]
    other.close()


def test_review_logs_merge_without_losing_or_doubling_an_answer(
    study: StudyService, tmp_path: Path
) -> None:
    from nexus_desktop.services.quiz import QuizService

    answer(study, "celery-1", ratings=(3, 3))
    laptop = StudyService(tmp_path / "laptop")
    (tmp_path / "laptop").mkdir()
    laptop.open()
    answer(laptop, "celery-1", ratings=(1,))
    answer(laptop, "docker-2", ratings=(3,))
    document = exported(laptop)
    assert study.import_data(document).result().endswith("2 quiz answers added to the review log")  # type: ignore[arg-type]
    assert study.import_data(document).result().endswith("0 quiz answers added to the review log")  # type: ignore[arg-type]
    log = exported(study)["reviews"]
    assert sorted(r["question_id"] for r in log) == ["celery-1"] * 3 + ["docker-2"]  # type: ignore[index, union-attr]
    card = QuizService.for_study(study, lambda: []).card("hub", "celery-1").result()
    assert card is not None and card.reps == 3  # replayed from all three answers
    reasons = [b.reason for b in study.database.backups()]  # one before each import
    assert len(reasons) == 2 and all(r.startswith("before_import") for r in reasons)
    laptop.close()


def test_a_version_1_export_still_imports(study: StudyService) -> None:
    answer(study, "celery-1", ratings=(3,))
    document = {"format": "nexus-desktop-study", "version": 1, "notes": [], "bookmarks": [],
                "progress": [], "highlights": []}  # fmt: skip
    study.import_data(document, replace=True).result()
    assert len(exported(study)["reviews"]) == 1  # type: ignore[arg-type]  # no log: kept


def test_merging_keeps_both_sides(study: StudyService, tmp_path: Path) -> None:
    fill(study)
    laptop = StudyService(tmp_path / "laptop")
    (tmp_path / "laptop").mkdir()
    laptop.open()
    laptop.save_note("hub", "concepts/caching", "Written on the laptop.").result()
    laptop.save_note("hub", "python/typing", "Only on the laptop.").result()
    summary = study.import_data(exported(laptop)).result()  # type: ignore[arg-type]
    assert "1 notes merged with yours" in summary
    bodies = {(n.article_id): n.body for n in study.notes().result()}
    assert "TTL *and* jitter." in bodies["concepts/caching"]
    assert "Written on the laptop." in bodies["concepts/caching"]
    assert bodies["python/typing"] == "Only on the laptop."
    again = study.import_data(exported(laptop)).result()  # type: ignore[arg-type]
    assert "merged" not in again  # importing twice changes nothing more
    assert {(n.article_id): n.body for n in study.notes().result()} == bodies
    laptop.close()


def test_replace_imports_instead_of_everything(study: StudyService) -> None:
    fill(study)
    document = exported(study)
    study.save_note("hub", "extra", "Added after the export.").result()
    study.import_data(document, replace=True).result()  # type: ignore[arg-type]
    assert exported(study) == document


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ([], "not an object"),
        ({"format": "other"}, "not a Nexus Desktop data export"),
        ({"format": "nexus-desktop-study", "version": 99}, "from a newer Nexus Desktop"),
        ({"format": "nexus-desktop-study", "version": 1, "notes": {}}, "'notes' should be a list"),
        ({"format": "nexus-desktop-study", "version": 1, "notes": [{"id": 5}]}, "wrong type"),
        ({"format": "nexus-desktop-study", "version": 1,
          "notes": [{"id": "x" * 32, "pack_id": "p", "article_id": "a", "body": "b",
                     "created_at": 1, "updated_at": 1, "deleted_at": None}]}, "hexadecimal"),
        ({"format": "nexus-desktop-study", "version": 1,
          "notes": [{"id": "a" * 32, "pack_id": "p", "article_id": "a", "body": "b" * 1_000_001,
                     "created_at": 1, "updated_at": 1, "deleted_at": None}]}, "longer than"),
        ({"format": "nexus-desktop-study", "version": 1,
          "notes": [{"id": "a" * 32, "pack_id": "p", "article_id": "a", "body": "b",
                     "created_at": 1, "updated_at": 1, "deleted_at": None}] * 2}, "twice"),
    ],
)  # fmt: skip
def test_hostile_imports_are_refused_in_words(document: object, words: str) -> None:
    with pytest.raises(StudyError, match=words):
        parse_export(document)


REVIEW = {"id": "b" * 32, "pack_id": "hub", "question_id": "q", "reviewed_at": 1, "rating": 3,
          "response_ms": 10, "correct": True, "question_hash": "", "due_at": None}  # fmt: skip


@pytest.mark.parametrize(
    ("reviews", "words"),
    [
        ({}, "'reviews' should be a list"),
        ([{**REVIEW, "rating": 7}], "1 \\(Again\\) to 4"),
        ([{**REVIEW, "correct": "yes"}], "'correct' is missing or of the wrong type"),
        ([{**REVIEW, "rating": True}], "'rating' is missing or of the wrong type"),
        ([{**REVIEW, "reviewed_at": -5}], "out of range"),
        ([REVIEW, REVIEW], "twice"),
        ([{**REVIEW, "question_id": "q" * 5000}], "longer than"),
    ],
)  # fmt: skip
def test_hostile_review_logs_are_refused_and_change_nothing(
    study: StudyService, reviews: object, words: str
) -> None:
    document = {"format": "nexus-desktop-study", "version": 2, "reviews": reviews}
    with pytest.raises(StudyError, match=words):
        study.import_data(document)
    assert exported(study)["reviews"] == []


def test_cli_data_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "d")
    (tmp_path / "d").mkdir()
    study = StudyService(tmp_path / "d" / "data")
    (tmp_path / "d" / "data").mkdir()
    study.open()
    fill(study)
    study.close()
    export = tmp_path / "export.json"
    assert main(["data", "--data-dir", data, "export", str(export)]) == 0
    document = json.loads(export.read_text())
    assert document["format"] == "nexus-desktop-study" and len(document["notes"]) == 2
    assert main(["data", "--data-dir", data, "check"]) == 0
    assert "the database is sound" in capsys.readouterr().out
    assert main(["data", "--data-dir", data, "backup"]) == 0
    backup = Path(capsys.readouterr().out.split("backed up to ")[1].strip())
    assert backup.is_file()
    # A hostile file changes nothing and exits non-zero, saying why.
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "nexus-desktop-study", "version": 1, "notes": [{"id": 1}]}')
    assert main(["data", "--data-dir", data, "import", str(bad)]) == 1
    assert "wrong type" in capsys.readouterr().err
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(65 * 1024 * 1024)  # sparse: 65 MB of nothing
    assert main(["data", "--data-dir", data, "import", str(big)]) == 1
    assert "exports are at most 64 MB" in capsys.readouterr().err
    assert main(["data", "--data-dir", data, "restore", str(backup)]) == 0
    notes_dir = tmp_path / "notes"
    assert main(["notes", "--data-dir", data, "export", str(notes_dir)]) == 0
    files = sorted(p.name for p in notes_dir.iterdir())
    assert files == ["hub--concepts-caching.md", "hub--gone-article.md"]
    text = (notes_dir / "hub--concepts-caching.md").read_text()
    assert text.startswith('---\n{"title": "concepts/caching", "pack": "hub"')
    assert text.endswith("TTL *and* jitter.\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["data", "--data-dir", str(empty), "import", str(export)]) == 0
    again = tmp_path / "again.json"
    assert main(["data", "--data-dir", str(empty), "export", str(again)]) == 0
    strip = lambda d: {k: v for k, v in d.items() if k != "exported_at"}  # noqa: E731
    assert strip(json.loads(again.read_text())) == strip(document)
