"""Helpers shared by the benchmarks: the tldr corpus, medians, percentiles."""

from __future__ import annotations

import statistics
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
TLDR_ARCHIVE = REPO.parent / "shared" / "corpora" / "tldr-pages-en.tar.gz"


def unpack_tldr(into: Path | None = None) -> Path:
    """Unpack the tldr corpus into a temporary folder; return its ``pages`` folder."""
    if not TLDR_ARCHIVE.is_file():
        sys.exit(f"benchmark needs {TLDR_ARCHIVE} (the shared tldr corpus)")
    target = into or Path(tempfile.mkdtemp(prefix="nexus-bench-"))
    with tarfile.open(TLDR_ARCHIVE) as archive:
        archive.extractall(target, filter="data")
    return target / "pages"


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"
