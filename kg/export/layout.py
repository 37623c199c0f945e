"""Node positions for the graph page, computed here once so the browser does no physics.

The overview (a few hundred nodes) gets a seeded force layout, each of its connected
parts on its own, packed in rows, most important first. Every other node is put on
rings around a node placed before it, in waves, on the first free spot: first around its
most important neighbour by a relation, else, for a node no relation links, around the
most important node its articles also mention. Parts of the graph that reach no overview
node are laid out the same way around their own most important node and packed in rows
below. Nodes are indices, most important first; the same graph gives the same positions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

import networkx as nx

SEED = 42
SPACING = 34  # pixels between neighbours on a ring
GAP = 80  # pixels between packed parts
CELL = SPACING / 3  # a spot is free when no node stands in its grid cell or the eight around it


class _Plane:
    """Positions, and which cells of a grid they fill, to find free spots quickly."""

    def __init__(self) -> None:
        self.pos: dict[int, tuple[float, float]] = {}
        self._cells: set[tuple[int, int]] = set()

    def put(self, node: int, x: float, y: float) -> None:
        self.pos[node] = (x, y)
        self._cells.add((math.floor(x / CELL), math.floor(y / CELL)))

    def free(self, x: float, y: float) -> bool:
        cx, cy = math.floor(x / CELL), math.floor(y / CELL)
        return not any((cx + dx, cy + dy) in self._cells for dx in (-1, 0, 1) for dy in (-1, 0, 1))

    def bottom(self) -> float:
        """Where the next rows of packed parts start."""
        return max((y for _, y in self.pos.values()), default=-GAP) + 2 * GAP


def layout(graph: nx.Graph, overview: list[int], articles: list[list[int]],
           speakers: list[int]) -> tuple[dict[int, tuple[int, int]], list[tuple[int, int]]]:
    """Positions of every node of ``graph``, and of each quote around its speaker.

    Args:
        graph: the relations between nodes, which are the integers 0..n-1, most important first.
        overview: the nodes the page opens with.
        articles: for each node, the articles that mention it.
        speakers: the speaker of each quote to place (none: no quote positions).

    >>> g = nx.path_graph(4)
    >>> positions, _ = layout(g, [0, 1], [[], [], [], []], [])
    >>> sorted(positions) == [0, 1, 2, 3] and positions == layout(g, [0, 1], [[]] * 4, [])[0]
    True
    """
    plane = _Plane()
    core = graph.subgraph(overview)
    _pack(plane, [core.subgraph(part) for part in sorted(nx.connected_components(core), key=min)], 0.0, _force)
    _grow(plane, graph)
    # Parts no overview node reaches, most important first, packed below.
    rest = graph.subgraph(n for n in graph if n not in plane.pos and graph.degree(n))
    _pack(plane, [rest.subgraph(part) for part in sorted(nx.connected_components(rest), key=min)],
          plane.bottom(), _tree)
    # Nodes no relation links: around the most important node their articles mention, else below.
    anchors = _anchors(articles, plane.pos)
    children = defaultdict(list)
    for n in graph:
        if n not in plane.pos and n in anchors:
            children[anchors[n]].append(n)
    for parent, around in sorted(children.items()):
        _ring(plane, parent, around)
    _pack(plane, [graph.subgraph([n]) for n in graph if n not in plane.pos], plane.bottom(), _tree)
    # Quotes (keyed -1, -2, …) around their speakers, in the spots still free.
    said = defaultdict(list)
    for i, speaker in enumerate(speakers):
        said[speaker].append(-1 - i)
    for speaker, quotes in sorted(said.items()):
        _ring(plane, speaker, quotes)
    rounded = {n: (round(x), round(y)) for n, (x, y) in plane.pos.items()}
    return ({n: p for n, p in rounded.items() if n >= 0},
            [rounded[-1 - i] for i in range(len(speakers))])


def _force(part: nx.Graph) -> _Plane:
    """A seeded force layout (Fruchterman-Reingold) of a connected part, scaled to its size."""
    if len(part) <= 3:  # a pair or a path of three lies flat, not at a random slant
        return _tree(part)
    raw = nx.spring_layout(part, seed=SEED, iterations=200)
    scaled = nx.rescale_layout_dict({n: raw[n] for n in sorted(part)}, scale=SPACING * 2 * math.sqrt(len(part)))
    plane = _Plane()
    for n, (x, y) in scaled.items():
        plane.put(n, float(x), float(y))
    return plane


def _tree(part: nx.Graph) -> _Plane:
    """A connected part on rings around its most important node."""
    plane = _Plane()
    plane.put(min(part), 0.0, 0.0)
    _grow(plane, part)
    return plane


def _grow(plane: _Plane, graph: nx.Graph) -> None:
    """Place, wave by wave, every node linked to a placed one, around its most important placed neighbour."""
    frontier = sorted({m for n in plane.pos for m in graph[n] if m not in plane.pos})
    while frontier:
        children = defaultdict(list)
        for n in frontier:
            children[min(m for m in graph[n] if m in plane.pos)].append(n)
        for parent, around in sorted(children.items()):
            _ring(plane, parent, around)
        frontier = sorted({m for n in frontier for m in graph[n] if m not in plane.pos})


def _pack(plane: _Plane, parts: list[nx.Graph], top: float, local: Callable[[nx.Graph], _Plane]) -> None:
    """Lay out each part with ``local`` and pack the parts in rows from ``top`` down, in the
    given order, the rows about as wide as the screen is wide for the space they need."""
    if not parts:
        return
    shapes = [local(part).pos for part in parts]
    boxes = [(min(x for x, _ in p.values()), min(y for _, y in p.values()),
              max(x for x, _ in p.values()), max(y for _, y in p.values())) for p in shapes]
    area = sum((x1 - x0 + GAP) * (y1 - y0 + GAP) for x0, y0, x1, y1 in boxes)
    xs = [x for x, _ in plane.pos.values()]
    left = min(xs) if xs else 0.0
    width = max(math.sqrt(area * 1.6), max(x1 - x0 for x0, _, x1, _ in boxes), max(xs) - left if xs else 0.0)
    x, y, row = left, top, 0.0
    for shape, (x0, y0, x1, y1) in zip(shapes, boxes):
        if x > left and x + (x1 - x0) > left + width:
            x, y, row = left, y + row + GAP, 0.0
        for n, (px, py) in shape.items():
            plane.put(n, x + px - x0, y + py - y0)
        x += x1 - x0 + GAP
        row = max(row, y1 - y0)


def _anchors(articles: list[list[int]], pos: dict[int, tuple[float, float]]) -> dict[int, int]:
    """For each node not placed, the most important placed node one of its articles mentions."""
    best: dict[int, int] = {}  # article -> most important placed node it mentions
    for n in sorted(pos):
        for a in articles[n]:
            best.setdefault(a, n)
    anchors = {}
    for n, mentioned in enumerate(articles):
        if n not in pos and (choices := [best[a] for a in mentioned if a in best]):
            anchors[n] = min(choices)
    return anchors


def _ring(plane: _Plane, parent: int, around: list[int]) -> None:
    """Put ``around`` on the free spots of rings centred on ``parent``, the first ring
    2 * SPACING out, each next one SPACING further, with spots SPACING apart."""
    px, py = plane.pos[parent]
    radius, turn, placed = 2.0 * SPACING, 0.0, 0
    while placed < len(around):
        spots = max(6, int(2 * math.pi * radius / SPACING))
        for k in range(spots):
            angle = 2 * math.pi * (k + turn) / spots
            x, y = px + radius * math.cos(angle), py + radius * math.sin(angle)
            if placed < len(around) and plane.free(x, y):
                plane.put(around[placed], x, y)
                placed += 1
        radius += SPACING
        turn = 0.5 - turn  # stagger the rings, so a node falls between two of the last ring's
