"""The Content problems view and the About box."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nexus_desktop import __version__
from nexus_desktop.knowledge.model import Pack, Problem, Severity

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
PACK_ROLE = Qt.ItemDataRole.UserRole + 2


class ProblemsDialog(QDialog):
    """Every problem of every pack; activating one opens the article or the file's folder."""

    article_requested = Signal(str, str)  # pack id, file path

    def __init__(self, problems: list[tuple[Pack, Problem]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Content problems")
        self.resize(900, 480)
        errors = sum(1 for _, p in problems if p.severity is Severity.ERROR)
        summary = QLabel(
            f"{len(problems)} problems ({errors} errors) in the open content packs. "
            "Double-click a row to open the article, or use “Show in Folder”."
            if problems
            else "No problems: every open content pack loaded cleanly."
        )
        summary.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setHeaderLabels(["Severity", "Pack", "File", "Line", "Message"])
        for pack, problem in problems:
            try:
                shown = str(problem.path.relative_to(pack.root))
            except ValueError:
                shown = str(problem.path)
            item = QTreeWidgetItem(
                [
                    problem.severity.value,
                    pack.name,
                    shown,
                    str(problem.line or ""),
                    problem.message,
                ]
            )
            item.setData(0, PATH_ROLE, str(problem.path))
            item.setData(0, PACK_ROLE, pack.id)
            item.setToolTip(4, problem.message)
            self.table.addTopLevelItem(item)
        header = self.table.header()
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column in range(4):
            self.table.resizeColumnToContents(column)
        self.table.itemActivated.connect(self._on_table_item_activated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.reveal_button = QPushButton("Show in Folder")
        buttons.addButton(self.reveal_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.reveal_button.clicked.connect(self._on_reveal_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def _on_table_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.article_requested.emit(item.data(0, PACK_ROLE), item.data(0, PATH_ROLE))

    def _on_reveal_clicked(self) -> None:
        item = self.table.currentItem()
        if item is None:
            return
        path = Path(item.data(0, PATH_ROLE))
        folder = path if path.is_dir() else path.parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


LICENSED = (
    ("Qt / PySide6", "PySide6-Essentials", "LGPL-3.0"),
    ("Python-Markdown", "Markdown", "BSD-3-Clause"),
    ("PyMdown Extensions", "pymdown-extensions", "MIT"),
    ("Pygments", "Pygments", "BSD-2-Clause"),
    ("nh3 (ammonia)", "nh3", "MIT"),
    ("PyYAML", "PyYAML", "MIT"),
    ("platformdirs", "platformdirs", "MIT"),
    ("Whoosh (whoosh-reloaded)", "whoosh-reloaded", "BSD-2-Clause"),
)


def about_text() -> str:
    from importlib import metadata

    rows = []
    for label, dist, licence in LICENSED:
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "not installed"
        rows.append(f"<tr><td>{label}</td><td>{version}</td><td>{licence}</td></tr>")
    return (
        f"<h3>Nexus Desktop {__version__}</h3>"
        "<p>An offline study app for the Project Nexus backend-engineering knowledge hub.</p>"
        "<p>Code: MIT licence. Built-in content: CC BY 4.0.</p>"
        "<p>Built with:</p><table cellpadding='3'>"
        "<tr><th align='left'>Component</th><th align='left'>Version</th>"
        "<th align='left'>Licence</th></tr>" + "".join(rows) + "</table>"
    )


def show_about(parent: QWidget) -> None:
    """The About box; with a "Licences…" button where the app carries its libraries' licence
    notices (an installer's build: THIRD-PARTY-NOTICES.txt)."""
    from nexus_desktop.paths import licence_notices

    notices = licence_notices()
    if notices is None:
        QMessageBox.about(parent, "About Nexus Desktop", about_text())
        return
    box = QMessageBox(parent)
    box.setWindowTitle("About Nexus Desktop")
    box.setText(about_text())
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    licences = box.addButton("Licences…", QMessageBox.ButtonRole.ActionRole)
    box.exec()
    if box.clickedButton() is licences:
        show_licences(parent, notices)


def show_licences(parent: QWidget, notices: Path) -> None:
    """The licence texts of the app, its content and every bundled library."""
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QPlainTextEdit

    dialog = QDialog(parent)
    dialog.setWindowTitle("Licences")
    dialog.resize(760, 560)
    text = QPlainTextEdit(dialog)
    text.setReadOnly(True)
    text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    try:
        text.setPlainText(notices.read_text(encoding="utf-8", errors="replace"))
    except OSError as exc:
        text.setPlainText(f"{notices} could not be read: {exc.strerror or exc}")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    dialog.exec()
