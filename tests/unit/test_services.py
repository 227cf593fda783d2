"""Settings, paths, the CLI and the architecture rule (no Qt in the core)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nexus_desktop.cli import main
from nexus_desktop.paths import ENV_DATA_DIR, app_paths
from nexus_desktop.services.settings import Settings
from tests.conftest import REPO, write


def test_settings_round_trip_and_atomic_write(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "s" / "settings.json")
    settings.set("zoom", 1.25)
    settings.save()
    assert Settings(tmp_path / "s" / "settings.json").get("zoom") == 1.25
    # No temporary file is left behind (the lock file stays: deleting it would be unsafe).
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        ".settings.json.lock",
        "settings.json",
    ]


def test_damaged_settings_are_kept_and_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "settings.json", "{not json")
    settings = Settings(path)
    assert settings.get("zoom") == 1.0  # the default
    assert settings.notice is not None and "damaged" in settings.notice
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("settings.json.damaged-")]
    assert len(kept) == 1 and kept[0].read_text() == "{not json"


def test_data_dir_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = app_paths(tmp_path)
    assert paths.data_dir.is_relative_to(tmp_path) and paths.cache_dir.is_relative_to(tmp_path)
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "env"))
    assert app_paths().config_dir == (tmp_path / "env" / "config").resolve()


def test_validate_clean_pack_exits_zero(
    sample_pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(sample_pack)]) == 0
    out = capsys.readouterr().out
    assert "Sample Pack: 3 articles, 2 areas, 0 quiz questions; 0 errors, 0 warnings" in out


def test_validate_reports_problems_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "a.md", "---\ntitle: [oops\n---\n[x](gone.md)\n")
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "a.md:2: error: invalid YAML front matter" in out
    assert "a.md:4: error: broken link: gone.md" in out


def test_validate_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "none")]) == 2
    assert "content folder not found" in capsys.readouterr().err


def test_core_packages_never_import_qt() -> None:
    code = (
        "import sys, nexus_desktop.cli, nexus_desktop.knowledge, nexus_desktop.render, "
        "nexus_desktop.services.library, nexus_desktop.services.settings, "
        "nexus_desktop.knowledge.validate, nexus_desktop.paths\n"
        "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0
    offenders = [
        str(path.relative_to(REPO))
        for path in (REPO / "nexus_desktop").rglob("*.py")
        if "PySide6" in path.read_text(encoding="utf-8")
        and path.parent.name != "ui"
        and path.name != "app.py"
    ]
    assert offenders == []


def test_pyproject_declares_entry_point() -> None:
    import tomllib

    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert data["project"]["scripts"]["nexus-desktop"] == "nexus_desktop.cli:main"
    assert json.dumps(data["tool"]["pytest"]["ini_options"]["xfail_strict"]) == "true"
