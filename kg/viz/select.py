"""Parts of an entity graph to draw: one entity by name, a neighbourhood, the best connected."""
from __future__ import annotations

from kg.errors import InputError
from kg.viz.model import EntityGraph

def find_entity(graph: EntityGraph, key: str) -> str:
    """Resolve ``key`` (an IRI, a label or an alias) to one entity IRI, or raise InputError."""
    if key in graph.nodes:
        return key
    deg = graph.degrees()
    for match in (lambda n: key == n.label or key in n.aliases or key == n.english,
                  lambda n: key.casefold() in {a.casefold() for a in
                                               [n.label, *n.aliases, n.english or ""]}):
        hits = [n.iri for n in graph.nodes.values() if match(n)]
        if hits:
            return min(hits, key=lambda i: (-deg[i], i))  # the best-connected one
    raise InputError(f"--focus: no entity named {key!r} in the graph",
                     hint="give an entity IRI, its Chinese name or an alias")


def subgraph(graph: EntityGraph, keep: set[str]) -> EntityGraph:
    """The graph restricted to the nodes in ``keep``."""
    nodes = {i: n for i, n in graph.nodes.items() if i in keep}
    edges = [e for e in graph.edges if e.source in keep and e.target in keep]
    return EntityGraph(nodes, edges, graph.labels, graph.articles)


def neighbourhood(graph: EntityGraph, centre: str, depth: int) -> set[str]:
    """Nodes within ``depth`` hops of ``centre``, direction ignored."""
    import networkx as nx

    return set(nx.single_source_shortest_path_length(graph.simple(), centre, cutoff=max(depth, 0)))


def most_connected(graph: EntityGraph, max_nodes: int, pinned: str | None = None) -> set[str]:
    """The ``max_nodes`` best-connected nodes (ties by IRI); ``pinned`` is always kept."""
    deg = graph.degrees()
    ranked = sorted(graph.nodes, key=lambda i: (i != pinned, -deg[i], i))
    return set(ranked[:max_nodes])
