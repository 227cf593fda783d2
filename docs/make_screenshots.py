"""Take screenshots of the main window (light and dark) for the README.

Run under a real X server, e.g. ``xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python
docs/make_screenshots.py [ARTICLE_ID]``; writes docs/screenshot-light.png and -dark.png.
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
                app.quit()
                return
            window.actions_by_name["dark_theme"].setChecked(name == "dark")
            QTimer.singleShot(600, lambda: save(name))

        def save(name: str) -> None:
            window.grab().save(str(OUT / f"screenshot-{name}.png"))
            take()

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
