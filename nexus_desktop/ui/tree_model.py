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
    from collections.abc import Callable

    from nexus_desktop.services.refs import ArticleRef

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
BATCH = 100  # rows a folder shows at first and adds each time the view scrolls to its end


class KnowledgeTreeModel(QAbstractItemModel):
    """Adapts :class:`TreeNode` to Qt. Read-only.

    A folder's rows are handed to the view in batches (``canFetchMore``/``fetchMore``, as
    QFileSystemModel does): expanding tldr's "common" area at once, 4,612 rows, held the UI
    thread for ~100 ms; a batch costs a few. Looking up a node reveals the rows up to it.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = TreeNode("root", "", "")
        self._by_key: dict[str, TreeNode] = {}
        self._shown: dict[int, int] = {}  # id(node) -> how many of its children the view has
        self._completed: set[tuple[str, str]] = set()
        self._counts: dict[str, tuple[int, int]] = {}  # node key -> (completed, articles)
        self._due: dict[str, int] = {}  # node key -> quiz questions due
        # Whether a completed article has changed since (set by the progress feature).
        self.changed_since_read: Callable[[ArticleRef], bool] = lambda _ref: False
        flag = QtCore.Qt.ItemFlag
        self._flags = flag.ItemIsEnabled | flag.ItemIsSelectable  # asked for thousands of times
        self._no_flags = flag.NoItemFlags
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
        self._shown = {}
        self._count()
        self.endResetModel()

    def set_completed(self, completed: set[tuple[str, str]]) -> None:
        """Mark these (pack id, article id) as completed: ✓ on them, counts on their areas.
        The view repaints itself (the labels change, not the rows)."""
        self._completed = completed
        self._count()

    def set_due(self, due: dict[str, int]) -> None:
        """Quiz questions due per node key (an area's count includes its sub-areas'), shown
        beside the titles. The view repaints itself."""
        self._due = due

    def _count(self) -> None:
        from nexus_desktop.services.tree import completion_counts

        self._counts = completion_counts(self._root.children, self._completed)

    def _shown_count(self, node: TreeNode) -> int:
        return self._shown.get(id(node), min(len(node.children), BATCH))

    def _reveal(self, node: TreeNode) -> None:
        """Make sure the view has the rows down to ``node`` (its ancestors' first)."""
        parent = node.parent
        if parent is None:
            return
        self._reveal(parent)
        shown = self._shown_count(parent)
        if node.row >= shown:
            last = min(len(parent.children), max(node.row + 1, shown + BATCH)) - 1
            self.beginInsertRows(self._index_of(parent), shown, last)
            self._shown[id(parent)] = last + 1
            self.endInsertRows()

    # -- look-ups ----------------------------------------------------------------------------
    def node_for_index(self, index: _Index) -> TreeNode:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, TreeNode)
        return node

    def index_for_node(self, node: TreeNode) -> QModelIndex:
        self._reveal(node)
        return self._index_of(node)

    def _index_of(self, node: TreeNode) -> QModelIndex:
        """The index of a node whose row the view already has."""
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
        if row >= self._shown_count(node):
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
        return self._shown_count(self.node_for_index(parent))

    def hasChildren(self, parent: _Index = _ROOT) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        return bool(self.node_for_index(parent).children)

    def canFetchMore(self, parent: _Index) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        node = self.node_for_index(parent)
        return self._shown_count(node) < len(node.children)

    def fetchMore(self, parent: _Index) -> None:
        node = self.node_for_index(parent)
        shown = self._shown_count(node)
        last = min(len(node.children), shown + BATCH) - 1
        if last < shown:
            return
        self.beginInsertRows(parent, shown, last)
        self._shown[id(node)] = last + 1
        self.endInsertRows()

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 1

    def data(self, index: _Index, role: int = roles.DISPLAY) -> object:
        if not index.isValid():
            return None
        node = self.node_for_index(index)
        if role == roles.DISPLAY:
            if node.kind == "article":
                ref = node.ref
                done = ref is not None and (ref.pack_id, ref.article_id) in self._completed
                label = node.title
                if done:
                    changed = ref is not None and self.changed_since_read(ref)
                    label = f"✓ {label}  (changed since you read it)" if changed else f"✓ {label}"
                return self._with_due(label, node.key)
            done_count, total = self._counts.get(node.key, (0, 0))
            label = f"{node.title}  ({done_count}/{total})" if done_count else node.title
            return self._with_due(label, node.key)
        if role == roles.TOOLTIP:
            return node.tooltip or None
        if role == roles.DECORATION:
            return self._icons.get(node.kind, QIcon())
        if role == roles.TREE_REF:
            return node.ref
        if role == roles.TREE_KEY:
            return node.key
        return None

    def _with_due(self, label: str, key: str) -> str:
        due = self._due.get(key, 0)
        return f"{label}  · {due} due" if due else label

    def flags(self, index: _Index) -> QtCore.Qt.ItemFlag:
        return self._flags if index.isValid() else self._no_flags

    def headerData(
        self, section: int, orientation: QtCore.Qt.Orientation, role: int = roles.DISPLAY
    ) -> object:
        if orientation == QtCore.Qt.Orientation.Horizontal and role == roles.DISPLAY:
            return "Knowledge areas"
        return None
