"""The knowledge tree as plain data: packs, areas and articles as nodes (Qt-free).

Built off the UI thread when a pack loads; the Qt model in ``ui/tree_model.py`` only adapts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nexus_desktop.services.refs import ArticleRef

if TYPE_CHECKING:
    from nexus_desktop.knowledge.model import Area, Article, Pack


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


@dataclass(slots=True)
class PackTree:
    """One pack's node tree and a look-up of its nodes by key."""

    pack_id: str
    node: TreeNode
    by_key: dict[str, TreeNode]


def build_pack_tree(pack: Pack) -> PackTree:
    """The nodes of one pack, and their index by key."""
    node = _area_node(pack, pack.root_area, kind="pack")
    by_key: dict[str, TreeNode] = {}
    stack = [node]
    while stack:
        current = stack.pop()
        by_key[current.key] = current
        stack.extend(current.children)
    return PackTree(pack.id, node, by_key)


def completion_counts(
    nodes: list[TreeNode], completed: set[tuple[str, str]]
) -> dict[str, tuple[int, int]]:
    """(completed, total) articles below each pack and area node, by node key."""
    counts: dict[str, tuple[int, int]] = {}

    def walk(node: TreeNode) -> tuple[int, int]:
        done = total = 0
        for child in node.children:
            if child.kind == "article" and child.ref is not None:
                total += 1
                done += (child.ref.pack_id, child.ref.article_id) in completed
            else:
                child_done, child_total = walk(child)
                done += child_done
                total += child_total
        counts[node.key] = (done, total)
        return done, total

    for node in nodes:
        walk(node)
    return counts
