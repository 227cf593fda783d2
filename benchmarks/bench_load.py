"""Loading the tldr corpus (7,425 pages): time to a ready tree, peak memory, UI stalls.

Baselines measured in the same run: reading every file's bytes (the I/O floor) for the load
time; a process that only imports the app for peak memory. The UI part loads the pack through
the real main window while a 5 ms timer measures the longest stall of the event loop (from
after the window's first paint, which bench_startup covers).
Targets: tree ready in at most 2 s; the UI never stalls for long.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, median, ms, unpack_tldr

MEMORY = r"""
import json, sys
from nexus_desktop.services.library import PackSource, load_source
from nexus_desktop.knowledge import loader, frontmatter, links  # noqa: F401
import yaml  # noqa: F401

def peak_kb():  # VmHWM: this process's peak resident set (ru_maxrss is inherited over fork)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

before = peak_kb()
if sys.argv[2] == "load":
    loaded = load_source(PackSource(sys.argv[1]), validate=False)
print(json.dumps({"before_kb": before, "after_kb": peak_kb()}))
"""

UI = r"""
import json, sys, time
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication
from nexus_desktop.app import create_main_window
from nexus_desktop.paths import app_paths
app = QApplication(sys.argv[:1])
w = create_main_window(paths=app_paths(sys.argv[2]), content=[sys.argv[1]], builtin=False)
w.show()
w.grab()  # the window's first paint is start-up's business (bench_startup), not loading's
app.processEvents()
clock = QElapsedTimer(); clock.start()
gaps = []
last = [clock.elapsed()]
def tick():
    now = clock.elapsed(); gaps.append(now - last[0]); last[0] = now
timer = QTimer(); timer.setInterval(5); timer.timeout.connect(tick); timer.start()
marks = {}
def partial(event):
    if type(event).__name__ == "PackLoaded" and "tree" not in marks:
        marks["tree"] = clock.elapsed()
        w.tree.expandToDepth(0)
start = clock.elapsed()
w.load_sources(w.pack_sources())
w._load_task.on_partial(partial)
def finished():
    marks.setdefault("done", clock.elapsed())
    QTimer.singleShot(50, app.quit)
w.packs_loaded.connect(finished)
app.exec()
w.pool.waitForDone()
print(json.dumps({"tree_ms": marks["tree"] - start, "done_ms": marks["done"] - start,
                  "max_gap_ms": max(gaps), "ticks": len(gaps)}))
"""


def read_all(root: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith(".md"):
                total += len(Path(folder, name).read_bytes())
    return total


def tree_ready(root: Path) -> tuple[float, int]:
    """Load the pack and build the tree's nodes (what the model shows)."""
    from nexus_desktop.services.library import LoadedPack, PackSource, load_source
    from nexus_desktop.services.tree import build_pack_tree

    start = time.perf_counter()
    loaded = load_source(PackSource(root), validate=False)
    assert isinstance(loaded, LoadedPack)
    build_pack_tree(loaded.pack)
    return time.perf_counter() - start, len(loaded.pack.articles)


def run_json(code: str, *args: str) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO, env=env
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(runs: int = 5) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        pages = unpack_tldr(Path(tmp))
        read_all(pages)  # warm the file cache
        raw, loads = [], []
        articles = 0
        for _ in range(runs):
            start = time.perf_counter()
            read_all(pages)
            raw.append(time.perf_counter() - start)
            seconds, articles = tree_ready(pages)
            loads.append(seconds)
        base_mem = run_json(MEMORY, str(pages), "none")
        load_mem = run_json(MEMORY, str(pages), "load")
        ui = run_json(UI, str(pages), str(Path(tmp) / "data"))
    result = {
        "read_s": median(raw),
        "tree_s": median(loads),
        "articles": articles,
        "rss_base_mb": base_mem["after_kb"] / 1024,
        "rss_load_mb": load_mem["after_kb"] / 1024,
        **ui,
    }
    print(f"tldr pack load ({articles:,} articles, {runs} runs, medians)")
    print(f"  baseline: read every file's bytes          {ms(result['read_s'])}")
    print(
        f"  load pack + build tree nodes                {ms(result['tree_s'])}"
        f"  ratio {result['tree_s'] / result['read_s']:.1f}x  (target: tree ready <= 2000 ms)"
    )
    print(
        f"  peak RSS: imports only {result['rss_base_mb']:.0f} MB, after loading "
        f"{result['rss_load_mb']:.0f} MB (+{result['rss_load_mb'] - result['rss_base_mb']:.0f} MB)"
    )
    print(f"  in the window: tree shown after {ui['tree_ms']:.0f} ms, indexed and checked after "
          f"{ui['done_ms']:.0f} ms; longest event-loop stall {ui['max_gap_ms']:.0f} ms "
          f"over {int(ui['ticks'])} ticks of a 5 ms timer")  # fmt: skip
    return result


if __name__ == "__main__":
    main()
