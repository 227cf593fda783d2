"""Run every benchmark and print its figures (each against a baseline from the same run)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import bench_hostile  # noqa: E402
import bench_load  # noqa: E402
import bench_questions  # noqa: E402
import bench_quiz  # noqa: E402
import bench_render  # noqa: E402
import bench_search  # noqa: E402
import bench_startup  # noqa: E402
import bench_study  # noqa: E402

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for module in (
        bench_startup,
        bench_load,
        bench_render,
        bench_search,
        bench_hostile,
        bench_study,
        bench_quiz,
        bench_questions,
    ):
        module.main()
        print()
