"""The knowledge tree: packs, areas and articles as a thin QAbstractItemModel."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from nexus_desktop.knowledge.model import Area, Article, Pack
from nexus_desktop.services.library import ArticleRef

REF_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


@dataclass(eq=False, slots=True)
class TreeNode:
    """One row: a pack, an area or an article."""

    kind: str  # "pack" | "area" | "article"
    title: str
    key: str
    ref: ArticleRef | None = None
    tooltip: str = ""
    parent: TreeNode | None = None
    children: list[TreeNode] = field(default_factory=list)
    row: int = 0


def build_nodes(packs: list[Pack]) -> TreeNode:
    """The node tree for the open packs (Qt-free data, built once per change)."""
    root = TreeNode("root", "", "")
    for pack in packs:
        node = _area_node(pack, pack.root_area, kind="pack")
        _attach(root, node)
    return root


def _area_node(pack: Pack, area: Area, *, kind: str) -> TreeNode:
    ref = ArticleRef(pack.id, area.index_article) if area.index_article else None
    tooltip = area.summary or (str(pack.root) if kind == "pack" else "")
    node = TreeNode(kind, area.title, f"{pack.id}:{area.id}", ref=ref, tooltip=tooltip)
    for child in area.areas:
        _attach(node, _area_node(pack, child, kind="area"))
    for article in area.articles:
        _attach(node, _article_node(pack, article))
    return node


def _article_node(pack: Pack, article: Article) -> TreeNode:
    details = [article.summary] if article.summary else []
    facts = [f for f in (article.level, f"{article.minutes} min" if article.minutes else "") if f]
    if facts:
        details.append(" · ".join(facts))
    return TreeNode(
        "article",
        article.title,
        f"{pack.id}:{article.id}",
        ref=ArticleRef(pack.id, article.id),
        tooltip="\n".join(details),
    )


def _attach(parent: TreeNode, child: TreeNode) -> None:
    child.parent = parent
    child.row = len(parent.children)
    parent.children.append(child)


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

    def set_packs(self, packs: list[Pack]) -> None:
        self.beginResetModel()
        self._root = build_nodes(packs)
        self._by_key = {}
        stack = list(self._root.children)
        while stack:
            node = stack.pop()
            self._by_key[node.key] = node
            stack.extend(node.children)
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

    def hasChildren(self, parent: _Index = _ROOT) -> bool:
        return self.rowCount(parent) > 0

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node = self.node_for_index(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return node.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.tooltip or None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons.get(node.kind, QIcon())
        if role == REF_ROLE:
            return node.ref
        if role == KEY_ROLE:
            return node.key
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return "Knowledge areas"
        return None
