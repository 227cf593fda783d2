"""``nexus-desktop quiz due|rebuild-schedule|export-anki`` (no Qt): JSON for scripts, the
schedules rebuilt from the log, an Anki deck written, and one-line errors with a non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from nexus_desktop.cli import main
from nexus_desktop.knowledge.loader import load_pack
from nexus_desktop.paths import app_paths
from nexus_desktop.services.quiz import QuizService
from nexus_desktop.services.study import StudyService
from nexus_desktop.study.schedule import DAY_MS
from tests.conftest import REPO
from tests.unit.test_quiz_service import PACK, copy_pack


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    return copy_pack(tmp_path / "hub")


def answer_some(data: Path, hub: Path) -> None:
    """Three Django questions and one GraphQL question answered wrongly 30 days ago (due now),
    another Django question answered Easy an hour ago (not due)."""
    study = StudyService(app_paths(data).data_dir)
    study.open()
    try:
        pack = load_pack(hub, builtin=True)
        quiz = QuizService.for_study(study, lambda: [pack])
        now = quiz.due_counts().result().at_ms
        for question in ("django-orm-01", "django-orm-02", "django-orm-03", "graphql-schema-01"):
            quiz.answer(PACK, question, 1, False, 4000, at_ms=now - 30 * DAY_MS)
        quiz.answer(PACK, "django-orm-04", 4, True, 4000, at_ms=now - 3_600_000).result()
    finally:
        study.close()


def test_quiz_due_prints_the_counts_per_area_as_json(
    tmp_path: Path, hub: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "d"
    answer_some(data, hub)
    assert main(["quiz", "--data-dir", str(data), "due", "--json", "--pack", str(hub)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["total"], document["seen"], document["new"]) == (4, 5, 15)
    assert document["packs"] == [{"pack": PACK, "name": "Project Nexus", "due": 4}]
    areas = {entry["area"]: (entry["title"], entry["due"]) for entry in document["areas"]}
    assert areas == {
        "technologies": ("Technologies", 4),
        "technologies/django": ("Technologies › Django", 3),
        "technologies/graphql": ("Technologies › GraphQL with Graphene-Django", 1),
    }
    # --data-dir after the command works too, and the text form says the same.
    assert main(["quiz", "due", "--pack", str(hub), "--data-dir", str(data)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("4 questions due (5 answered before, 15 new)")
    assert "    Django: 3" in text and "GraphQL with Graphene-Django: 1" in text


def test_quiz_rebuild_schedule_says_how_many_and_whether_due_dates_moved(
    tmp_path: Path, hub: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "d"
    answer_some(data, hub)
    args = ["quiz", "--data-dir", str(data), "rebuild-schedule", "--pack", str(hub)]
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == (
        "rebuilt the schedules of 5 questions from 5 reviews; no due date changed"
    )
    import sqlite3

    connection = sqlite3.connect(app_paths(data).data_dir / "nexus.sqlite3")
    connection.execute("UPDATE cards SET due_ms = 0 WHERE question_id = 'django-orm-04'")
    connection.commit()
    connection.close()
    assert main(args) == 0
    assert capsys.readouterr().out.strip().endswith("; 1 due date changed")


def test_quiz_export_anki_writes_a_deck_and_reports_it(
    tmp_path: Path, hub: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "deck.apkg"
    data = ["--data-dir", str(tmp_path / "d")]
    assert main(["quiz", *data, "export-anki", str(out), "--pack", str(hub)]) == 0
    assert zipfile.is_zipfile(out)
    assert "collection.anki2" in zipfile.ZipFile(out).namelist()
    assert capsys.readouterr().out.strip() == f"wrote {out}: 20 notes in 2 decks; 0 skipped"
    django = tmp_path / "django.apkg"
    assert main(["quiz", *data, "export-anki", str(django), "--pack", str(hub), "--area",
                 "Technologies::Django"]) == 0  # fmt: skip
    assert capsys.readouterr().out.strip() == f"wrote {django}: 10 notes in 1 deck; 0 skipped"


def test_quiz_export_anki_errors_are_one_line_and_exit_non_zero(
    tmp_path: Path, hub: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "deck.apkg"
    data = ["--data-dir", str(tmp_path / "d")]
    assert main(["quiz", *data, "export-anki", str(out), "--pack", str(hub), "--area",
                 "no-such-area"]) == 1  # fmt: skip
    error = capsys.readouterr().err.strip()
    assert error.startswith("nexus-desktop: no area 'no-such-area' in Project Nexus")
    assert len(error.splitlines()) == 1 and not out.exists()
    assert main(["quiz", *data, "export-anki", str(out), "--pack", str(tmp_path / "none")]) == 2
    assert capsys.readouterr().err.startswith("nexus-desktop: ")
    missing = tmp_path / "no-folder" / "deck.apkg"
    assert main(["quiz", *data, "export-anki", str(missing), "--pack", str(hub)]) == 1
    assert "cannot write the Anki deck" in capsys.readouterr().err


def test_the_help_lists_the_quiz_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "quiz" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["quiz", "--help"])
    shown = capsys.readouterr().out
    assert all(name in shown for name in ("due", "rebuild-schedule", "export-anki"))


def test_python_m_nexus_desktop_quiz_due_with_the_built_in_hub(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NEXUS_DESKTOP_DATA_DIR", None)
    done = subprocess.run(
        [sys.executable, "-m", "nexus_desktop", "quiz", "due", "--json", "--data-dir",
         str(tmp_path / "d")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["total"] == 0 and document["new"] > 500
    assert document["packs"][0]["pack"] == PACK
