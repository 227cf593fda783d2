"""The wheel works on its own: the built-in hub, icons and search seed travel inside it, and
installed into a fresh virtual environment outside the source tree it passes --self-test."""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.packaging.conftest import clean_env, run

pytestmark = pytest.mark.packaging


def test_the_wheel_carries_the_hub_icons_seed_migrations_and_licences(
    python_dists: dict[str, Path],
) -> None:
    names = zipfile.ZipFile(python_dists["wheel"]).namelist()
    assert "nexus_desktop/_bundled/content/nexus-pack.toml" in names
    assert "nexus_desktop/_bundled/content/LICENSE" in names
    assert "nexus_desktop/_bundled/content/start-here/_index.md" in names
    assert "nexus_desktop/_bundled/resources/icons/back.png" in names
    assert "nexus_desktop/data/search-seed/meta.json" in names
    assert "nexus_desktop/storage/migrations/env.py" in names
    assert any(n.startswith("nexus_desktop/storage/migrations/versions/0001") for n in names)
    assert "nexus_desktop/render/themes/article.css" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert any(n.endswith(".dist-info/licenses/content/LICENSE") for n in names)
    assert not [n for n in names if "WRITELOCK" in n or "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.endswith("make_icons.py")]  # a tool, not a resource
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(python_dists["wheel"]).read(metadata).decode()
    from nexus_desktop import __version__

    assert f"Version: {__version__}\n" in text  # the one source of the version


def test_the_sdist_carries_what_a_wheel_is_built_from(python_dists: dict[str, Path]) -> None:
    with tarfile.open(python_dists["sdist"]) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert {"content/nexus-pack.toml", "resources/icons/back.png", "LICENSE",
            "packaging/backend/nexus_build.py", "pyproject.toml"} <= names  # fmt: skip


def test_the_wheel_installed_in_a_fresh_environment_passes_its_self_test(
    python_dists: dict[str, Path], outside_dir: Path
) -> None:
    venv = outside_dir / "venv"
    run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
         python_dists["wheel"]], cwd=outside_dir, timeout=900)  # fmt: skip
    result = run([venv / "bin" / "nexus-desktop", "--self-test"], cwd=outside_dir,
                 env=clean_env(HOME=str(outside_dir)))  # fmt: skip
    assert "self-test: ok" in result.stdout
    assert "files, window" in result.stdout  # the seed was found: not "(no search seed...)"
    # The app's files were found inside the installed package, not in the source tree.
    where = run([python, "-c", "from nexus_desktop import paths; "
                 "print(paths.builtin_content_dir()); print(paths.resources_dir())"],
                cwd=outside_dir, env=clean_env())  # fmt: skip
    for line in where.stdout.split():
        assert "site-packages/nexus_desktop/_bundled/" in line, line
    validate = run([venv / "bin" / "nexus-desktop", "validate", "--quiet",
                    where.stdout.split()[0]], cwd=outside_dir, env=clean_env())  # fmt: skip
    assert "0 errors" in validate.stdout
