"""The app as a subprocess: ``python -m nexus_desktop`` validate and search, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import CONTENT, REPO


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexus_desktop", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_validate_the_built_in_hub() -> None:
    result = run("validate", "--quiet", str(CONTENT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert " articles, " in result.stdout and "0 errors, 0 warnings" in result.stdout


def test_search_the_built_in_hub_as_json(tmp_path: Path) -> None:
    args = ("search", "refresh token rotation", "--pack", str(CONTENT), "--json", "--limit", "3")
    result = run(*args, "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits[0]["id"] == "concepts/api-design/jwt-authentication"
    assert Path(hits[0]["path"]).is_file()


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("nexus-desktop ")
    assert "validate" in run("--help").stdout
