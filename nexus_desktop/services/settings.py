"""A small JSON settings store for preferences and window state.

Settings are not user data in the sacred sense (notes and review history live in SQLite), but a
damaged file is still never thrown away silently: it is kept beside the new one and reported.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any


class Settings:
    """Key/value preferences persisted as JSON, written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.notice: str | None = None
        self._data: dict[str, Any] = self._read()

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self.notice = f"Could not read settings ({exc}); using defaults."
            return {}
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except ValueError:
            kept = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
            try:
                os.replace(self.path, kept)
            except OSError:
                kept = self.path
            self.notice = f"The settings file was damaged; it was kept as {kept.name}."
            return {}
        return data

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self._data[key] = value

    def save(self) -> None:
        """Write the settings atomically (a crash mid-write leaves the old file intact)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._data, handle, indent=2, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
