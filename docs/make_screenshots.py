"""Take screenshots of the main window (light, dark, and a search) for the README.

Run under a real X server, e.g. ``xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python
docs/make_screenshots.py [ARTICLE_ID]``; writes docs/screenshot-light.png, -dark.png and
-search.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer

from nexus_desktop.app import create_application, create_main_window
from nexus_desktop.paths import app_paths
from nexus_desktop.services.library import ArticleRef

OUT = Path(__file__).resolve().parent
SEARCH = "retry failed celery task"


def main() -> int:
    article = sys.argv[1] if len(sys.argv) > 1 else "concepts/caching/cache-stampedes"
    extra = sys.argv[2:]
    app = create_application()
    with tempfile.TemporaryDirectory() as data:
        window = create_main_window(paths=app_paths(data), content=extra)
        window.resize(1360, 860)
        window.show()
        shots = iter(("light", "dark"))

        def take() -> None:
            name = next(shots, None)
            if name is None:
                search()
                return
            window.actions_by_name["dark_theme"].setChecked(name == "dark")
            QTimer.singleShot(600, lambda: save(name))

        def save(name: str) -> None:
            window.grab().save(str(OUT / f"screenshot-{name}.png"))
            take()

        def search() -> None:
            window.actions_by_name["dark_theme"].setChecked(False)
            window.search_results_shown.connect(open_hit)
            window.search_panel.field.setText(SEARCH)

        def open_hit(_results: object) -> None:
            window.search_results_shown.disconnect(open_hit)
            window.article_shown.connect(shot_search)
            window.search_panel.results.setCurrentRow(1)
            window.search_panel.activate_current()

        def shot_search(_ref: object) -> None:
            window.article_shown.disconnect(shot_search)
            QTimer.singleShot(600, lambda: (save_search(), app.quit()))

        def save_search() -> None:
            window.grab().save(str(OUT / "screenshot-search.png"))

        def loaded() -> None:
            window.tree.expand(window.model.index_for_key("project-nexus:technologies"))
            window.open_ref(ArticleRef("project-nexus", article))
            QTimer.singleShot(800, take)

        window.packs_loaded.connect(loaded)
        window.load_sources(window.pack_sources())
        app.exec()
        window.pool.waitForDone()
    return 0


if __name__ == "__main__":
    sys.exit(main())
