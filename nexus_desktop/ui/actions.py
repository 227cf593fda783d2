"""Commands as data: names, labels, shortcuts and icons in one registry.

Menus, the toolbar and (later) a command palette and shortcuts dialog are built from this table
(qutebrowser keeps its bindings as data in the same spirit).
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6 import QtGui
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QWidget

from nexus_desktop.paths import resources_dir


class ActionSpec(NamedTuple):
    name: str
    label: str
    # Key sequences ("Ctrl+O"), or "std:" and a QKeySequence.StandardKey member ("std:Back")
    # for the platform's own binding of that command.
    shortcuts: tuple[str, ...] = ()
    icon: str = ""  # resources/icons/<icon>.png (drawn by make_icons.py there)
    tip: str = ""
    checkable: bool = False
    menu: str = ""  # the menu it goes in (a key of MENUS); "" for the one given at install
    section: str = ""  # actions of one section are kept together, separated from the next
    handler: str = ""  # the method of the feature that owns it, run when it is triggered
    # A checkable action's handler is given the new state when the user triggers it; with
    # follows_state, on every change of state (also one made by code, e.g. at start).
    follows_state: bool = False


# The menu bar, in order: a feature's actions go in the menu its specs name.
MENUS: tuple[tuple[str, str], ...] = (
    ("file", "&File"),
    ("edit", "&Edit"),
    ("view", "&View"),
    ("go", "&Go"),
    ("study", "&Study"),
    ("quiz", "&Quiz"),
    ("bookmarks", "&Bookmarks"),
    ("help", "&Help"),
)

# The shell's own commands (a feature's are in its own module, beside its widgets).
ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("add_pack", "&Add Content Folder…", ("Ctrl+O",), "add-folder",
               "Open a folder of Markdown files as a content pack",
               menu="file", section="packs", handler="choose_pack_folder"),
    ActionSpec("remove_pack", "&Remove Content Folder", (), "",
               "Close the selected content pack and forget it",
               menu="file", section="packs", handler="remove_selected_pack"),
    ActionSpec("reload", "Re&load Content", ("F5",), "",
               "Load every content pack again from disk",
               menu="file", section="packs", handler="reload_packs"),
    ActionSpec("quit", "&Quit", ("std:Quit", "Ctrl+Q"), menu="file", section="quit",
               handler="close"),
    ActionSpec("zoom_in", "Zoom &In", ("Ctrl+=", "Ctrl++", "std:ZoomIn"), "",
               "Larger article text (Ctrl+=)", menu="view", section="zoom",
               handler="zoom_in"),
    ActionSpec("zoom_out", "Zoom &Out", ("Ctrl+-", "std:ZoomOut"), "",
               "Smaller article text (Ctrl+-)", menu="view", section="zoom",
               handler="zoom_out"),
    ActionSpec("zoom_reset", "&Reset Zoom", ("Ctrl+0",), "", "Normal text size (Ctrl+0)",
               menu="view", section="zoom", handler="zoom_reset"),
    ActionSpec("dark_theme", "&Dark Theme", ("Ctrl+Shift+D",), "", "Switch light/dark",
               checkable=True, menu="view", section="theme", handler="set_dark_theme",
               follows_state=True),
    ActionSpec("problems", "Content &Problems…", (), "problems",
               "Problems found in the open content packs", menu="view", section="problems",
               handler="show_problems"),
    ActionSpec("back", "&Back", ("Alt+Left", "std:Back"), "back", "Go back (Alt+Left)",
               menu="go", section="history", handler="go_back"),
    ActionSpec("forward", "&Forward", ("Alt+Right", "std:Forward"), "forward",
               "Go forward (Alt+Right)", menu="go", section="history", handler="go_forward"),
    ActionSpec("quick_open", "&Go to Article…", ("Ctrl+P",), "",
               "Jump to an article by its title (Ctrl+P)", menu="go", section="jump",
               handler="show_quick_switcher"),
    ActionSpec("about", "&About Nexus Desktop", menu="help", handler="show_about"),
)  # fmt: skip


def build_actions(parent: QWidget, specs: tuple[ActionSpec, ...] = ACTIONS) -> dict[str, QAction]:
    """One QAction per spec, owned by ``parent``; their shortcuts come with :func:`bind_keys`.

    The window's own commands are :data:`ACTIONS`; a feature passes its own specs.
    """
    icons = resources_dir() / "icons"
    actions: dict[str, QAction] = {}
    for spec in specs:
        action = QAction(spec.label, parent)
        action.setObjectName(spec.name)
        if spec.icon:
            action.setIcon(QIcon(str(icons / f"{spec.icon}.png")))  # Qt adds the @2x itself
        if spec.tip:
            action.setToolTip(spec.tip)
            action.setStatusTip(spec.tip)
        action.setCheckable(spec.checkable)
        actions[spec.name] = action
    return actions


def bind_keys(actions: dict[str, QAction], specs: tuple[ActionSpec, ...] = ACTIONS) -> None:
    """Give each action its shortcuts (no sequence twice, none empty).

    Separate from :func:`build_actions` because it can wait until the window has painted.
    """
    sequence = QtGui.QKeySequence
    for spec in specs:
        sequences: list[QtGui.QKeySequence] = []
        for shortcut in spec.shortcuts:
            if shortcut.startswith("std:"):
                standard = getattr(sequence.StandardKey, shortcut.removeprefix("std:"))
                sequences.extend(sequence.keyBindings(standard))
            else:
                sequences.append(sequence(shortcut))
        unique: list[QtGui.QKeySequence] = []
        for seq in sequences:
            if not seq.isEmpty() and seq not in unique:
                unique.append(seq)
        actions[spec.name].setShortcuts(unique)


def connect_handlers(
    actions: dict[str, QAction], specs: tuple[ActionSpec, ...], owner: object
) -> None:
    """Run ``owner.<spec.handler>`` when each action is triggered (a checkable action's
    handler is given the new state)."""
    for spec in specs:
        if not spec.handler:
            continue
        handler = getattr(owner, spec.handler)
        if spec.follows_state:
            actions[spec.name].toggled.connect(handler)
        elif spec.checkable:
            actions[spec.name].triggered.connect(handler)
        else:
            actions[spec.name].triggered.connect(lambda _checked=False, run=handler: run())
