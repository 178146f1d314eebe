"""The area tree is rebuilt whenever counts change (a save, a sync): what the worker
opened, closed and selected stays as it was."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gridclient.storage.queries import AreaNode
from gridclient.ui.area_tree import AreaTree
from gridcore.domain.enums import AreaLevel


def _roots(extra: int = 0) -> list[AreaNode]:
    def grid(village: int, number: int) -> AreaNode:
        grid_id = f"g{village}{number}"
        micro = AreaNode(f"m{village}{number}", "一号微网格", AreaLevel.MICRO_GRID, grid_id, 3)
        return AreaNode(
            grid_id, f"第{number}网格", AreaLevel.GRID, f"v{village}", 10 + extra, (micro,)
        )

    return [
        AreaNode(f"v{v}", f"{v}村", AreaLevel.VILLAGE, None, 20 + extra, (grid(v, 1), grid(v, 2)))
        for v in (1, 2)
    ]


def _index(tree: AreaTree, key: str):  # type: ignore[no-untyped-def]
    index = tree._find(key)
    assert index is not None
    return index


def test_a_reload_keeps_what_was_opened_closed_and_selected(qtbot: QtBot) -> None:
    tree = AreaTree(None)
    qtbot.addWidget(tree)
    tree.set_nodes(_roots())
    # The first tree opens down to the villages.
    assert tree.isExpanded(_index(tree, "v1")) and not tree.isExpanded(_index(tree, "g11"))
    tree.expand(_index(tree, "g11"))  # the worker opens a grid…
    tree.collapse(_index(tree, "v2"))  # …closes the other village…
    assert tree.select_area("m11")  # …and picks a micro-grid
    picked: list[object] = []
    tree.area_selected.connect(picked.append)

    tree.set_nodes(_roots(extra=1))  # a save changed the counts

    assert tree.isExpanded(_index(tree, "v1")) and tree.isExpanded(_index(tree, "g11"))
    assert not tree.isExpanded(_index(tree, "v2"))
    assert tree.currentIndex().data().startswith("一号微网格")
    assert _index(tree, "g11").data() == "第1网格 (11)"  # the new count
    assert picked == []  # the lists are not filtered again for a reload


def test_a_reload_keeps_the_scroll_position(qtbot: QtBot) -> None:
    tree = AreaTree(None)
    qtbot.addWidget(tree)
    tree.resize(260, 90)  # a few rows visible: the tree scrolls
    tree.show()
    tree.set_nodes(_roots())
    tree.expandAll()
    bar = tree.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    scrolled = bar.value()

    tree.set_nodes(_roots(extra=1))

    assert scrolled > 0 and bar.value() == scrolled


def test_a_micro_grid_shows_its_number_under_its_grid(qtbot: QtBot) -> None:
    """Micro-grids are named after their grid plus a number; in the 230-px pane the whole
    name was cut off before the number. Under its grid the tree shows the number part,
    the tooltip the whole name; a name that does not repeat its grid's stays whole."""
    name = "杨柳村第一网格23号微网格"
    micro = AreaNode("m", name, AreaLevel.MICRO_GRID, "g", 20)
    other = AreaNode("o", "南片微网格", AreaLevel.MICRO_GRID, "g", 5)
    grid = AreaNode("g", "杨柳村第一网格", AreaLevel.GRID, "v", 25, (micro, other))
    tree = AreaTree(None)
    qtbot.addWidget(tree)
    tree.resize(230, 200)
    tree.show()
    tree.set_nodes([AreaNode("v", "杨柳村", AreaLevel.VILLAGE, None, 25, (grid,))])
    tree.expandAll()
    index = _index(tree, "m")
    assert index.data() == "23号微网格 (20)"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == f"微网格：{name}"
    room = tree.viewport().width() - tree.visualRect(index).left() - 24  # icon, margins
    assert tree.fontMetrics().horizontalAdvance(index.data()) < room  # it fits the pane…
    assert tree.fontMetrics().horizontalAdvance(f"{name} (20)") > room  # …the whole did not
    assert _index(tree, "o").data() == "南片微网格 (5)"
    assert _index(tree, "g").data() == "杨柳村第一网格 (25)"  # grids keep their names
