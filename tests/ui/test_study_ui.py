"""The study record in the window: a note typed beside an article is saved as you type and is
there after switching articles and after a restart; bookmarks toggle, list and undo."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from nexus_desktop.services.library import ArticleRef
from tests.ui.conftest import WindowFactory


def open_article(qtbot: QtBot, window, article: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ArticleRef("sample", article))
    qtbot.waitUntil(lambda: window.notes.isEnabled(), timeout=5000)


def test_a_note_is_saved_as_you_type_and_survives_switching_and_restart(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    open_article(qtbot, window, "basics/first")
    notes = window.notes
    assert notes.editor.toPlainText() == ""
    with qtbot.waitSignal(notes.saved, timeout=5000):  # autosaved after typing stops
        qtbot.keyClicks(notes.editor, "Caching *needs* jitter.")
    assert notes.state.text() == "Saved."
    open_article(qtbot, window, "basics/second")
    assert notes.editor.toPlainText() == ""
    qtbot.keyClicks(notes.editor, "Typed, then switched away at once.")
    open_article(qtbot, window, "basics/first")  # switching saves what was typed
    assert notes.editor.toPlainText() == "Caching *needs* jitter."
    open_article(qtbot, window, "basics/second")
    assert notes.editor.toPlainText() == "Typed, then switched away at once."
    qtbot.keyClicks(notes.editor, " And closed the window right away.")
    window.close()  # no wait: quitting saves the note being typed
    window.close_study()
    again = make_window()
    open_article(qtbot, again, "basics/second")
    assert again.notes.editor.toPlainText() == (
        "Typed, then switched away at once. And closed the window right away."
    )
    again.notes.mode.click()  # preview
    assert "Typed, then switched away" in again.notes.preview.toPlainText()


def test_bookmarks_toggle_show_in_the_menu_and_undo(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    feature = window.bookmarks
    open_article(qtbot, window, "basics/first")
    toggle = window.actions_by_name["bookmark"]
    assert not toggle.isChecked() and toggle.shortcut().toString() == "Ctrl+D"
    with qtbot.waitSignal(feature.changed, timeout=5000):
        toggle.trigger()
    assert toggle.isChecked() and toggle.iconText() == "★"
    titles = [a.text() for a in window.menus["bookmarks"].actions()]
    assert "First article" in titles
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_ref(ArticleRef("sample", "basics/second"))
    assert not toggle.isChecked()
    entry = next(a for a in window.menus["bookmarks"].actions() if a.text() == "First article")
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        entry.trigger()  # opens the bookmarked article
    assert window.current == ArticleRef("sample", "basics/first") and toggle.isChecked()
    with qtbot.waitSignal(feature.changed, timeout=5000):
        toggle.trigger()  # removed
    assert not toggle.isChecked() and window.actions_by_name["undo_bookmark"].isEnabled()
    with qtbot.waitSignal(feature.changed, timeout=5000):
        window.actions_by_name["undo_bookmark"].trigger()
    assert toggle.isChecked()
