"""The study record: saving, painting highlights, progress marks, and searching with notes.

- A note saved from the window: from ``save_now`` (what the autosave timer calls, 0.8 s after
  the last keystroke) to the commit delivered on the UI thread; baseline: a bare sqlite3
  INSERT + COMMIT with the same pragmas (WAL, synchronous=FULL) in the same run.
- Opening an article with 200 highlights: on screen and painted, against the same article
  with none (same run).
- Progress marks on the 7,424-page tldr pack: marking 3,000 articles completed and repainting
  the tree; the longest stall of the event loop (target: none over 50 ms).
- Search with 10,000 notes in the database: p95 of the window's search (articles plus your
  own words) over bench_search.py's 240 queries, against SQLite FTS5 holding the same pages
  and notes, queried as bench_search.py does (bm25, snippets of the top 10) in the same run
  (target p95 <= 30 ms and at most 1.5x FTS5).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import REPO, median, percentile, unpack_tldr

SCRIPT = r"""
import json, random, sqlite3, sys, time
from pathlib import Path
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from nexus_desktop.app import create_application, create_main_window
from nexus_desktop.paths import app_paths
from nexus_desktop.services.library import ArticleRef
from nexus_desktop.study.anchoring import make_anchor

pages, work = Path(sys.argv[1]), Path(sys.argv[2])
app = create_application()
w = create_main_window(paths=app_paths(work / "data"), content=[str(pages)])
w.resize(1280, 800); w.show()
loop = QEventLoop(); w.packs_loaded.connect(loop.quit)
w.load_sources(w.pack_sources()); loop.exec()
def settle(ms):
    p = QEventLoop(); QTimer.singleShot(ms, p.quit); p.exec()
def show(ref):
    done = QEventLoop(); seen = []
    def on(r):
        seen.append(1); done.quit()
    w.article_shown.connect(on); w.open_ref(ref)
    if not seen:
        QTimer.singleShot(20000, done.quit); done.exec()
    w.article_shown.disconnect(on)
out = {}
hub = "project-nexus"
tldr = next(p.id for p in w.library.packs if not p.builtin)

# 1. saving a note: save_now -> commit delivered on the UI thread
show(ArticleRef(hub, "concepts/caching/cache-stampedes")); settle(300)
times = []
for i in range(40):
    w.notes.editor.setPlainText(f"note version {i} " + "words " * 50)
    start = time.perf_counter(); got = QEventLoop()
    w.notes.saved.connect(got.quit); w.notes.save_now(); got.exec()
    w.notes.saved.disconnect(got.quit)
    times.append(time.perf_counter() - start)
raw = sqlite3.connect(work / "raw.sqlite3")
raw.execute("PRAGMA journal_mode=WAL"); raw.execute("PRAGMA synchronous=FULL")
raw.execute("CREATE TABLE t (id TEXT PRIMARY KEY, body TEXT)")
base = []
for i in range(40):
    start = time.perf_counter()
    raw.execute("INSERT OR REPLACE INTO t VALUES ('a', ?)", (f"note version {i} " + "words " * 50,))
    raw.commit()
    base.append(time.perf_counter() - start)
out["save"] = times; out["save_base"] = base

# 2. 200 highlights
ref = ArticleRef(hub, "technologies/django/orm")
show(ref); settle(300)
text, _starts = w.highlights._text()
rng = random.Random(3)
future = None
for _ in range(200):
    start = rng.randrange(0, max(1, len(text) - 40))
    anchor = make_anchor(text, start, start + rng.randint(8, 30))
    future = w.study.add_highlight(ref.pack_id, ref.article_id, anchor, "yellow")
future.result()
def timed_open(ref, with_marks):
    w.library._cache.clear()
    show(ArticleRef(hub, "start-here/welcome")); settle(200)
    w.library._cache.clear()
    start = time.perf_counter(); painted = QEventLoop()
    w.highlights.changed.connect(painted.quit)
    show(ref)
    if with_marks:
        QTimer.singleShot(10000, painted.quit); painted.exec()
    w.highlights.changed.disconnect(painted.quit)
    return time.perf_counter() - start
out["hl"] = [timed_open(ref, True) for _ in range(5)]
out["hl_count"] = len(w.highlights.placed)
plain = ArticleRef(hub, "technologies/django/migrations")
out["hl_base"] = [timed_open(plain, False) for _ in range(5)]

# 3. progress marks on tldr
clock = QElapsedTimer(); clock.start(); gaps = []; last = [clock.elapsed()]
def tick():
    now = clock.elapsed(); gaps.append(now - last[0]); last[0] = now
timer = QTimer(); timer.setInterval(2); timer.timeout.connect(tick); timer.start()
w.tree.expandAll(); settle(300)
pack = w.library.pack(tldr)
articles = [a.id for a in pack.articles.values() if not a.is_index][:3000]
futures = [w.study.set_completed(tldr, a, True) for a in articles]
written = QEventLoop(); w.relay.when_done(futures[-1], lambda _r: written.quit()); written.exec()
gaps.clear(); last[0] = clock.elapsed()
start = time.perf_counter()
marked = QEventLoop()
w.relay.when_done(w.study.progress(), lambda records: (
    w.progress_feature._on_progress_loaded(records), marked.quit()))
marked.exec(); w.tree.viewport().repaint(); settle(300)
out["marks_ms"] = (time.perf_counter() - start) * 1000
out["marks_gap"] = max(gaps or [0])
timer.stop()

# 4. search with 10,000 notes: the same queries and FTS5 baseline as bench_search.py, with
# the notes added to both sides
sys.path.insert(0, str(Path(sys.argv[3])))
from bench_search import build_fts, documents, fts_query, make_queries
vocabulary = [w for a in pack.articles.values() for w in a.title.split() if w.isalpha()]
futures = [w.study.save_note(tldr, a, f"Note on {a}: " + " ".join(rng.choices(vocabulary, k=12)))
           for a in articles[:]]
extra = [w.study.save_note(hub, f"extra/{i}",
                           "Notes about " + " ".join(rng.choices(vocabulary, k=20)))
         for i in range(10000 - len(articles))]
(extra or futures)[-1].result()
packs, study = w.library.packs, w.study
queries = make_queries(packs)
service = w.search_service
def titles(p, a):
    return a, ""
service.search("warm up", packs)
from nexus_desktop.services.study import search_everything
lat, own = [], []
for q in queries:  # what the window runs for a query (own words on the database thread)
    start = time.perf_counter()
    search_everything(service, packs, study, q, titles, limit=10)
    lat.append(time.perf_counter() - start)
    start = time.perf_counter()
    study.own_words_hits(q, titles)
    own.append(time.perf_counter() - start)
notes = study.notes().result()
docs = documents(packs) + [(n.id, n.article_id, n.body) for n in notes]
db = build_fts(work / "fts.sqlite3", docs)
fts = []
for q in queries:
    start = time.perf_counter()
    db.execute("SELECT id, title, snippet(docs, 2, '[', ']', ' … ', 24) FROM docs "
               "WHERE docs MATCH ? ORDER BY bm25(docs, 5.0, 1.0) LIMIT 10",
               (fts_query(q),)).fetchall()
    fts.append(time.perf_counter() - start)
out["search"] = lat; out["search_own"] = own; out["search_fts"] = fts; out["notes"] = len(notes)
w.close(); w.close_study()
print(json.dumps(out))
"""


def main() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pages = unpack_tldr(work)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(pages), str(work), str(Path(__file__).parent)],
            capture_output=True, text=True, env=env, timeout=1800, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            print(done.stderr[-3000:])
            raise SystemExit(1)
        data = json.loads(done.stdout.strip().splitlines()[-1])

    save, base = median(data["save"]) * 1000, median(data["save_base"]) * 1000
    print("study record")
    print(
        f"  note saved (save_now -> commit on the UI thread): median {save:.1f} ms; "
        f"bare sqlite3 INSERT+COMMIT (WAL, synchronous=FULL): {base:.1f} ms"
    )
    hl, hl_base = median(data["hl"]) * 1000, median(data["hl_base"]) * 1000
    print(
        f"  article with {data['hl_count']} highlights on screen and painted: median "
        f"{hl:.0f} ms; a similar article without: {hl_base:.0f} ms ({hl / hl_base:.1f}x)"
    )
    print(
        f"  3,000 tldr articles marked completed, tree repainted: {data['marks_ms']:.0f} ms; "
        f"longest UI stall {data['marks_gap']} ms (target <= 50 ms)"
    )
    p95 = percentile(data["search"], 95) * 1000
    fts = percentile(data["search_fts"], 95) * 1000
    print(
        f"  search with {data['notes']:,} notes (tldr + hub + your own words): p50 "
        f"{median(data['search']) * 1000:.1f} ms, p95 {p95:.1f} ms (target <= 30 ms); "
        f"FTS5 p95 {fts:.1f} ms; ratio {p95 / fts:.1f}x (target <= 1.5x); your own words "
        f"alone (FTS5 in the study database) p95 {percentile(data['search_own'], 95) * 1000:.1f} ms"
    )
    return {"save_ms": save, "highlights_ms": hl, "marks_gap_ms": data["marks_gap"],
            "search_p95_ms": p95}  # fmt: skip


if __name__ == "__main__":
    main()
