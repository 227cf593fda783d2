"""Quiz → Quiz Settings… (desired retention, new questions per session) and Quiz → Export to
Anki… (the questions as an Anki deck, written off the UI thread)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtCore import QObject

from nexus_desktop.ui.actions import ActionSpec

if TYPE_CHECKING:
    from nexus_desktop.services.anki_export import ExportSummary
    from nexus_desktop.services.quiz import QuizService
    from nexus_desktop.ui.main_window import MainWindow

ACTIONS = (
    ActionSpec("quiz_settings", "Quiz Se&ttings…", (), "",
               "How well you want to remember, and how many new questions a session brings",
               menu="quiz", section="extras", handler="show_settings"),
    ActionSpec("export_anki", "E&xport to Anki…", (), "",
               "The questions as an Anki deck, one sub-deck per area", menu="quiz",
               section="extras", handler="export_anki"),
)  # fmt: skip


class QuizSettingsDialog(QtWidgets.QDialog):
    """Desired retention (FSRS) and new questions per session, explained in words."""

    def __init__(self, retention: float, new: int, parent: QtWidgets.QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Quiz settings")
        self.retention = QtWidgets.QSpinBox()
        self.retention.setRange(70, 99)
        self.retention.setSuffix(" %")
        self.retention.setValue(round(retention * 100))
        self.retention.setAccessibleName("Desired retention")
        self.new = QtWidgets.QSpinBox()
        self.new.setRange(0, 100)
        self.new.setValue(new)
        self.new.setAccessibleName("New questions per session")
        form = QtWidgets.QFormLayout()
        form.addRow("Remember at least", self.retention)
        form.addRow("New questions per session", self.new)
        note = QtWidgets.QLabel(
            "Questions come back when the chance that you still know them falls to the share "
            "above (90 % is Anki's default). Higher means more reviews, closer together; lower "
            "means fewer reviews and more forgetting. A change applies to the next answers."
        )
        note.setWordWrap(True)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())


class QuizExtras(QObject):
    def __init__(self, window: MainWindow, quiz: QuizService) -> None:
        super().__init__(window)
        self.window = window
        self.quiz = quiz

    def show_settings(self) -> QuizSettingsDialog:
        settings = self.window.settings
        dialog = QuizSettingsDialog(
            settings.get("desired_retention"), settings.get("new_per_session"), self.window
        )
        dialog.accepted.connect(lambda: self.apply(dialog))
        dialog.open()
        return dialog

    def apply(self, dialog: QuizSettingsDialog) -> None:
        retention, new = dialog.retention.value() / 100, dialog.new.value()
        settings = self.window.settings
        settings.set("desired_retention", retention, save=False)
        settings.set("new_per_session", new, save=False)
        if not settings.try_save() and settings.problem:
            self.window.statusBar().showMessage(settings.problem, 15000)
        self.quiz.desired_retention, self.quiz.new_per_session = retention, new

    def export_anki(self, target: Path | None = None) -> None:
        """Ask where (unless ``target``), then write the deck in the background."""
        if target is None:
            name, _filter = QtWidgets.QFileDialog.getSaveFileName(
                self.window, "Export the questions to Anki", str(Path.home() / "nexus.apkg"),
                "Anki deck package (*.apkg)",
            )  # fmt: skip
            if not name:
                return
            target = Path(name)
        library = self.window.library
        packs = [library.loaded(pack.id) or pack for pack in library.packs]

        def work(_ctx: object) -> ExportSummary:
            from nexus_desktop.services.anki_export import export_anki

            return export_anki(packs, target)  # type: ignore[arg-type]

        def done(summary: ExportSummary) -> None:
            from nexus_desktop.services.text import plural

            self.window.statusBar().showMessage(
                f"{plural(summary.notes, 'question')} in {plural(summary.decks, 'deck')} written "
                f"to {summary.path} — open it with Anki (File → Import).", 20000
            )  # fmt: skip

        task = self.window.background(work, "The Anki deck could not be written")
        task.on_success(done).start(self.window.pool)
