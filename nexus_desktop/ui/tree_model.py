"""The knowledge tree: packs, areas and articles as a thin QAbstractItemModel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from nexus_desktop.services.tree import PackTree, TreeNode
from nexus_desktop.ui import roles

if TYPE_CHECKING:
    from nexus_desktop.services.refs import ArticleRef

REF_ROLE = roles.TREE_REF
KEY_ROLE = roles.TREE_KEY

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class KnowledgeTreeModel(QAbstractItemModel):
    """Adapts :class:`TreeNode` to Qt. Read-only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = TreeNode("root", "", "")
        self._by_key: dict[str, TreeNode] = {}
        style = QApplication.style()
        self._icons = {
            "pack": style.standardIcon(QStyle.StandardPixmap.SP_DriveHDIcon),
            "area": style.standardIcon(QStyle.StandardPixmap.SP_DirIcon),
            "article": style.standardIcon(QStyle.StandardPixmap.SP_FileIcon),
        }

    def set_pack_trees(self, trees: list[PackTree]) -> None:
        """Show these packs' trees (built off the UI thread by :func:`build_pack_tree`)."""
        self.beginResetModel()
        root = TreeNode("root", "", "")
        by_key: dict[str, TreeNode] = {}
        for row, tree in enumerate(trees):
            tree.node.parent = root
            tree.node.row = row
            root.children.append(tree.node)
            by_key.update(tree.by_key)
        self._root = root
        self._by_key = by_key
        self.endResetModel()

    # -- look-ups ----------------------------------------------------------------------------
    def node_for_index(self, index: _Index) -> TreeNode:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, TreeNode)
        return node

    def index_for_node(self, node: TreeNode) -> QModelIndex:
        if node is self._root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def index_for_key(self, key: str) -> QModelIndex:
        node = self._by_key.get(key)
        return self.index_for_node(node) if node else QModelIndex()

    def index_for_ref(self, ref: ArticleRef) -> QModelIndex:
        index = self.index_for_key(f"{ref.pack_id}:{ref.article_id}")
        if index.isValid():
            return index
        if ref.article_id.endswith("_index"):  # an area's intro page: select the area
            area_id = ref.article_id.rpartition("/")[0] if "/" in ref.article_id else ""
            return self.index_for_key(f"{ref.pack_id}:{area_id}")
        return QModelIndex()

    # -- QAbstractItemModel --------------------------------------------------------------------
    def index(self, row: int, column: int, parent: _Index = _ROOT) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        node = self.node_for_index(parent)
        if row >= len(node.children):
            return QModelIndex()
        return self.createIndex(row, 0, node.children[row])

    def parent(self, index: _Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node = self.node_for_index(index)
        parent = node.parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node_for_index(parent).children)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 1

    def data(self, index: _Index, role: int = roles.DISPLAY) -> object:
        if not index.isValid():
            return None
        node = self.node_for_index(index)
        if role == roles.DISPLAY:
            return node.title
        if role == roles.TOOLTIP:
            return node.tooltip or None
        if role == roles.DECORATION:
            return self._icons.get(node.kind, QIcon())
        if role == REF_ROLE:
            return node.ref
        if role == KEY_ROLE:
            return node.key
        return None

    def flags(self, index: _Index) -> QtCore.Qt.ItemFlag:
        flag = QtCore.Qt.ItemFlag
        if not index.isValid():
            return flag.NoItemFlags
        return flag.ItemIsEnabled | flag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: QtCore.Qt.Orientation, role: int = roles.DISPLAY
    ) -> object:
        if orientation == QtCore.Qt.Orientation.Horizontal and role == roles.DISPLAY:
            return "Knowledge areas"
        return None
