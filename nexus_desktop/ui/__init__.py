"""The PySide6 user interface: thin widgets over the Qt-free services."""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401 - loads shiboken's support modules, patched below


def _skip_feature_source_scan() -> None:
    """Stop PySide6 reading the source of every module imported after it.

    For ``from __feature__ import snake_case`` (PySide's opt-in feature switching), shiboken
    decides per module whether it "uses PySide" by reading the module's whole source file and
    looking for the word "PySide6" — for every module imported after PySide6: ours, the
    standard library, SQLAlchemy's hundreds. The app uses no ``__feature__``; its own modules
    are the ones that use PySide, so the module's name answers the same question without
    reading anything (about 10 ms off start-up, more when the study database opens). If a
    PySide6 release changes this internal, the scan simply stays as it is.
    """
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return

    def uses_pyside(module: ModuleType) -> bool:
        return str(getattr(module, "__name__", "")).startswith("nexus_desktop")

    feature._mod_uses_pyside = uses_pyside


_skip_feature_source_scan()
