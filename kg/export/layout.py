"""Node positions for the graph page, computed here once so the browser does no physics.

The overview (a few hundred nodes) gets a seeded force layout, each of its connected
parts on its own, packed in rows, most important first. Every other node is put on
rings around a node placed before it, in waves: first its most important neighbour by
a relation, else, for a node no relation links, the most important node its articles
also mention. Parts of the graph that reach no overview node are laid out the same way
around their own most important node and packed in rows below. Nodes are indices, most
important first; the same graph gives the same positions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

import networkx as nx

SEED = 42
SPACING = 34  # pixels between neighbours on a ring
GAP = 80  # pixels between packed parts


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
    pos: dict[int, tuple[float, float]] = {}
    core = graph.subgraph(overview)
    _pack([core.subgraph(part) for part in sorted(nx.connected_components(core), key=min)], pos, 0.0, _force)
    _grow(graph, pos)
    # Parts no overview node reaches, most important first, packed below.
    rest = graph.subgraph(n for n in graph if n not in pos and graph.degree(n))
    _pack([rest.subgraph(part) for part in sorted(nx.connected_components(rest), key=min)], pos, _below(pos), _tree)
    # Nodes no relation links: around the most important node their articles mention.
    anchors = _anchors(articles, pos)
    loose = [n for n in graph if n not in pos]
    children = defaultdict(list)
    for n in loose:
        if n in anchors:
            children[anchors[n]].append(n)
    for parent, around in sorted(children.items()):
        _ring(pos, parent, around, inner=_radius(graph, parent, pos))
    _pack([graph.subgraph([n]) for n in loose if n not in pos], pos, _below(pos), _tree)
    by_speaker = defaultdict(list)
    for i, speaker in enumerate(speakers):
        by_speaker[speaker].append(i)
    quote_pos: dict[int, tuple[float, float]] = {}
    for speaker, said in sorted(by_speaker.items()):
        ring: dict[int, tuple[float, float]] = {speaker: pos[speaker]}
        _ring(ring, speaker, [-1 - i for i in said], inner=SPACING * 1.5)
        quote_pos.update({k: p for k, p in ring.items() if k < 0})
    quotes = [quote_pos[-1 - i] for i in range(len(speakers))]
    return ({n: (round(x), round(y)) for n, (x, y) in pos.items()},
            [(round(x), round(y)) for x, y in quotes])


def _force(part: nx.Graph) -> dict[int, tuple[float, float]]:
    """A seeded force layout (Fruchterman-Reingold) of a connected part, scaled to its number of nodes."""
    if len(part) <= 3:  # a pair or a path of three lies flat, not at a random slant
        return _tree(part)
    raw = nx.spring_layout(part, seed=SEED, iterations=200)
    scaled = nx.rescale_layout_dict({n: raw[n] for n in sorted(part)}, scale=SPACING * 2 * math.sqrt(len(part)))
    return {n: (float(x), float(y)) for n, (x, y) in scaled.items()}


def _tree(part: nx.Graph) -> dict[int, tuple[float, float]]:
    """A connected part on rings around its most important node."""
    local = {min(part): (0.0, 0.0)}
    _grow(part, local)
    return local


def _grow(graph: nx.Graph, pos: dict[int, tuple[float, float]]) -> None:
    """Place, wave by wave, every node linked to a placed one, around its most important placed neighbour."""
    frontier = sorted({m for n in pos for m in graph[n] if m not in pos})
    while frontier:
        children = defaultdict(list)
        for n in frontier:
            children[min(m for m in graph[n] if m in pos)].append(n)
        for parent, around in sorted(children.items()):
            _ring(pos, parent, around)
        frontier = sorted({m for n in frontier for m in graph[n] if m not in pos})


def _pack(parts: list[nx.Graph], pos: dict[int, tuple[float, float]], top: float,
          local: Callable[[nx.Graph], dict[int, tuple[float, float]]]) -> None:
    """Lay out each part with ``local`` and pack the parts in rows from ``top`` down, in the
    given order, the rows about as wide as the screen is wide for the space they need."""
    if not parts:
        return
    shapes = [local(part) for part in parts]
    boxes = [(min(x for x, _ in p.values()), min(y for _, y in p.values()),
              max(x for x, _ in p.values()), max(y for _, y in p.values())) for p in shapes]
    area = sum((x1 - x0 + GAP) * (y1 - y0 + GAP) for x0, y0, x1, y1 in boxes)
    xs = [x for x, _ in pos.values()]
    left = min(xs) if xs else 0.0
    width = max(math.sqrt(area * 1.6), max(x1 - x0 for x0, _, x1, _ in boxes), max(xs) - left if xs else 0.0)
    x, y, row = left, top, 0.0
    for shape, (x0, y0, x1, y1) in zip(shapes, boxes):
        if x > left and x + (x1 - x0) > left + width:
            x, y, row = left, y + row + GAP, 0.0
        for n, (px, py) in shape.items():
            pos[n] = (x + px - x0, y + py - y0)
        x += x1 - x0 + GAP
        row = max(row, y1 - y0)


def _below(pos: dict[int, tuple[float, float]]) -> float:
    return max((y for _, y in pos.values()), default=-GAP) + 2 * GAP


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


def _radius(graph: nx.Graph, parent: int, pos: dict[int, tuple[float, float]]) -> float:
    """How far out from ``parent`` its relation neighbours' rings already reach."""
    px, py = pos[parent]
    around = [math.dist(pos[m], (px, py)) for m in graph[parent] if m in pos]
    return max(around, default=0.0) + SPACING


def _ring(pos: dict[int, tuple[float, float]], parent: int, around: list[int], inner: float = SPACING * 2) -> None:
    """Put ``around`` on rings centred on ``parent``: the first at ``inner``, each next one
    SPACING further out and holding as many nodes as fit at SPACING apart."""
    px, py = pos[parent]
    radius, i, turn = inner, 0, 0.0
    while i < len(around):
        ring = around[i:i + max(6, int(2 * math.pi * radius / SPACING))]
        for k, n in enumerate(ring):
            angle = 2 * math.pi * (k + turn) / len(ring)
            pos[n] = (px + radius * math.cos(angle), py + radius * math.sin(angle))
        i += len(ring)
        radius += SPACING
        turn = 0.5 - turn  # stagger the rings, so a node falls between two of the last ring's
