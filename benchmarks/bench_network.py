"""``kg.to_networkx``, ``kg stats`` and ``kg export`` on big graphs: seconds per step.

Two kinds of synthetic input, both deterministic:

* ``entities``: a preferential-attachment entity graph (``kg.viz.synthetic.synthetic_ntriples``,
  about 1.25 relations per entity, no provenance), at 10^4 and 10^5 entities;
* ``corpus``: contract-shaped articles with sentences, mentions and evidence statements
  (``bench_query.synthetic_nquads``), at about 10^6 quads: what provenance costs the conversion.

Steps: ``load`` (pyoxigraph bulk load), ``to_networkx``, ``stats`` (counts, degree, PageRank,
components, mentions), ``louvain`` (the communities alone), then each export format in memory.
Results go to ``benchmarks/results/network.json`` and a Markdown table to standard output.

    .venv/bin/python benchmarks/bench_network.py                  # entities 1e4, 1e5; corpus 1e6
    .venv/bin/python benchmarks/bench_network.py --entities 1e4 --corpus 0
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from kg.network import EXPORT_FORMATS, export_bytes, network_stats, to_networkx, undirected  # noqa: E402
from kg.viz.synthetic import synthetic_ntriples  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "network.json"


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, round(time.perf_counter() - started, 2)


def measure(kind: str, size: int) -> dict:
    """Seconds per step for one input."""
    if kind == "entities":
        data, fmt = synthetic_ntriples(size).encode(), ox.RdfFormat.N_TRIPLES
    else:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from bench_query import synthetic_nquads

        data, fmt = synthetic_nquads(size).encode(), ox.RdfFormat.N_QUADS
    store = ox.Store()
    row = {"input": kind, "size": size}
    _, row["load"] = timed(lambda: store.bulk_load(data, format=fmt))
    row["quads"] = len(store)
    net, row["to_networkx"] = timed(lambda: to_networkx(store))
    row["entities"], row["relations"] = net.number_of_nodes(), net.number_of_edges()
    _, row["stats"] = timed(lambda: network_stats(net, communities=False))
    import networkx as nx

    simple = undirected(net)
    linked = simple.subgraph([n for n in simple if simple.degree(n)])
    _, row["louvain"] = timed(lambda: nx.community.louvain_communities(linked, seed=42))
    for name in EXPORT_FORMATS:
        out, row[name] = timed(lambda: export_bytes(net, name))
        row[f"{name} MB"] = round(len(out) / 1e6, 1)
    print(f"{kind} {size:.0e}: {row}", file=sys.stderr, flush=True)
    return row


COLUMNS = ["input", "entities", "relations", "quads", "load", "to_networkx", "stats", "louvain",
           *EXPORT_FORMATS]


def table(rows: list[dict]) -> str:
    head = "| " + " | ".join(COLUMNS) + " |"
    lines = [head, "|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join(f"{r[c]:,}" if isinstance(r[c], int) else str(r[c])
                                       for c in COLUMNS) + " |")
    return "\n".join(lines) + "\n\nseconds per step (wall clock); export sizes in the JSON results"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", default="1e4,1e5", help="entity-graph sizes (entities)")
    parser.add_argument("--corpus", default="1e6", help="corpus sizes (quads); 0 for none")
    args = parser.parse_args(argv)
    rows = [measure("entities", int(float(n))) for n in args.entities.split(",") if float(n)]
    rows += [measure("corpus", int(float(n))) for n in args.corpus.split(",") if float(n)]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": f"{platform.machine()}, Python {platform.python_version()}",
                                   "rows": rows}, indent=1) + "\n", encoding="utf-8")
    print(table(rows))


if __name__ == "__main__":
    main()
