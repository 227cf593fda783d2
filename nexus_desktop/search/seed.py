"""Build the search index of the built-in hub ahead of time, to ship with the app.

``python -m nexus_desktop.search.seed [OUT]`` (run by ``make run`` and by packaging). The app
copies it into the cache on first launch, so search works at once; any article that differs
from the shipped one is re-indexed by the usual incremental update.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from nexus_desktop.knowledge.loader import load_pack
from nexus_desktop.paths import builtin_content_dir, builtin_search_seed
from nexus_desktop.search.index import PackIndex


def build_seed(out: Path, content: Path | None = None) -> Path:
    pack = load_pack(content or builtin_content_dir(), builtin=True)
    with tempfile.TemporaryDirectory() as tmp:
        index = PackIndex(Path(tmp), pack)
        index.update()
        index.optimize()
        shutil.rmtree(out, ignore_errors=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(index.dir, out, ignore=shutil.ignore_patterns("*WRITELOCK*"))
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else builtin_search_seed()
    print(f"search seed written to {build_seed(target)}")
