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


def builtin_content_dir() -> Path:
    """The built-in knowledge hub: ``content/`` beside the package (or inside a frozen app)."""
    import sys

    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "content"
    return Path(__file__).resolve().parent.parent / "content"


def resources_dir() -> Path:
    """The app's own files (icons): ``resources/`` beside the package (or inside a frozen app)."""
    import sys

    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
