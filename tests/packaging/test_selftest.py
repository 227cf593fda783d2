"""``nexus-desktop --self-test``: one line and exit 0 when the app works; the failing step
named and exit 1 when it does not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nexus_desktop import selftest
from tests.conftest import REPO


def test_the_self_test_passes_from_the_source_tree(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nexus_desktop", "--self-test"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and "self-test: ok" in lines[0]
    for step in ("window", "content", "article", "search", "study database", "quiz"):
        assert step in lines[0], step
    assert not list(tmp_path.iterdir())  # nothing written to the user's folders


def test_a_failing_step_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> str:
        raise selftest.SelfTestError("missing: the built-in hub (/nowhere)")

    monkeypatch.setattr(selftest, "_check_files", broken)
    assert selftest.run_self_test() == 1
    err = capsys.readouterr().err
    assert "FAILED at step 'files'" in err and "/nowhere" in err


def test_an_unexpected_error_is_reported_as_the_step_failing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> str:
        raise ModuleNotFoundError("No module named 'pymdownx'")

    monkeypatch.setattr(selftest, "_check_files", broken)
    assert selftest.run_self_test() == 1
    assert "FAILED at step 'files': ModuleNotFoundError: No module named 'pymdownx'" in (
        capsys.readouterr().err
    )
