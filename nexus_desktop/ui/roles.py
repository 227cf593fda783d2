"""Qt item-data roles as plain ints.

Referring to ``Qt.ItemDataRole`` at import time makes PySide6 build its whole ``Qt`` namespace
(98 enum classes, about 35 ms) before the window's first paint; these ints are the same values
(``tests/ui/test_startup.py`` checks them against Qt's).
"""

from __future__ import annotations

DISPLAY = 0  # Qt.ItemDataRole.DisplayRole
DECORATION = 1  # Qt.ItemDataRole.DecorationRole
TOOLTIP = 3  # Qt.ItemDataRole.ToolTipRole
USER = 0x0100  # Qt.ItemDataRole.UserRole

# The knowledge tree's own roles (ui/tree_model.py)
TREE_REF = USER + 1  # the ArticleRef an item opens, if any
TREE_KEY = USER + 2  # the node's stable key ("pack:area/article"), for the expand state
OUTLINE_HEADING = USER + 3  # an outline item's heading, without any mark added beside it
