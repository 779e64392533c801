"""``kg stats``: counts, central entities, components, communities and mentions of a graph."""
from __future__ import annotations

import json
import re
from pathlib import Path

import click

from kg.cli.export import filter_options, graph_source, store_option

_NUMBER = re.compile(r"[0-9][0-9.]*")


@click.command()
@click.argument("graphs", nargs=-1, type=click.Path(path_type=Path), metavar="[GRAPH]...")
@store_option
@click.option("--format", "fmt", default="text", show_default=True, metavar="text|json",
              help="A readable report, or every figure as JSON.")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True,
              help="How many entities, components and communities to list.")
@click.option("--betweenness", type=click.IntRange(1), metavar="K",
              help="Also rank by betweenness, approximated from K sampled sources.")
@click.option("--seed", type=int, default=42, show_default=True,
              help="Seed of the Louvain communities and the betweenness samples.")
@click.option("--communities/--no-communities", default=True, show_default=True,
              help="Louvain communities (the slowest step on big graphs).")
@filter_options
def stats(graphs, store_spec, fmt, top, betweenness, seed, communities, relations, classes):
    """Network statistics of GRAPH files or a --store.

    Entities per class and relations per property; the top entities by degree and by PageRank
    (and by sampled betweenness with --betweenness K); connected components; Louvain
    communities (seeded, so the same graph gives the same report); mentions per document.
    Direction is ignored for centrality, components and communities.

    \b
    Examples:
      kg stats corpus.trig
      kg stats corpus.trig --format json --top 20 > stats.json
      kg stats --store oxigraph:corpus.db --betweenness 500
      kg stats corpus.trig --class Organization --relation cooperatesWith
    """
    from kg.errors import OutputError
    from kg.network import network_stats, to_networkx

    if fmt not in ("text", "json"):
        raise OutputError(f"unknown format {fmt!r}", hint="use text or json")
    net = to_networkx(graph_source(graphs, store_spec), relations=relations or None,
                      classes=classes or None)
    figures = network_stats(net, top=top, seed=seed, betweenness=betweenness,
                            communities=communities)
    if fmt == "json":
        click.echo(json.dumps(figures, ensure_ascii=False, indent=1))
    else:
        click.echo(format_text(figures, net.graph.get("labels", {}), top, seed))


def _table(rows: list[list], indent: str = "  ") -> list[str]:
    """Rows as aligned columns (CJK characters are two columns wide); numbers go right."""
    from kg.query import display_width

    cells = [[str(c) for c in row] for row in rows]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(cells[0]))] if cells else []
    lines = []
    for row, raw in zip(cells, rows):
        parts = []
        for text, width, value in zip(row, widths, raw):
            pad = " " * (width - display_width(text))
            numeric = isinstance(value, (int, float)) or _NUMBER.fullmatch(text)
            parts.append(pad + text if numeric else text + pad)
        lines.append(indent + "  ".join(parts).rstrip())
    return lines


def _num(value) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and value > 1 else f"{value:.4f}"
    return str(value)


def format_text(f: dict, labels: dict[str, str], top: int, seed: int) -> str:
    """The report ``kg stats`` prints."""
    out = [f"{f['entities']} entities, {f['relations']} relations, {f['documents']} documents", ""]
    out += ["Entities per class:"] + _table([[c, labels.get(c, ""), n] for c, n in f["classes"].items()])
    out += ["", "Relations per property:"]
    out += _table([[p, labels.get(p, ""), n] for p, n in f["relation_counts"].items()]) or ["  (none)"]
    for key, title in (("top_degree", "degree"), ("top_pagerank", "PageRank"),
                       ("top_betweenness", "betweenness (sampled)")):
        if key in f:
            score = key.split("_", 1)[1]
            out += ["", f"Top {min(top, len(f[key]))} entities by {title}:"]
            out += _table([[i, e["label"], e["class"] or "", _num(e[score])]
                           for i, e in enumerate(f[key], 1)])
    comp = f["components"]
    out += ["", f"Connected components: {comp['count']} ({comp['isolated']} isolated entities); "
                f"largest: {', '.join(map(str, comp['largest']))}"]
    com = f.get("communities")
    if com is not None:
        out += ["", f"Communities (Louvain, seed {seed}, entities with a relation): {com['count']}, "
                    f"modularity {com['modularity']}"]
        out += _table([[i, c["size"], "、".join(c["hubs"])] for i, c in enumerate(com["largest"], 1)])
    m = f["mentions"]
    out += ["", f"Mentions: {m['total']} in {f['documents']} documents "
                f"(median {_num(m['median'])}, max {m['max']} per document)"]
    out += _table([[d["id"], d["mentions"], d["entities"], d["title"] or ""]
                   for d in m["per_document"][:top]])
    return "\n".join(out)
