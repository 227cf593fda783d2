"""Screenshots of the quiz window, for reviewing how it looks: every question type before and
after answering (some right, some wrong), the results and the empty page, in the light and the
dark theme, over the built-in content, with a throwaway data folder.

Run offscreen: ``QT_QPA_PLATFORM=offscreen .venv/bin/python docs/quiz_screenshots.py [OUT]``
(or under ``xvfb-run -a``); writes ``OUT/<theme>-<step>.png`` (``/tmp/quiz-shots`` unless
given).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nexus_desktop.app import create_application, create_main_window
from nexus_desktop.paths import app_paths
from nexus_desktop.services.library import ArticleRef
from nexus_desktop.services.quiz import QuizService
from nexus_desktop.ui import quiz as quiz_ui

ARTICLE = "technologies/graphql/schema-and-types"
TYPES = ("single", "multiple", "true-false", "cloze", "order", "recall")


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/quiz-shots")
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    with tempfile.TemporaryDirectory() as data:
        window = create_main_window(paths=app_paths(data), builtin=True)
        window.resize(1360, 860)
        window.show()
        loaded: list[bool] = []
        window.packs_loaded.connect(lambda: loaded.append(True))
        window.load_sources(window.pack_sources())
        while not loaded:
            QTest.qWait(50)
        pack = "project-nexus"
        window.open_ref(ArticleRef(pack, ARTICLE))  # type: ignore[arg-type]
        QTest.qWait(300)
        service = QuizService.for_study(window.study, lambda: window.library.packs)
        feature = quiz_ui.install(window, service)
        items = [i for i in service.catalogue().items.values() if i.article_id == ARTICLE]
        keys = [next(i.key for i in items if i.question.type == t) for t in TYPES]
        for theme in ("light", "dark"):
            window.actions_by_name["dark_theme"].setChecked(theme == "dark")
            QTest.qWait(300)
            shoot_session(feature, keys, theme, out)
        window.close()
        window.close_study()
        window.pool.waitForDone()
    del app
    return 0


def shoot_session(feature: quiz_ui.QuizFeature, keys: list, theme: str, out: Path) -> None:  # type: ignore[type-arg]
    session = feature.start(keys, "GraphQL schema and types")
    QTest.qWaitForWindowActive(session, 2000)

    def shot(name: str) -> None:
        session.activateWindow()
        QTest.qWait(120)
        path = out / f"{theme}-{name}.png"
        session.grab().save(str(path))
        print(path)

    def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(session.focusWidget() or session, key, modifier)
        QTest.qWait(30)

    for number, qtype in enumerate(TYPES, start=1):
        item = session.item
        assert item is not None and item.question.type == qtype, (item, qtype)
        q = item.question
        shot(f"{number}-{qtype}-asked")
        asker = session.asker
        if qtype == "single":  # wrong: the Try Again offer
            wrong = next(v for v in asker.values if v != q.answer)
            press(getattr(Qt.Key, f"Key_{asker.values.index(wrong) + 1}"))
            shot(f"{number}-{qtype}-chosen")
            press(Qt.Key.Key_Return)
        elif qtype == "multiple":  # one right, one wrong, one missed
            right = next(v for v in asker.values if v in q.answer)
            wrong = next(v for v in asker.values if v not in q.answer)
            for value in (right, wrong):
                press(getattr(Qt.Key, f"Key_{asker.values.index(value) + 1}"))
            shot(f"{number}-{qtype}-chosen")
            press(Qt.Key.Key_Return)
        elif qtype == "true-false":  # right
            press(Qt.Key.Key_T if q.answer else Qt.Key.Key_F)
        elif qtype == "cloze":  # the first blank right, the second wrong
            blanks = quiz_ui.cloze_alternatives(q.answer)
            QTest.keyClicks(session.focusWidget(), blanks[0][0].upper())
            if len(blanks) > 1:
                press(Qt.Key.Key_Tab)
                QTest.keyClicks(session.focusWidget(), "nullable")
            shot(f"{number}-{qtype}-typed")
            press(Qt.Key.Key_Return)
        elif qtype == "order":  # one step moved, then answered (wrong)
            press(Qt.Key.Key_Down)
            press(Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
            shot(f"{number}-{qtype}-moved")
            press(Qt.Key.Key_Return)
        else:  # recall: the answer shown
            press(Qt.Key.Key_Space)
        QTest.qWait(250)  # the answer saved: "next review in ..."
        shot(f"{number}-{qtype}-answered")
        if qtype == "recall":
            press(Qt.Key.Key_3)
        else:
            press(Qt.Key.Key_Return)
    shot("7-summary")
    session.begin([], "Due today", quiz_ui.Scope("due"))
    QTest.qWait(800)  # the next reviews are counted
    shot("8-empty-due")
    # A fresh window for the next theme (the offscreen platform activates a window only at
    # its first showing, and focus is drawn only in the active window).
    session.close()
    session.deleteLater()
    feature.session = None


if __name__ == "__main__":
    sys.exit(main())
