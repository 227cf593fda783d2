"""Preferences and window state in a small JSON file, checked key by key against a schema.

Settings are not user data in the sacred sense (notes and review history live in SQLite), but
nothing in them is thrown away silently:

- a file that cannot be read as a JSON object (wrong encoding, broken or absurdly deep JSON) is
  moved aside and reported; a key of the wrong type or value falls back to its default, the
  rest is kept, and the original file is kept beside it, reported;
- a change is written when it happens, atomically (a temporary file renamed over the old one),
  under a lock, re-reading the file first so that another process's changes to other keys
  survive; list keys such as ``packs`` are changed by adding or removing items, never by
  writing back a stale copy of the whole list. Window geometry is written at quit.
- a read-only folder or a full disk leaves the app working: :attr:`Settings.problem` says, in
  words, why nothing can be saved, and no half-written file is left behind.
"""

from __future__ import annotations

import binascii
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nexus_desktop.core.errors import describe_os_error
from nexus_desktop.core.filelock import FileLock, LockUnavailableError

MAX_SETTINGS_BYTES = 1024 * 1024
LOCK_TIMEOUT = 2.0

_INVALID = object()


def _text_list(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return _INVALID
    return list(dict.fromkeys(value))


def _folders(value: Any) -> Any:
    items = _text_list(value)
    if items is _INVALID or not all(v.strip() and "\x00" not in v for v in items):
        return _INVALID
    return items


def _theme(value: Any) -> Any:
    return value if value in ("light", "dark") else _INVALID


def _zoom(value: Any) -> Any:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0.5 <= value <= 2.5
    return float(value) if ok else _INVALID


def _base64(value: Any) -> Any:
    if not isinstance(value, str) or len(value) > 65536:
        return _INVALID
    try:
        binascii.a2b_base64(value.encode("ascii"), strict_mode=True)
    except (ValueError, UnicodeEncodeError):
        return _INVALID
    return value


def _last_article(value: Any) -> Any:
    if not isinstance(value, dict):
        return _INVALID
    pack, article, scroll = value.get("pack"), value.get("article"), value.get("scroll", 0)
    if not isinstance(pack, str) or not isinstance(article, str):
        return _INVALID
    if not isinstance(scroll, int) or isinstance(scroll, bool) or scroll < 0:
        scroll = 0
    return {"pack": pack, "article": article, "scroll": scroll}


def _retention(value: Any) -> Any:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0.7 <= value <= 0.99
    return float(value) if ok else _INVALID


def _count(low: int, high: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return value if ok else _INVALID

    return check


# key -> (default, check): check returns the value to use, or _INVALID.
SCHEMA: dict[str, tuple[Any, Callable[[Any], Any]]] = {
    "packs": ([], _folders),
    "expanded": ([], _text_list),
    "collapsed_packs": ([], _text_list),
    "theme": ("light", _theme),
    "zoom": (1.0, _zoom),
    "window_geometry": (None, _base64),
    "splitter_state": (None, _base64),
    "last_article": (None, _last_article),
    # The quiz: the share of questions you want to still know when they come due (FSRS), and
    # how many never-seen questions a session adds after the due ones.
    "desired_retention": (0.9, _retention),
    "new_per_session": (10, _count(0, 100)),
    "keep_backups": (10, _count(1, 100)),  # automatic backups kept (the newest)
}


class SettingsError(OSError):
    """Settings could not be saved; the message says why in words."""


class Settings:
    """Key/value preferences persisted as JSON.

    ``get`` always returns a value of the right type (the default when the file had none or a
    bad one). ``set`` writes at once unless ``save=False`` (window state, written at quit by
    :meth:`save`).
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self.notice: str | None = None  # what was wrong with the file, for the user
        self.problem: str | None = None  # why settings cannot be saved, once that is known
        self._dirty: set[str] = set()
        self._data: dict[str, Any] = self._read(report=True)

    # -- reading -----------------------------------------------------------------------------
    def _read(self, *, report: bool) -> dict[str, Any]:
        """The file's settings, each key checked. With ``report``, problems are set aside and
        described in :attr:`notice`; without (re-reading before a write), they are skipped."""
        try:
            from nexus_desktop.knowledge.files import read_limited

            raw = read_limited(self.path, MAX_SETTINGS_BYTES)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            if report:
                self.notice = (
                    f"Could not read the settings ({exc.strerror or exc}); using defaults."
                )
            return {}
        try:
            data = json.loads(raw.decode("utf-8-sig"))  # a BOM is not damage
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (ValueError, RecursionError):
            if report:
                kept = self._set_aside(move=True)
                self.notice = (
                    f"The settings file was damaged and defaults are used; it was kept as {kept}."
                )
            return {}
        checked: dict[str, Any] = {}
        bad: list[str] = []
        for key, value in data.items():
            spec = SCHEMA.get(key)
            if spec is None:
                checked[key] = value  # a newer version's setting: kept, not used
                continue
            value = spec[1](value)
            if value is _INVALID:
                bad.append(key)
            else:
                checked[key] = value
        if bad and report:
            kept = self._set_aside(move=False)
            names = ", ".join(f"'{k}'" for k in bad)
            self.notice = (
                f"Settings {names} had invalid values and were reset to their defaults; "
                f"the original file was kept as {kept}."
            )
            self._dirty.update(bad)  # the next write replaces them with good values
        return checked

    def _set_aside(self, *, move: bool) -> str:
        kept = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            if move:
                os.replace(self.path, kept)
            else:
                kept.write_bytes(self.path.read_bytes())
        except OSError:
            return self.path.name  # a read-only folder: the file stays where it is
        return kept.name

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``; for a known key, its default when unset."""
        if key in self._data:
            return self._data[key]
        spec = SCHEMA.get(key)
        if spec is not None and default is None:
            return _copy(spec[0])
        return default

    # -- writing -----------------------------------------------------------------------------
    def set(self, key: str, value: Any, *, save: bool = True) -> None:
        """Change ``key``; written at once unless ``save=False``. Never raises for a failed
        write: :attr:`problem` says why (see :meth:`save` for the raising variant)."""
        self._data[key] = value
        self._dirty.add(key)
        if save:
            self.try_save()

    def add_to(self, key: str, item: str) -> None:
        """Add ``item`` to the list ``key`` as it is on disk now (other processes' additions
        are kept), and write it."""
        self._change_list(key, lambda items: items if item in items else [*items, item])

    def remove_from(self, key: str, item: str) -> None:
        self._change_list(key, lambda items: [i for i in items if i != item])

    def _change_list(self, key: str, change: Callable[[list[str]], list[str]]) -> None:
        def apply(on_disk: dict[str, Any]) -> None:
            current = on_disk.get(key, self._data.get(key, []))
            self._data[key] = change(list(current))
            on_disk[key] = self._data[key]

        self._write(apply, quiet=True)

    def try_save(self) -> bool:
        """:meth:`save`, reporting a failure in :attr:`problem` instead of raising."""
        return self._write(None, quiet=True)

    def save(self) -> None:
        """Write the changed keys. Raises :class:`SettingsError` (with a message for people)."""
        self._write(None, quiet=False)

    def _write(self, apply: Callable[[dict[str, Any]], None] | None, *, quiet: bool) -> bool:
        if self.read_only:
            if apply is not None:  # the change holds for this session
                apply({})
            self.problem = "The data folder is read-only: settings cannot be saved."
            if quiet:
                return False
            raise SettingsError(self.problem)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(self.path.with_name(f".{self.path.name}.lock"), timeout=LOCK_TIMEOUT):
                on_disk = self._read(report=False)
                if apply is not None:
                    apply(on_disk)
                for key in self._dirty:
                    if key in self._data:
                        on_disk[key] = self._data[key]
                self._replace(on_disk)
                self._data = on_disk  # what other processes changed is ours now too
                self._dirty.clear()
        except LockUnavailableError:
            self.problem = "Settings were not saved: another Nexus Desktop is saving them."
        except OSError as exc:
            self.problem = describe_os_error(exc, "Settings could not be saved") + "."
        else:
            self.problem = None
            return True
        if quiet:
            return False
        raise SettingsError(self.problem)

    def _replace(self, data: dict[str, Any]) -> None:
        """Write ``data`` atomically: a crash or a full disk leaves the old file intact."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value
