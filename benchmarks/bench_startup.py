"""Launch-to-visible-window: the app with the built-in content vs a bare PySide6 window.

Each run is a fresh Python process, timed from just before it starts until it reports that its
window has been painted (the app: also that the first article is on screen, that the study
database is open — it opens after the first paint — and that a search is answered). Baseline:
a bare QMainWindow with a QTreeView and a QTextBrowser. Each round runs both, in random order;
this machine's speed drifts by tens of percent within seconds, so the figure judged against
the target (at most 1.2) is the median of the per-round ratios, which compares runs made
moments apart. The ratio of the two medians prints too.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, median, ms

BARE = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QTextBrowser, QTreeView
app = QApplication(sys.argv[:1])
w = QMainWindow(); s = QSplitter(); s.addWidget(QTreeView()); s.addWidget(QTextBrowser())
w.setCentralWidget(s); w.resize(1280, 800); w.show()
QTimer.singleShot(0, lambda: (w.grab(), print("visible", flush=True), app.quit()))
app.exec()
"""

APP = r"""
import sys
# The same steps, in the same order, as `nexus-desktop` (cli.main, then app.run) before exec().
from nexus_desktop.cli import prepare_gui_start
paths = prepare_gui_start(sys.argv[1])
from PySide6.QtCore import QTimer
from nexus_desktop.app import create_application, launch
app = create_application()
w = launch(paths=paths)
QTimer.singleShot(0, lambda: (w.grab(), print("visible", flush=True)))
done = set()
def mark(name):
    if name not in done:
        done.add(name)
        w.grab(); print(name, flush=True)
    if {"article", "search", "study"} <= done:
        app.quit()
w.article_shown.connect(lambda _ref: mark("article"))
w.study_attached.connect(lambda: mark("study"))  # the database opens after the first paint
def search(_pack_id):
    results = w.search_service.search("celery retry", w.library.packs)
    assert results.hits, results
    mark("search")
w.search_ready.connect(search)
app.exec()
w.pool.waitForDone()
"""


def time_process(code: str, *args: str) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
        env=env,
    )
    marks: dict[str, float] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        marks[line.strip()] = time.perf_counter() - start
    proc.wait()
    return marks


def main(runs: int = 31) -> dict[str, float]:
    bare: list[float] = []
    visible: list[float] = []
    article: list[float] = []
    search: list[float] = []
    study: list[float] = []
    time_process(BARE)  # warm the file cache for both
    # Each app run is a first launch that writes its data (settings, the search index) to a
    # fresh folder: in memory where possible, so that no disk write-back lands in a later run.
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        time_process(APP, str(Path(tmp) / "warm-up"))
        for run in range(runs):
            marks: dict[str, float] = {}
            for which in random.sample(["bare", "app"], 2):
                if which == "bare":
                    bare.append(time_process(BARE)["visible"])
                else:  # a fresh user each time: first launch
                    marks = time_process(APP, str(Path(tmp) / f"first-launch-{run}"))
            visible.append(marks["visible"])
            article.append(marks["article"])
            search.append(marks["search"])
            study.append(marks["study"])
    paired = median([app / base for app, base in zip(visible, bare, strict=True)])
    result = {
        "bare_visible": median(bare),
        "app_visible": median(visible),
        "app_article": median(article),
        "app_search": median(search),
        "app_study": median(study),
        "ratio_paired": paired,
    }
    print(f"startup ({runs} rounds, both in random order each round; medians)")
    print(f"  baseline: bare PySide6 window visible      {ms(result['bare_visible'])}")
    ratio = result["app_visible"] / result["bare_visible"]
    print(f"  Nexus Desktop window visible               {ms(result['app_visible'])}"
          f"  ratio of medians {ratio:.2f}x")  # fmt: skip
    print(f"    median of per-round ratios               {paired:.2f}x (target <= 1.2x)")
    ratio_article = result["app_article"] / result["bare_visible"]
    print(f"  Nexus Desktop first article on screen      {ms(result['app_article'])}"
          f"  ratio {ratio_article:.2f}x")  # fmt: skip
    print(f"  study database open (notes, progress)      {ms(result['app_study'])}")
    print(f"  first search answered (built-in hub)       {ms(result['app_search'])}"
          "  (target: within a second of launch)")  # fmt: skip
    return result


if __name__ == "__main__":
    main()
