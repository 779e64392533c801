"""Deterministic node positions, computed in Python so the browser does not have to.

A Fruchterman-Reingold force layout per connected component (numpy; exact repulsion for small
components, a grid approximation of far repulsion plus exact near repulsion for large ones), then
the components are packed in rows, biggest first. networkx's own ``spring_layout`` takes about 6 s
for 1,000 nodes and about 60 s for 5,000 here; this takes well under a second for 1,000.
The same input and seed always give the same integer coordinates.
"""
from __future__ import annotations

import math

#: Pixels per unit of ideal edge length in the page.
SCALE = 80.0
_EXACT_LIMIT = 300


def spring_positions(n: int, edges: list[tuple[int, int]], *, seed: int = 42,
                     iterations: int | None = None,
                     widths: list[float] | None = None,
                     comps: list[list[int]] | None = None) -> list[tuple[int, int]]:
    """Positions (integer pixels) for nodes ``0..n-1`` joined by undirected ``edges``.

    ``widths`` (pixels, e.g. of each label) keeps packed components and lone nodes apart;
    ``comps`` are the connected components if the caller has them (see :func:`components`).
    """
    if n == 0:
        return []
    import numpy as np

    comps = comps if comps is not None else _components(n, edges)
    placed = []
    where = {v: (k, i) for k, comp in enumerate(comps) for i, v in enumerate(comp)}
    by_comp: list[list[tuple[int, int]]] = [[] for _ in comps]
    for a, b in edges:  # one pass over the edges, not one per component
        (ka, ia), (kb, ib) = where[a], where[b]
        if ka == kb and a != b:
            by_comp[ka].append((ia, ib))
    for comp, sub in zip(comps, by_comp):
        pos = _layout_component(len(comp), sub, seed, iterations)
        pad = max((widths[v] for v in comp), default=0.0) / SCALE if widths else 0.0
        placed.append((comp, pos - pos.min(axis=0), pad))
    coords = np.zeros((n, 2))
    for comp, pos in _pack(placed):
        coords[comp] = pos
    coords -= coords.mean(axis=0)
    return [(int(round(x * SCALE)), int(round(y * SCALE))) for x, y in coords]


def components(simple) -> list[list[int]]:
    """Connected components of a networkx graph on nodes ``0..n-1``: members in order,
    biggest first, ties by smallest member."""
    import networkx as nx

    return sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))


def _components(n: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    import networkx as nx

    simple = nx.Graph()
    simple.add_nodes_from(range(n))
    simple.add_edges_from(edges)
    return components(simple)


def _layout_component(n: int, edges: list[tuple[int, int]], seed: int, iterations: int | None):
    import numpy as np

    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[0.0, 0.0], [1.2, 0.0]])
    rng = np.random.default_rng(seed + n)
    side = math.sqrt(n)
    pos = rng.random((n, 2)) * side
    e = np.array(sorted(set((min(a, b), max(a, b)) for a, b in edges)), dtype=np.int64)
    iters = iterations or (120 if n <= 300 else 80 if n <= 2000 else 60)
    temp = 0.12 * side
    cool = temp / (iters + 1)
    for _ in range(iters):
        disp = _repulsion_exact(pos) if n <= _EXACT_LIMIT else _repulsion_grid(pos)
        if len(e):
            delta = pos[e[:, 0]] - pos[e[:, 1]]
            dist = np.sqrt((delta ** 2).sum(axis=1))[:, None]
            pull = delta * dist  # attraction d^2/k along the edge, k = 1
            for col in (0, 1):
                disp[:, col] -= np.bincount(e[:, 0], pull[:, col], minlength=n)
                disp[:, col] += np.bincount(e[:, 1], pull[:, col], minlength=n)
        length = np.sqrt((disp ** 2).sum(axis=1))
        length[length < 1e-9] = 1e-9
        pos += disp * (np.minimum(length, temp) / length)[:, None]
        temp -= cool
    return pos


def _repulsion_exact(pos):
    import numpy as np

    delta = pos[:, None, :] - pos[None, :, :]
    dist2 = (delta ** 2).sum(axis=2)
    np.maximum(dist2, 1e-4, out=dist2)
    return (delta / dist2[:, :, None]).sum(axis=1)  # k^2 / d along the unit vector


def _repulsion_grid(pos):
    """Barnes-Hut-like approximation on a grid of cells about two ideal edge lengths wide.

    Pairs in the same or adjacent cells repel exactly; every other pair is approximated by the
    force between cell centroids (weighted by count), applied to each node of the cell. Each pair
    is counted once, either way, so the cost is O(pairs nearby + cells^2) instead of O(n^2).
    """
    import numpy as np
    from scipy.spatial import cKDTree

    n = len(pos)
    lo = pos.min(axis=0)
    size = max(2.0, float((pos.max(axis=0) - lo).max()) / 60)
    cells = np.floor((pos - lo) / size).astype(np.int64)
    disp = np.zeros_like(pos)
    pairs = cKDTree(pos).query_pairs(size * 2.9, output_type="ndarray")
    if len(pairs):
        pairs = pairs[np.abs(cells[pairs[:, 0]] - cells[pairs[:, 1]]).max(axis=1) <= 1]
        delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
        push = delta / np.maximum((delta ** 2).sum(axis=1), 1e-4)[:, None]
        for col in (0, 1):
            disp[:, col] += np.bincount(pairs[:, 0], push[:, col], minlength=n)
            disp[:, col] -= np.bincount(pairs[:, 1], push[:, col], minlength=n)
    width = int(cells[:, 1].max()) + 1
    uniq, inv = np.unique(cells[:, 0] * width + cells[:, 1], return_inverse=True)
    mass = np.bincount(inv, minlength=len(uniq)).astype(float)
    cent = np.stack([np.bincount(inv, pos[:, c], minlength=len(uniq)) for c in (0, 1)], 1)
    cent /= mass[:, None]
    cx, cy = uniq // width, uniq % width
    far = (np.abs(cx[:, None] - cx[None, :]) > 1) | (np.abs(cy[:, None] - cy[None, :]) > 1)
    dx = cent[:, 0, None] - cent[None, :, 0]
    dy = cent[:, 1, None] - cent[None, :, 1]
    w = np.where(far, mass[None, :] / np.maximum(dx * dx + dy * dy, 1e-4), 0.0)
    disp[:, 0] += (w * dx).sum(axis=1)[inv]
    disp[:, 1] += (w * dy).sum(axis=1)[inv]
    return disp


def _pack(placed):
    """Shelf-pack laid-out components (each with min corner at 0) into rows about as wide as tall.

    Single nodes are small, so they get a tighter grid than the connected components.
    """
    import numpy as np

    def box(p, pad):
        margin = 1.0 if len(p) == 1 else 1.6
        return p[:, 0].max() + max(margin, pad + 0.3), p[:, 1].max() + margin

    total = sum(w * h for w, h in (box(p, pad) for _, p, pad in placed))
    width = max(math.sqrt(total) * 1.15, max(box(p, pad)[0] for _, p, pad in placed))
    x = y = row_h = 0.0
    for comp, p, pad in placed:
        w, h = box(p, pad)
        if x > 0 and x + w > width:
            x, y, row_h = 0.0, y + row_h, 0.0
        yield comp, p + np.array([x + max(0.0, pad - 1.0) / 2, y])
        x += w
        row_h = max(row_h, h)


def separate_labels(pos: list[tuple[int, int]], widths: list[float], heights: list[float], *,
                    gap: float = 6.0, rounds: int = 60) -> list[tuple[int, int]]:
    """Move nodes apart until no two footprints (node and label: ``widths[i]`` x ``heights[i]``
    pixels around ``pos[i]``) overlap, or after ``rounds`` rounds.

    Each overlapping pair is pushed apart, half each, along the axis where it overlaps least
    (mostly vertically: labels are wide); the same input always gives the same output.
    """
    n = len(pos)
    if n < 2:
        return list(pos)
    import numpy as np
    from scipy.spatial import cKDTree

    xy = np.array(pos, dtype=float)
    half = np.stack([np.asarray(widths, float), np.asarray(heights, float)], 1) / 2 + gap / 2
    reach = float(2 * half.max())
    for _ in range(rounds):
        pairs = cKDTree(xy).query_pairs(reach, output_type="ndarray")
        if not len(pairs):
            break
        a, b = pairs[:, 0], pairs[:, 1]
        delta = xy[b] - xy[a]
        over = half[a] + half[b] - np.abs(delta)
        hit = (over > 0).all(axis=1)
        if not hit.any():
            break
        a, b, delta, over = a[hit], b[hit], delta[hit], over[hit]
        axis = np.argmin(over, axis=1)  # the cheaper way out
        sign = np.where(np.take_along_axis(delta, axis[:, None], 1)[:, 0] >= 0, 1.0, -1.0)
        step = np.zeros_like(delta)
        step[np.arange(len(a)), axis] = sign * (np.take_along_axis(over, axis[:, None], 1)[:, 0] / 2 + 0.5)
        move = np.zeros_like(xy)
        for col in (0, 1):
            move[:, col] -= np.bincount(a, step[:, col], minlength=n)
            move[:, col] += np.bincount(b, step[:, col], minlength=n)
        xy += move
    return [(int(round(x)), int(round(y))) for x, y in xy]
