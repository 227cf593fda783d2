"""The build backend: setuptools' own, with one more step in ``build_py``.

A wheel must work on its own, so it carries the built-in hub and the app's icons. Their
sources stay the top-level ``content/`` and ``resources/`` folders; building a wheel copies
them into the package as ``nexus_desktop/_bundled/content`` and ``.../resources`` (in the
build folder, never in the source tree), where ``nexus_desktop.paths.bundled_dir`` finds them
in an installed wheel. The sdist carries the two folders as they are (MANIFEST.in), so a wheel
built from it is the same. Editable installs skip the copy: a checkout uses the folders
themselves.

pyproject.toml names this module as the backend (``backend-path``) and ``BuildPy`` as
setuptools' ``build_py`` command.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.build_meta import *  # noqa: F403 - this backend is setuptools' own
from setuptools.build_meta import __all__ as __all__
from setuptools.command.build_py import build_py
from setuptools.errors import SetupError

# What is copied into the package, and what is left out of each folder.
BUNDLED = {
    "content": ("__pycache__", "*.pyc"),
    "resources": ("__pycache__", "*.pyc", "*.py"),  # resources/icons/make_icons.py: a tool
}


class BuildPy(build_py):
    """``build_py`` that also copies ``content/`` and ``resources/`` into the package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        root = Path(self.distribution.src_root or ".").resolve()
        target = Path(self.build_lib) / "nexus_desktop" / "_bundled"
        for name, leave_out in BUNDLED.items():
            source = root / name
            if not source.is_dir():
                raise SetupError(f"{source} is missing: the wheel must carry it")
            destination = target / name
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(source, destination, ignore=shutil.ignore_patterns(*leave_out))
