"""Entities beyond ``--max-nodes``: kept in the page, folded into one group node per class.

Above ``max_nodes`` the best-connected entities are drawn as they are; every other entity still
goes into the page's data, inside a group node of its class ("更多 金融机构 +1234") that opens on
click. Nothing is lost: search finds a grouped entity and opens its group. A group node sits in a
row under the drawn graph; its members open in a grid under it, best-connected first, at the
offsets (``dx``, ``dy``) computed here, so a group of 5,000 opens as readable rows and not as a
pile (vis-network would put every member on the group's own position).
"""
from __future__ import annotations

import math

#: Pixels between two group nodes in the row under the graph, and from the graph to that row.
GROUP_SPACING = 230.0
GROUP_MARGIN = 140.0
_CELL_H = 56.0


def group_rows(classes: list[str], members: dict[str, list[int]], positions: dict[int, tuple[int, int]],
               widths: dict[int, float]) -> tuple[list[dict], dict[int, tuple[int, int, int, int]]]:
    """Where each class's group goes and where its members open.

    ``members`` maps a class to its grouped node ids, best-connected first; ``positions`` are
    the drawn nodes' positions. Returns one ``{"cls", "count", "x", "y"}`` per class with members
    (in ``classes`` order), and node id -> ``(x, y, dx, dy)``: its position when its group opens
    where the page put it, and its offset from the group node.
    """
    present = [c for c in classes if members.get(c)]
    if not present:
        return [], {}
    xs = [p[0] for p in positions.values()] or [0]
    ys = [p[1] for p in positions.values()] or [0]
    centre = (min(xs) + max(xs)) / 2
    y = max(ys) + GROUP_MARGIN
    groups, placed = [], {}
    for k, cls in enumerate(present):
        x = centre + (k - (len(present) - 1) / 2) * GROUP_SPACING
        groups.append({"cls": cls, "count": len(members[cls]), "x": int(round(x)), "y": int(round(y))})
        for node, (dx, dy) in zip(members[cls], grid_offsets([widths[i] for i in members[cls]])):
            placed[node] = (int(round(x + dx)), int(round(y + dy)), dx, dy)
    return groups, placed


def grid_offsets(widths: list[float]) -> list[tuple[int, int]]:
    """Offsets from a group node of its members, in rows under it about as wide as they are tall."""
    if not widths:
        return []
    cell_w = min(max(widths), 260.0) + 24.0
    cols = max(1, math.ceil(math.sqrt(len(widths) * _CELL_H / cell_w)))
    return [(int(round((i % cols - (cols - 1) / 2) * cell_w)), int(round(80 + (i // cols) * _CELL_H)))
            for i in range(len(widths))]
