"""Looking after the study data from the window: automatic backups every few hours while the app
is open (and at quit), *Back Up Now*, *Restore a Backup…* (from a list with dates and sizes;
the current data is backed up first), *Check Study Data*, and export/import of all personal
data as one JSON document, and of the notes as Markdown files."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtCore import QObject, QTimer

from nexus_desktop.ui.actions import ActionSpec

if TYPE_CHECKING:
    from PySide6 import QtGui

    from nexus_desktop.services.study import StudyService
    from nexus_desktop.storage.records import NoteRecord
    from nexus_desktop.ui.db import FutureRelay
    from nexus_desktop.ui.main_window import MainWindow

ACTIONS = (
    ActionSpec("backup_now", "&Back Up Study Data Now", (), "",
               "Copy your notes, bookmarks and progress to a backup", menu="study",
               section="data", handler="backup_now"),
    ActionSpec("restore_backup", "&Restore a Backup…", (), "",
               "Go back to a backup (your current data is backed up first)", menu="study",
               section="data", handler="restore_backup"),
    ActionSpec("check_data", "C&heck Study Data", (), "", "Check the study database for damage",
               menu="study", section="data", handler="check"),
    ActionSpec("export_data", "&Export Study Data…", (), "",
               "All your notes, bookmarks and progress as one JSON file", menu="study",
               section="data", handler="export_data"),
    ActionSpec("import_data", "&Import Study Data…", (), "",
               "Merge a JSON export into your study data", menu="study", section="data",
               handler="import_data"),
    ActionSpec("export_notes", "Export &Notes as Markdown…", (), "",
               "One Markdown file per article with a note, for any editor", menu="study",
               section="data", handler="export_notes"),
)  # fmt: skip
BACKUP_EVERY_MS = 3 * 60 * 60 * 1000


class StudyDataFeature(QObject):
    def __init__(
        self,
        study: StudyService,
        relay: FutureRelay,
        window: MainWindow,
        actions: dict[str, QtGui.QAction],
        reload_features: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self.study = study
        self.relay = relay
        self.window = window
        self.reload_features = reload_features
        for name in ("backup_now", "restore_backup", "import_data"):
            actions[name].setEnabled(not study.read_only)
        self._timer = QTimer(self)
        self._timer.setInterval(BACKUP_EVERY_MS)
        self._timer.timeout.connect(lambda: self.backup_now(quiet=True))
        if not study.read_only:
            self._timer.start()

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 15000)

    def backup_now(self, quiet: bool = False) -> None:
        reason = "auto" if quiet else "manual"
        self.relay.when_done(
            self.study.backup(reason),
            lambda path: None if quiet else self._say(f"Study data backed up to {path}"),
        )

    def restore_backup(self) -> None:
        backups = self.study.database.backups()
        if not backups:
            QtWidgets.QMessageBox.information(self.window, "Restore", "There are no backups yet.")
            return
        labels = [
            f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(b.taken_at))} — "
            f"{b.size / 1024:.0f} KB ({b.reason.replace('_', ' ')})"
            for b in backups
        ]
        label, ok = QtWidgets.QInputDialog.getItem(
            self.window, "Restore a backup", "Go back to the study data of:", labels, 0, False
        )
        if not ok:
            return
        chosen = backups[labels.index(label)].path
        self.window.notes.save_now()
        self.relay.when_done(self.study.restore(chosen), self._on_restored)

    def _on_restored(self, safety: Path) -> None:
        self.reload_features()
        self._say(f"Backup restored. Your data from before is kept in {safety.name}.")

    def check(self) -> None:
        def report(problems: list[str]) -> None:
            if not problems:
                QtWidgets.QMessageBox.information(
                    self.window, "Check study data", "Your study data is sound."
                )
                return
            QtWidgets.QMessageBox.warning(
                self.window,
                "Check study data",
                "The study database has problems:\n\n"
                + "\n".join(problems[:20])
                + "\n\nRestoring a backup (Study → Restore a Backup…) puts it right.",
            )

        self.relay.when_done(self.study.check(), report)

    def export_data(self) -> None:
        from nexus_desktop.services.study import write_export

        name, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.window, "Export study data", "nexus-study-data.json", "JSON (*.json)"
        )
        if not name:
            return

        def write(document: dict[str, object]) -> None:
            try:
                write_export(document, Path(name))
            except OSError as exc:
                self._say(f"Export failed: {exc.strerror or exc}")
                return
            self._say(f"Study data exported to {name}")

        self.window.notes.save_now()
        self.relay.when_done(self.study.export_data(), write)

    def import_data(self) -> None:
        from nexus_desktop.services.study import StudyError, read_export

        name, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.window, "Import study data", "", "JSON (*.json)"
        )
        if not name:
            return
        try:
            future = self.study.import_data(read_export(Path(name)))
        except StudyError as exc:
            QtWidgets.QMessageBox.warning(self.window, "Import", f"Nothing was imported: {exc}.")
            return

        def done(summary: str) -> None:
            self.reload_features()
            self._say(summary)

        self.window.notes.save_now()
        self.relay.when_done(future, done)

    def export_notes(self) -> None:
        from nexus_desktop.services.refs import ArticleRef
        from nexus_desktop.services.study import write_notes_markdown
        from nexus_desktop.ui.tasks import BackgroundTask

        folder = QtWidgets.QFileDialog.getExistingDirectory(self.window, "Export notes to")
        if not folder:
            return
        library = self.window.library

        def title_of(pack_id: str, article_id: str) -> str:
            article = library.article(ArticleRef(pack_id, article_id))
            return article.title if article else article_id

        def write(notes: list[NoteRecord]) -> None:  # the files are written off the UI thread
            from nexus_desktop.ui.failures import in_words

            task = BackgroundTask(lambda _c: write_notes_markdown(notes, Path(folder), title_of))
            task.on_success(lambda count: self._say(f"{count} notes exported to {folder}"))
            task.on_failure(lambda error: self._say(in_words(error, "Export stopped")))
            task.start(self.window.pool)

        self.window.notes.save_now()
        self.relay.when_done(self.study.notes(), write)
