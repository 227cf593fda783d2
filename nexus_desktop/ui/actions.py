"""Commands as data: names, labels, shortcuts and icons in one registry.

Menus, the toolbar and (later) a command palette and shortcuts dialog are built from this table
(qutebrowser keeps its bindings as data in the same spirit).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QStyle, QWidget

SK = QKeySequence.StandardKey
SP = QStyle.StandardPixmap


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str
    label: str
    shortcuts: tuple[str | QKeySequence.StandardKey, ...] = ()
    icon: QStyle.StandardPixmap | None = None
    tip: str = ""
    checkable: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("add_pack", "&Add Content Folder…", ("Ctrl+O",), SP.SP_DirOpenIcon,
               "Open a folder of Markdown files as a content pack"),
    ActionSpec("remove_pack", "&Remove Content Folder", (), None,
               "Close the selected content pack and forget it"),
    ActionSpec("reload", "Re&load Content", ("F5",), SP.SP_BrowserReload,
               "Load every content pack again from disk"),
    ActionSpec("quit", "&Quit", (SK.Quit, "Ctrl+Q"), None),
    ActionSpec("back", "&Back", ("Alt+Left", SK.Back), SP.SP_ArrowBack, "Go back (Alt+Left)"),
    ActionSpec("forward", "&Forward", ("Alt+Right", SK.Forward), SP.SP_ArrowForward,
               "Go forward (Alt+Right)"),
    ActionSpec("zoom_in", "Zoom &In", ("Ctrl+=", "Ctrl++", SK.ZoomIn), None,
               "Larger article text (Ctrl+=)"),
    ActionSpec("zoom_out", "Zoom &Out", ("Ctrl+-", SK.ZoomOut), None,
               "Smaller article text (Ctrl+-)"),
    ActionSpec("zoom_reset", "&Reset Zoom", ("Ctrl+0",), None, "Normal text size (Ctrl+0)"),
    ActionSpec("dark_theme", "&Dark Theme", ("Ctrl+Shift+D",), None, "Switch light/dark",
               checkable=True),
    ActionSpec("search", "&Search Everything", ("Ctrl+K", "Ctrl+Shift+F"), None,
               "Search every content pack (Ctrl+K)"),
    ActionSpec("find", "&Find in Article", (SK.Find, "Ctrl+F"), None,
               "Find in the current article (Ctrl+F)"),
    ActionSpec("find_next", "Find &Next", (SK.FindNext, "F3"), None),
    ActionSpec("quick_open", "&Go to Article…", ("Ctrl+P",), None,
               "Jump to an article by its title (Ctrl+P)"),
    ActionSpec("problems", "Content &Problems…", (), SP.SP_MessageBoxWarning,
               "Problems found in the open content packs"),
    ActionSpec("about", "&About Nexus Desktop", (), None),
)  # fmt: skip


def build_actions(parent: QWidget) -> dict[str, QAction]:
    """One QAction per spec, owned by ``parent``."""
    style = QApplication.style()
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.label, parent)
        action.setObjectName(spec.name)
        sequences: list[QKeySequence] = []
        for shortcut in spec.shortcuts:
            if isinstance(shortcut, str):
                sequences.append(QKeySequence(shortcut))
            else:
                sequences.extend(QKeySequence.keyBindings(shortcut))
        unique: list[QKeySequence] = []
        for seq in sequences:
            if not seq.isEmpty() and seq not in unique:
                unique.append(seq)
        action.setShortcuts(unique)
        if spec.icon is not None:
            action.setIcon(style.standardIcon(spec.icon))
        if spec.tip:
            action.setToolTip(spec.tip)
            action.setStatusTip(spec.tip)
        action.setCheckable(spec.checkable)
        actions[spec.name] = action
    return actions
