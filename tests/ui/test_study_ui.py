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


def test_completion_marks_the_tree_and_reopening_returns_to_where_you_stopped(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    window.resize(900, 400)
    feature = window.progress_feature
    window.tree.expandAll()
    open_article(qtbot, window, "basics/first")
    bar = window.reader.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())  # read to the end
    assert "Ctrl+E marks it completed" in window.statusBar().currentMessage()
    toggle = window.actions_by_name["completed"]
    assert toggle.shortcut().toString() == "Ctrl+E"
    toggle.trigger()
    qtbot.waitUntil(lambda: ("sample", "basics/first") in feature.completed(), timeout=5000)
    first = window.model.index_for_key("sample:basics/first")
    assert first.data() == "✓ First article"
    assert window.model.index_for_key("sample:basics").data() == "Basics  (1/2)"
    assert window.model.index_for_key("sample:").data() == "Sample Pack  (1/3)"
    stopped = bar.maximum() // 2
    bar.setValue(stopped)
    open_article(qtbot, window, "basics/second")  # leaving records where the learner stopped
    qtbot.waitUntil(lambda: feature.resume_scroll(ArticleRef("sample", "basics/first")) == stopped,
                    timeout=5000)  # fmt: skip
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window._on_tree_activated(first)  # as a click in the tree
    assert bar.value() == stopped
    window.close()
    window.close_study()
    again = make_window()  # completion and position survive a restart
    qtbot.waitUntil(lambda: ("sample", "basics/first") in again.progress_feature.completed(),
                    timeout=5000)  # fmt: skip
    assert again.model.index_for_key("sample:basics/first").data() == "✓ First article"


def test_reading_time_counts_only_active_unidle_time(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path, monkeypatch: object
) -> None:
    from nexus_desktop.ui import progress

    window = make_window(sample_pack)
    feature = window.progress_feature
    open_article(qtbot, window, "basics/second")
    active = {"value": True}
    window.isActiveWindow = lambda: active["value"]  # type: ignore[method-assign]
    feature._on_tick()
    feature._on_tick()
    active["value"] = False
    feature._on_tick()  # another window has the focus: not reading
    active["value"] = True
    feature._last_input -= progress.IDLE_SECONDS + 1
    feature._on_tick()  # idle: not reading
    feature.flush()
    key = ("sample", "basics/second")
    qtbot.waitUntil(lambda: key in feature.records and feature.records[key].reading_ms > 0,
                    timeout=5000)  # fmt: skip
    assert feature.records[key].reading_ms == 2 * progress.TICK_MS


def test_back_up_then_restore_from_the_window(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path, monkeypatch: object
) -> None:
    from PySide6.QtWidgets import QInputDialog

    window = make_window(sample_pack)
    open_article(qtbot, window, "basics/first")
    notes = window.notes
    with qtbot.waitSignal(notes.saved, timeout=5000):
        qtbot.keyClicks(notes.editor, "Version one.")
    with qtbot.waitSignal(window.statusBar().messageChanged, timeout=5000):
        window.actions_by_name["backup_now"].trigger()
    assert "Study data backed up to" in window.statusBar().currentMessage()
    notes.editor.selectAll()
    with qtbot.waitSignal(notes.saved, timeout=5000):
        qtbot.keyClicks(notes.editor, "Version two.")
    offered: list[list[str]] = []

    def choose(_parent, _title, _label, items, *_args):  # type: ignore[no-untyped-def]
        offered.append(items)
        return next(i for i in items if "(manual)" in i), True

    monkeypatch.setattr(QInputDialog, "getItem", choose)  # type: ignore[attr-defined]
    window.actions_by_name["restore_backup"].trigger()
    qtbot.waitUntil(lambda: notes.editor.toPlainText() == "Version one.", timeout=5000)
    assert "Backup restored" in window.statusBar().currentMessage()
    assert any("KB" in item for item in offered[0])  # dates and sizes offered


def select_text(window, words: str) -> None:  # type: ignore[no-untyped-def]

    found = window.reader.document().find(words)
    assert not found.isNull(), words
    window.reader.setTextCursor(found)
    assert window.reader.textCursor().selectedText() == words


def background_at(window, words: str) -> str:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QTextCursor

    found = window.reader.document().find(words)
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(found.selectionStart() + 1)
    return cursor.charFormat().background().color().name()


def test_a_highlight_is_painted_survives_a_restart_and_follows_the_text(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    from tests.conftest import write

    window = make_window(sample_pack)
    open_article(qtbot, window, "basics/second")
    select_text(window, "Back to")
    with qtbot.waitSignal(window.highlights.changed, timeout=5000):
        window.actions_by_name["highlight"].trigger()
    qtbot.waitUntil(lambda: len(window.highlights.records) == 1, timeout=5000)
    assert background_at(window, "Back to") == "#fde68a"
    record = window.highlights.records[0]
    assert record.exact == "Back to" and record.heading == "details"
    assert window.notes.passages.count() == 1
    window.close()
    window.close_study()
    # The article changes: text is added before the passage. It is found again, moved.
    write(sample_pack, "basics/second.md",
          "---\ntitle: Second article\norder: 2\n---\n\n## Details\n\nA new first sentence. "
          "Back to [first](first.md).\n")  # fmt: skip
    again = make_window()
    open_article(qtbot, again, "basics/second")
    qtbot.waitUntil(lambda: len(again.highlights.placed) == 1, timeout=5000)
    assert background_at(again, "Back to") == "#fde68a"
    # The passage is deleted from the article: the highlight is orphaned, listed, kept.
    gone = "---\ntitle: Second article\norder: 2\n---\n\n## Details\n\nAll different now.\n"
    write(sample_pack, "basics/second.md", gone)
    again.library._cache.clear()
    again.open_ref(ArticleRef("sample", "basics/second"), push=False)
    qtbot.waitUntil(lambda: "All different now." in again.reader.toPlainText(), timeout=5000)
    qtbot.waitUntil(lambda: len(again.highlights.orphaned) == 1, timeout=5000)
    assert again.highlights.placed == {}
    item = again.notes.passages.item(0).text()
    assert "“Back to”" in item and "not found in the article now" in item


def test_a_search_finds_your_own_notes_and_passages_marked_as_yours(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    open_article(qtbot, window, "basics/second")
    with qtbot.waitSignal(window.notes.saved, timeout=5000):
        qtbot.keyClicks(window.notes.editor, "Remember the zanzibar rule for caches.")
    select_text(window, "Back to")
    with qtbot.waitSignal(window.highlights.changed, timeout=5000):
        window.highlights.highlight_selection("blue", "zanzibar again")
    window.search_panel.focus_field()
    with qtbot.waitSignal(window.search_results_shown, timeout=10_000) as shown:
        qtbot.keyClicks(window.search_panel.field, "zanzibar")
    hits = shown.args[0].hits
    # best match first (bm25): the short passage before the longer note
    assert [(h.kind, h.id) for h in hits] == [("passage", "basics/second"),
                                               ("note", "basics/second")]  # fmt: skip
    assert hits[1].title == "Your note — Second article"
    label = window.search_panel.results.itemWidget(window.search_panel.results.item(1))
    assert "✎ Your note" in label.text() and "<b>zanzibar</b>" in label.text()
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.search_panel.activate_current()
    assert window.current is not None and window.current.article_id == "basics/second"


def test_an_article_changed_since_it_was_completed_says_so(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    from tests.conftest import write

    window = make_window(sample_pack)
    open_article(qtbot, window, "basics/second")
    window.actions_by_name["completed"].trigger()
    key = ("sample", "basics/second")
    qtbot.waitUntil(lambda: key in window.progress_feature.completed(), timeout=5000)
    assert window.model.index_for_key("sample:basics/second").data() == "✓ Second article"
    window.close()
    window.close_study()
    write(sample_pack, "basics/second.md",
          "---\ntitle: Second article\norder: 2\n---\n\n## Details\n\nRewritten.\n")  # fmt: skip
    again = make_window()
    qtbot.waitUntil(lambda: key in again.progress_feature.completed(), timeout=5000)
    label = again.model.index_for_key("sample:basics/second").data()
    assert label == "✓ Second article  (changed since you read it)"
    open_article(qtbot, again, "basics/first")
    open_article(qtbot, again, "basics/second")  # opening it says so too
    assert "changed since you completed it" in again.statusBar().currentMessage()


def test_all_notes_lists_filters_opens_deletes_with_undo_and_reattaches_orphans(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    study = window.study
    study.save_note("sample", "basics/first", "First thoughts on caching.").result()
    study.save_note("sample", "gone/away", "Written on an article that left.").result()
    open_article(qtbot, window, "basics/second")
    select_text(window, "Back to")
    with qtbot.waitSignal(window.highlights.changed, timeout=5000):
        window.highlights.highlight_selection("green", "a green passage")
    from nexus_desktop.ui.study_features import show_all_notes

    dialog = show_all_notes(window)
    qtbot.addWidget(dialog)
    tree = dialog.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2, timeout=5000)
    groups = {tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(2)}
    assert set(groups) == {"Sample Pack › Basics", "Orphaned (no longer in an open pack)"}
    assert groups["Sample Pack › Basics"].childCount() == 2
    dialog.colour.setCurrentText("green")
    assert tree.topLevelItemCount() == 1 and tree.topLevelItem(0).child(0).text(0).startswith(
        "▍ “Back to”"
    )
    dialog.colour.setCurrentText("Any colour")
    dialog.filter.setText("caching")  # refilled once typing pauses
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1, timeout=5000)
    assert "1 of 3 shown" in dialog.summary.text()
    dialog.filter.setText("")
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2, timeout=5000)
    # Open a passage: the reader goes to the article.
    passage = next(
        tree.topLevelItem(i).child(j)
        for i in range(tree.topLevelItemCount())
        for j in range(tree.topLevelItem(i).childCount())
        if tree.topLevelItem(i).child(j).text(0).startswith("▍")
    )
    window.open_ref(ArticleRef("sample", "basics/first"))
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        dialog.tree.itemActivated.emit(passage, 0)
    assert window.current.article_id == "basics/second"  # type: ignore[union-attr]
    # An orphaned note is re-attached to the article now open.
    note = next(
        tree.topLevelItem(i).child(0) for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0).startswith("Orphaned")
    )  # fmt: skip
    tree.setCurrentItem(note)
    dialog.attach_button.click()  # the orphan joins the open article's note
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1, timeout=5000)
    moved = study.note("sample", "basics/second").result()
    assert moved is not None and "Written on an article that left." in moved.body
    item = next(
        tree.topLevelItem(0).child(j) for j in range(tree.topLevelItem(0).childCount())
        if "First thoughts" in tree.topLevelItem(0).child(j).text(0)
    )  # fmt: skip
    tree.setCurrentItem(item)  # delete, then undo
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: study.note("sample", "basics/first").result() is None, timeout=5000)
    dialog.undo_button.click()
    qtbot.waitUntil(lambda: study.note("sample", "basics/first").result() is not None,
                    timeout=5000)  # fmt: skip


def test_all_notes_shows_a_few_hundred_rows_at_a_time_of_thousands(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    from nexus_desktop.ui import all_notes
    from nexus_desktop.ui.study_features import show_all_notes

    window = make_window(sample_pack)
    futures = [window.study.save_note("sample", f"gone/{i}", f"Note {i} on retries")
               for i in range(all_notes.SHOWN + 50)]  # fmt: skip
    futures[-1].result()
    dialog = show_all_notes(window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.summary.text() != "", timeout=5000)
    shown = sum(dialog.tree.topLevelItem(i).childCount()
                for i in range(dialog.tree.topLevelItemCount()))  # fmt: skip
    assert shown == all_notes.SHOWN
    assert dialog.summary.text().startswith(f"Showing {all_notes.SHOWN} of 450")
    dialog.filter.setText("note 42 on")
    qtbot.waitUntil(lambda: dialog.summary.text() == "1 of 450 shown.", timeout=5000)


def test_the_start_page_offers_continue_and_next_up(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path
) -> None:
    window = make_window(sample_pack)
    open_article(qtbot, window, "basics/first")
    window.actions_by_name["completed"].trigger()
    qtbot.waitUntil(lambda: ("sample", "basics/first") in window.progress_feature.completed(),
                    timeout=5000)  # fmt: skip
    open_article(qtbot, window, "advanced/topic")
    qtbot.waitUntil(lambda: ("sample", "advanced/topic") in window.progress_feature.records,
                    timeout=5000)  # fmt: skip
    action = window.actions_by_name["start_page"]
    assert action.shortcut().toString() == "Alt+Home"
    action.trigger()
    text = window.reader.toPlainText()
    assert window.current is None and not window.notes.isEnabled()
    assert "Continue where you left off" in text and "Advanced topic" in text
    next_up = text.split("Next up", 1)[1]
    assert "1 of 3 articles completed" in next_up
    assert "Second article" in next_up and "First article" not in next_up
    url = next(a for a in window.reader.document().toHtml().split('"') if "basics/second" in a)
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        window.open_url(url)
    qtbot.waitUntil(lambda: window.notes.isEnabled(), timeout=5000)


def test_notes_export_from_the_window_writes_markdown_files(
    qtbot: QtBot, make_window: WindowFactory, sample_pack: Path, tmp_path: Path,
    monkeypatch: object,
) -> None:  # fmt: skip
    from PySide6.QtWidgets import QFileDialog

    window = make_window(sample_pack)
    window.study.save_note("sample", "basics/first", "Exported words.").result()
    out = tmp_path / "exported"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(out))  # type: ignore[attr-defined]
    window.actions_by_name["export_notes"].trigger()
    qtbot.waitUntil(lambda: "1 notes exported" in window.statusBar().currentMessage(),
                    timeout=5000)  # fmt: skip
    text = (out / "sample--basics-first.md").read_text()
    assert '"title": "First article"' in text and text.endswith("Exported words.\n")
