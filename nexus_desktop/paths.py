"""Where the app keeps user data, settings, caches and logs.

Everything comes from platformdirs, unless a data directory is given (``--data-dir`` or the
``NEXUS_DESKTOP_DATA_DIR`` environment variable): then all of it lives under that one folder,
which is what tests and trial runs use.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import platformdirs

APP_NAME = "nexus-desktop"
ENV_DATA_DIR = "NEXUS_DESKTOP_DATA_DIR"


class AppPaths(NamedTuple):
    """The folders the app writes to.

    (A NamedTuple rather than a frozen dataclass: start-up defines it before the first paint,
    and a frozen dataclass costs ~1 ms to define.)
    """

    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    def ensure(self) -> AppPaths:
        """Create the folders if they are missing; return self.

        Raises :class:`DataDirError` when a file is in the way, and ``OSError`` when a folder
        cannot be created (see :meth:`prepare`, which tells read-only apart).
        """
        for folder in (self.data_dir, self.config_dir, self.cache_dir, self.log_dir):
            _make_folder(folder)
        return self

    def prepare(self) -> str | None:
        """Create the folders where possible and find out whether anything can be saved.

        Returns None when the folders are writable, or a sentence saying why nothing can be
        saved (a read-only disk or folder): the app then opens and reads, and says so. Raises
        :class:`DataDirError` when the folders cannot be used at all (a file in the way).
        """
        problem: str | None = None
        for folder in (self.data_dir, self.config_dir, self.cache_dir, self.log_dir):
            try:
                _make_folder(folder)
            except DataDirError:
                raise
            except OSError as exc:
                problem = problem or _read_only_reason(exc)
        if problem is None:
            probe = self.config_dir / f".write-test-{os.getpid()}"
            try:
                probe.touch()
                probe.unlink()
            except OSError as exc:
                problem = _read_only_reason(exc)
        return problem


class DataDirError(Exception):
    """The data folder cannot be used at all (e.g. ``--data-dir`` names a file)."""


def _make_folder(folder: Path) -> None:
    blocking = _file_in_the_way(folder)
    if blocking is not None:
        raise DataDirError(f"{blocking} is a file, not a folder: choose another data folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise DataDirError(f"cannot use {folder} as a folder: {exc.strerror}") from exc


def _file_in_the_way(folder: Path) -> Path | None:
    """The nearest existing path at or above ``folder`` if it is not a folder."""
    for candidate in (folder, *folder.parents):
        try:
            if candidate.exists():
                return None if candidate.is_dir() else candidate
        except OSError:
            return None
    return None


def _read_only_reason(exc: OSError) -> str:
    from nexus_desktop.core.errors import describe_os_error

    return describe_os_error(exc, "Nothing can be saved") + "; the app opens read-only."


def app_paths(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    """Resolve the app's folders, honouring an explicit or environment override."""
    override = data_dir if data_dir is not None else os.environ.get(ENV_DATA_DIR)
    if override:
        root = Path(override).expanduser().resolve()
        return AppPaths(
            data_dir=root / "data",
            config_dir=root / "config",
            cache_dir=root / "cache",
            log_dir=root / "logs",
        )
    return AppPaths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def builtin_search_seed() -> Path:
    """The prebuilt search index of the built-in hub (made by ``make``/packaging), if any."""
    import sys

    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "search-seed"
    return Path(__file__).resolve().parent / "data" / "search-seed"


# The app's own files live in three kinds of place. In a source checkout (``make run``, an
# editable install) they are the top-level ``content/`` and ``resources/`` folders beside the
# package; a wheel carries copies inside the package, in ``nexus_desktop/_bundled/`` (made at
# build time: packaging/backend/nexus_build.py); a frozen app (PyInstaller) has them in its
# bundle folder, ``sys._MEIPASS``. Each folder is recognised by a file it must hold, so a stray
# folder of the same name beside an installed package (site-packages/content) is never taken.
_MARKERS = {"content": "nexus-pack.toml", "resources": "icons"}


def bundled_dir(name: str) -> Path:
    """Where the app's ``content`` or ``resources`` folder is: beside the source tree (a
    checkout), inside the package (an installed wheel), or in the frozen app's bundle."""
    import sys

    package = Path(__file__).resolve().parent
    marker = _MARKERS[name]
    candidates = [package.parent / name, package / "_bundled" / name]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / name)
    for candidate in candidates:
        if (candidate / marker).exists():
            return candidate
    return candidates[-1] if frozen_root else candidates[0]


def builtin_content_dir() -> Path:
    """The built-in knowledge hub (see :func:`bundled_dir`)."""
    return bundled_dir("content")


def resources_dir() -> Path:
    """The app's own files, such as the toolbar icons (see :func:`bundled_dir`)."""
    return bundled_dir("resources")


def source_checkout() -> bool:
    """True when the app runs from a source checkout (not from a wheel or a frozen app)."""
    return (Path(__file__).resolve().parent.parent / "pyproject.toml").is_file()


def licence_notices() -> Path | None:
    """The licence texts of the app, its content and the libraries it is built with, as one
    file: shipped with the frozen app (``THIRD-PARTY-NOTICES.txt``, collected at build time
    by packaging/collect_licenses.py). None elsewhere: pip installs each library with its own
    licence files."""
    import sys

    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        notices = Path(frozen_root) / "THIRD-PARTY-NOTICES.txt"
        if notices.is_file():
            return notices
    return None
