"""The identifier types user data is keyed by (kept apart so they cost nothing to import)."""

from __future__ import annotations

from typing import NewType

PackId = NewType("PackId", str)
ArticleId = NewType("ArticleId", str)
AreaId = NewType("AreaId", str)
