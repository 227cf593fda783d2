"""The GitHub workflows pass actionlint (the test extra brings its binary, in a wheel)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.packaging.conftest import run

WORKFLOWS = REPO / ".github" / "workflows"


def test_the_workflows_pass_actionlint() -> None:
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which(
        "actionlint"
    )
    if actionlint is None:
        pytest.skip('needs actionlint (the test extra: pip install -e ".[test]")')
    workflows = sorted(WORKFLOWS.glob("*.yml"))
    assert {w.name for w in workflows} >= {"release.yml", "tests.yml"}
    result = run([actionlint, "-no-color", *workflows], cwd=REPO, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_release_builds_on_each_os_and_publishes_checksums() -> None:
    text = (WORKFLOWS / "release.yml").read_text(encoding="utf-8")
    for runner in ("ubuntu-22.04", "windows-latest", "macos-14"):
        assert f"os: {runner}" in text, runner
    assert "intel" in text  # an Intel Mac runner while they exist
    assert text.count("--self-test") >= 6  # each OS, offscreen and on its own display
    assert "SHA256SUMS" in text and 'tags: ["v*"]' in text
