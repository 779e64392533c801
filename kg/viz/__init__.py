"""Interactive, self-contained HTML pages for zhkg graphs (``kg viz``).

:func:`render_html` reads a graph (files, an rdflib graph or a pyoxigraph store), keeps the
entities and their relations (:mod:`kg.viz.model`), lays them out in Python
(:mod:`kg.viz.layout`), lets pyvis hold the node and edge lists and the vis-network options, and
fills this package's own template. vis-network's script and stylesheet are inlined from pyvis's
bundled copy, so the page makes no network request and works from ``file://``. The same input
always gives the same bytes.
"""
from __future__ import annotations

import html
import json
import math
import os
import re
import tempfile
from importlib import resources
from pathlib import Path

from kg.errors import OutputError
from kg.ontology import PREFIXES
from kg.viz.articles import ARTICLE_CLASS, ARTICLE_STYLE, LINKS, article_label, article_links
from kg.viz.groups import group_rows
from kg.viz.layout import components, separate_labels, spring_positions
from kg.viz.model import EntityGraph, extract
from kg.viz.select import find_entity, most_connected, neighbourhood, subgraph
from kg.viz.sources import open_store

__all__ = ["CLASS_STYLE", "render", "render_html", "write_html"]

#: class -> (colour, vis shape); families share a shape, members differ in colour.
CLASS_STYLE: dict[str, tuple[str, str]] = {
    "Organization": ("#6b7f99", "dot"), "Company": ("#2f6fb0", "dot"),
    "FinancialInstitution": ("#c0392b", "dot"), "GovernmentAgency": ("#8e44ad", "dot"),
    "ResearchInstitute": ("#16a085", "dot"), "OrganizationUnit": ("#5dade2", "dot"),
    "Person": ("#e67e22", "diamond"), "Product": ("#7f8c3a", "square"),
    "FinancialProduct": ("#d4a017", "square"), "Platform": ("#27ae60", "square"),
    "ProductSeries": ("#a3b815", "square"), "Technology": ("#e84393", "triangle"),
    "Publication": ("#795548", "triangleDown"), "Place": ("#00838f", "hexagon"),
}
_DEFAULT_STYLE = ("#95a5a6", "dot")
_FONT = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif'
_PLACEHOLDER = re.compile(r"/\*\{\{([A-Z_]+)\}\}\*/|\{\{(TITLE|DATA)\}\}")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}


def render_html(source, *, title: str | None = None, query: str | None = None,
                focus: str | None = None, depth: int = 1, max_nodes: int = 1500,
                cut: bool = False) -> str:
    """Render ``source`` (rdflib graph, pyoxigraph Store or list of paths) as one HTML page.

    ``query`` is a SPARQL CONSTRUCT whose entities and relations are drawn (the contract
    prefixes are declared for it); ``focus`` (an IRI, name or alias) with ``depth`` draws one
    entity's neighbourhood. Above ``max_nodes`` the best-connected entities are drawn and the
    others wait in one group node per class that opens on click (:mod:`kg.viz.groups`); with
    ``cut`` they are left out instead and the page says how many.
    """
    return render(source, title=title, query=query, focus=focus, depth=depth,
                  max_nodes=max_nodes, cut=cut)[0]


def render(source, *, title=None, query=None, focus=None, depth=1, max_nodes=1500, cut=False):
    """Like :func:`render_html`, returning ``(html, counts)``.

    ``counts`` has the ``nodes`` and ``edges`` in the page, how many of those nodes are
    ``grouped`` (beyond ``max_nodes``, in their class's group), the ``scopeNodes``/``scopeEdges``
    after ``query`` and ``focus`` but before ``max_nodes``, and the input's
    ``totalNodes``/``totalEdges``.
    """
    if query is not None:
        query = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items())) + query
    graph = extract(open_store(source), query=query)
    total_nodes, total_edges = len(graph.nodes), len(graph.edges)
    centre = None
    if focus is not None:
        centre = find_entity(graph, focus)
        graph = subgraph(graph, neighbourhood(graph, centre, depth))
    scope_nodes, scope_edges = len(graph.nodes), len(graph.edges)
    omitted, grouped = None, set()
    if max_nodes and len(graph.nodes) > max_nodes:
        drawn_iris = most_connected(graph, max_nodes, centre)
        if cut:
            kept = subgraph(graph, drawn_iris)
            omitted = _omitted(graph, kept)
            graph = kept
        else:
            grouped = set(graph.nodes) - drawn_iris
    payload = _payload(graph, title or "zhkg 知识图谱", omitted, centre, grouped)
    payload["totals"] = {"totalNodes": total_nodes, "totalEdges": total_edges,
                         "scopeNodes": scope_nodes, "scopeEdges": scope_edges}
    drawn = {**payload["totals"], "nodes": len(graph.nodes), "edges": len(graph.edges),
             "grouped": len(grouped)}
    return _fill_template(payload), drawn


def write_html(text: str, output: str | Path, *, force: bool = False) -> Path:
    """Write ``text`` to ``output`` atomically (temp file + rename); overwrite only if forced."""
    output = Path(output)
    if output.exists() and not force:
        raise OutputError(f"{output} exists", hint="use --force to overwrite")
    if not output.parent.is_dir():
        raise OutputError(f"{output.parent}: no such directory")
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; give it normal permissions
        os.replace(tmp, output)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None
    return output


def _omitted(full: EntityGraph, kept: EntityGraph) -> dict:
    by_class: dict[str, int] = {}
    for iri, node in full.nodes.items():
        if iri not in kept.nodes:
            by_class[node.cls or "?"] = by_class.get(node.cls or "?", 0) + 1
    return {"nodes": len(full.nodes) - len(kept.nodes), "edges": len(full.edges) - len(kept.edges),
            "byClass": dict(sorted(by_class.items()))}


def _payload(graph: EntityGraph, title: str, omitted: dict | None, centre: str | None,
             grouped: set[str] = frozenset()) -> dict:
    """Everything the page needs, as plain JSON-able data in a deterministic order."""
    from pyvis.network import Network

    iris = sorted(graph.nodes)
    index = {iri: i for i, iri in enumerate(iris)}
    simple = graph.simple()  # the same conversion as kg.to_networkx: degrees and components
    degree = dict(simple.degree())
    links = article_links(graph, set(iris) - set(grouped))
    pos, groups, art_pos = _positions(graph, iris, index, simple, degree, grouped, links)
    net = Network(directed=True)
    net.nodes = [_vis_node(graph.nodes[iri], i, degree[iri], pos[i]) for i, iri in enumerate(iris)]
    for node in net.nodes:
        if len(pos[node["id"]]) == 4:  # grouped: where it opens, relative to its group node
            node["dx"], node["dy"] = pos[node["id"]][2:]
            node["more"] = node["cls"]
    net.edges = [{"id": k, "from": index[e.source], "to": index[e.target], "arrows": "to",
                  "label": graph.labels.get(e.prop, e.prop), "rel": e.prop}
                 for k, e in enumerate(graph.edges)]
    for k, (art, pairs) in enumerate(links):  # not entities or relations: see kg.viz.articles
        node_id = len(iris) + k
        colour, shape = ARTICLE_STYLE
        net.nodes.append({"id": node_id, "label": article_label(art), "x": art_pos[k][0], "y": art_pos[k][1],
                          "shape": shape, "size": 12.0, "cls": ARTICLE_CLASS, "article": True,
                          "color": {"background": colour, "border": "#ffffff",
                                    "highlight": {"background": colour, "border": "#222222"}}})
        net.edges.extend({"id": len(net.edges), "from": node_id, "to": index[ent], "arrows": "to",
                          "label": LINKS[link], "rel": link, "meta": True, "dashes": True}
                         for link, ent in pairs)
    net.options = _vis_options(len(iris))
    nodes, edges, *_rest, options = net.get_network_data()
    info_nodes = [{"iri": n.iri, "cls": n.cls, "aliases": n.aliases, "en": n.english,
                   "wikidata": n.wikidata, "job": n.job_title, "metrics": n.metrics,
                   "penalties": n.penalties, "degree": degree[n.iri]} for n in (graph.nodes[i] for i in iris)]
    info_nodes += [{"iri": art.iri, "cls": ARTICLE_CLASS, "aliases": [], "en": None, "wikidata": None,
                    "job": None, "metrics": [], "penalties": [], "degree": len(pairs), "title": art.title}
                   for art, pairs in links]
    info_edges = [{"evidence": [ev.to_json() for ev in e.evidence]} for e in graph.edges]
    info_edges += [{"evidence": []} for _ in range(len(edges) - len(graph.edges))]
    classes = sorted({n.cls for n in graph.nodes.values() if n.cls}, key=_class_order)
    rels = sorted({e.prop for e in graph.edges})
    meta = sorted({link for _, pairs in links for link, _ in pairs}, key=list(LINKS).index)
    return {
        "title": title, "nodes": nodes, "edges": edges, "options": json.loads(options),
        "info": {"nodes": info_nodes, "edges": info_edges},
        "counts": {"entities": len(iris), "relations": len(graph.edges)},
        "classes": [{"name": c, "zh": graph.labels.get(c, c), "color": _style(c)[0],
                     "shape": _style(c)[1],
                     "count": sum(1 for n in graph.nodes.values() if n.cls == c)} for c in classes]
        + ([{"name": ARTICLE_CLASS, "zh": "文章", "color": ARTICLE_STYLE[0], "shape": ARTICLE_STYLE[1],
             "count": len(links), "meta": True}] if links else []),
        "relations": [{"name": r, "zh": graph.labels.get(r, r),
                       "count": sum(1 for e in graph.edges if e.prop == r)} for r in rels]
        + [{"name": m, "zh": LINKS[m] + "（文章）", "meta": True,
            "count": sum(1 for _, pairs in links for link, _ in pairs if link == m)} for m in meta],
        "omitted": omitted, "focus": index.get(centre) if centre else None,
        "groups": [dict(g, zh=graph.labels.get(g["cls"], g["cls"]), color=_style(g["cls"])[0],
                        shape=_style(g["cls"])[1]) for g in groups],
    }


def _positions(graph, iris, index, simple, degree, grouped, links):
    """Positions of the drawn nodes (a force layout, labels kept apart), of the grouped ones
    (``(x, y, dx, dy)``, :func:`kg.viz.groups.group_rows`), the groups, and the positions of
    the article nodes of ``links`` (laid out with the entities they link)."""
    import networkx as nx

    drawn = [i for i, iri in enumerate(iris) if iri not in grouped]
    local = {v: k for k, v in enumerate(drawn)}
    sub = nx.relabel_nodes(simple.subgraph([iris[i] for i in drawn]), {iris[i]: local[i] for i in drawn})
    edges = [(local[index[e.source]], local[index[e.target]]) for e in graph.edges
             if index[e.source] in local and index[e.target] in local]
    widths = [_label_px(graph.nodes[iris[i]].label) for i in drawn]
    sizes = [_node_size(degree[iris[i]]) for i in drawn]
    for k, (art, pairs) in enumerate(links):  # an article node sits among what it links
        sub.add_edges_from((len(drawn) + k, local[index[ent]]) for _, ent in pairs)
        edges += [(len(drawn) + k, local[index[ent]]) for _, ent in pairs]
        widths.append(_label_px(article_label(art)))
        sizes.append(12.0)
    pos = spring_positions(len(widths), edges, widths=widths, comps=components(sub))
    # labels must not collide (上海浦东发展银行 over 国家金融监督管理总局上海监管局): a node's footprint is
    # its label's width and its dot with the label under it
    pos = separate_labels(pos, [max(w, 2 * sz) for w, sz in zip(widths, sizes)],
                          [2 * sz + _LABEL_H for sz in sizes])
    out = {i: pos[local[i]] for i in drawn}
    members: dict[str, list[int]] = {}
    for i in sorted((index[g] for g in grouped), key=lambda i: (-degree[iris[i]], iris[i])):
        members.setdefault(graph.nodes[iris[i]].cls or "", []).append(i)
    classes = sorted(members, key=_class_order)
    groups, placed = group_rows(classes, members, out,
                                {i: _label_px(graph.nodes[iris[i]].label) for g in members.values() for i in g})
    out.update(placed)
    return [out[i] for i in range(len(iris))], groups, pos[len(drawn):]


_LABEL_H = 18.0  # pixels of a 14 px label line


def _node_size(degree: int) -> float:
    return round(min(10 + 5 * math.sqrt(degree), 42), 1)


def _label_px(label: str) -> float:
    """Rough width of a node label at 14 px: CJK characters are square, others about half."""
    return sum(14.0 if ord(ch) > 0x2E7F else 7.5 for ch in label[:40])


def _class_order(cls: str) -> int:
    order = list(CLASS_STYLE)
    return order.index(cls) if cls in order else len(order)


def _style(cls: str | None) -> tuple[str, str]:
    return CLASS_STYLE.get(cls or "", _DEFAULT_STYLE)


def _vis_node(node, i: int, degree: int, xy: tuple[int, ...]) -> dict:
    colour, shape = _style(node.cls)
    return {"id": i, "label": node.label, "x": xy[0], "y": xy[1], "shape": shape,
            "size": _node_size(degree), "cls": node.cls or "",
            "color": {"background": colour, "border": "#ffffff",
                      "highlight": {"background": colour, "border": "#222222"}}}


def _vis_options(n: int) -> dict:
    big = n > 2000
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "nodes": {"borderWidth": 1.5, "font": {"size": 14, "face": _FONT, "color": "#1d2733",
                                                "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"smooth": False, "width": 1.2, "selectionWidth": 2.5,
                  "color": {"color": "#9aa7b4", "highlight": "#34495e", "hover": "#34495e"},
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
                  "font": {"size": 11, "face": _FONT, "color": "#4a5968", "strokeWidth": 3,
                           "strokeColor": "#ffffff", "align": "middle"}},
        "physics": {"enabled": True, "solver": "barnesHut",
                    "barnesHut": {"gravitationalConstant": -2500, "centralGravity": 0.05,
                                  "springLength": 80, "springConstant": 0.03,
                                  "damping": 0.4, "avoidOverlap": 0.2},
                    # the layout is computed, labels kept apart (layout.separate_labels): a longer
                    # polish here would pull them back over each other
                    "stabilization": {"enabled": True, "fit": True, "updateInterval": 50,
                                      "iterations": 1},
                    "minVelocity": 1.0},
        "interaction": {"hover": not big, "tooltipDelay": 150, "hideEdgesOnDrag": big,
                        "hideEdgesOnZoom": big, "navigationButtons": False, "keyboard": False},
    }


def _json_for_script(data) -> str:
    """JSON that is safe inside ``<script type="application/json">``."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text)


def _asset(name: str) -> str:
    return resources.files("kg.viz").joinpath(name).read_text(encoding="utf-8")


def _vis_asset(name: str) -> str:
    import pyvis

    path = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / name
    return path.read_text(encoding="utf-8")


def _fill_template(payload: dict) -> str:
    parts = {
        "CSS": _asset("template.css"), "VIS_CSS": _vis_asset("vis-network.css"),
        "VIS_JS": _vis_asset("vis-network.min.js"), "GROUPS_JS": _asset("groups.js"),
        "LABELS_JS": _asset("labels.js"), "PANEL_JS": _asset("panel.js"),
        "APP_JS": _asset("template.js"),
        "TITLE": html.escape(payload["title"]), "DATA": _json_for_script(payload),
    }
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1) or m.group(2)], _asset("template.html"))
