"""``kg viz``: an interactive, self-contained HTML page of a graph."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("graphs", nargs=-1, type=click.Path(path_type=Path), metavar="[GRAPH]...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write.")
@click.option("--store", "store_spec", metavar="oxigraph:DIR",
              help="Read from a persistent Oxigraph store instead of GRAPH files.")
@click.option("--query", "query_arg", metavar="FILE|SPARQL",
              help="Draw only what this CONSTRUCT query returns (a .rq file or the query text).")
@click.option("--focus", metavar="ENTITY",
              help="Draw one entity's neighbourhood (IRI, name or alias).")
@click.option("--depth", type=click.IntRange(0, 20), default=1, show_default=True,
              help="Hops around --focus.")
@click.option("--max-nodes", type=click.IntRange(1), default=1500, show_default=True,
              help="Above this, draw the best-connected entities and put the others in one group "
                   "node per class, opened on click (nothing is left out).")
@click.option("--cut", is_flag=True,
              help="Above --max-nodes, leave the less-connected entities out instead of grouping them.")
@click.option("--title", help="Page title (default: zhkg 知识图谱).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None,
              help="Text inputs: processes to build them in (default: all cores).")
@click.option("--ner-model", type=click.Path(exists=True, dir_okay=False),
              help="Text inputs: a CRF model from `kg train-ner`, combined with the rules.")
@click.option("--base", default=None, help="Text inputs: base IRI for entities and documents.")
@click.option("--strict", is_flag=True, help="Text inputs: stop at the first bad one instead of skipping it.")
def viz(graphs, output, store_spec, query_arg, focus, depth, max_nodes, cut, title, force, workers,
        ner_model, base, strict):
    """Write an interactive HTML page of GRAPH files (ttl, trig, nt, nq, jsonld) or a --store.

    Articles (.txt, .md, .jsonl, folders of them, or - for standard input) are built first,
    as `kg build` would, and drawn with any GRAPH files given beside them.

    The page is one self-contained file (no network access, works from file://): entities
    coloured by class, relations labelled in Chinese, search, filters, and a side panel with
    aliases, Wikidata links, metrics and the evidence sentences behind every relation.

    \b
    Examples:
      kg viz article.ttl -o article.html
      kg viz article.txt -o article.html --force  # built first, as kg build does
      kg viz corpus/*.trig -o corpus.html --focus 工商银行 --depth 2
      kg viz --store oxigraph:corpus.db -o store.html --max-nodes 3000
      kg viz corpus.trig -o top.html --max-nodes 200 --cut  # leave the rest out
      kg viz a.ttl -o dev.html --query 'CONSTRUCT {?o zkg:develops ?p} WHERE {?o zkg:develops ?p}'
    """
    from kg.errors import OutputError
    from kg.rdfio import StoreSpec
    from kg.sparql import read_query
    from kg.viz import render, write_html
    from kg.viz.sources import open_store_dir

    if bool(graphs) == bool(store_spec):
        raise click.UsageError("give GRAPH files or --store, not both and not neither")
    if output.exists() and not force:
        raise OutputError(f"{output} exists", hint="use --force to overwrite")
    source = list(graphs)
    texts = [g for g in graphs if not _is_rdf(g)]
    if texts:
        source = _built(texts, [g for g in graphs if _is_rdf(g)], workers, ner_model, base, strict)
    if store_spec:
        where = StoreSpec.parse(store_spec) if store_spec.startswith("oxigraph:") else None
        if where is None or where.directory is None:
            raise click.BadParameter("use oxigraph:DIR", param_hint="--store")
        source = open_store_dir(str(where.directory))
    query = None if query_arg is None else read_query(query_arg)
    text, counts = render(source, title=title, query=query, focus=focus, depth=depth,
                          max_nodes=max_nodes, cut=cut)
    write_html(text, output, force=force)
    left = counts["scopeNodes"] - counts["nodes"]
    note = f" ({left} less-connected entities left out)" if left else ""
    if counts["grouped"]:
        note = f" ({counts['grouped']} less-connected ones in a group per class, opened on click)"
    click.echo(f"wrote {output}: {counts['nodes']} entities, {counts['edges']} relations{note}",
               err=True)


def _is_rdf(path: Path) -> bool:
    """RDF by extension (what the model reads); anything else is an article to build."""
    from kg.viz.sources import RDF_SUFFIXES

    return path.suffix.lower() in RDF_SUFFIXES and not path.is_dir()


def _built(texts, rdf_files, workers, ner_model, base, strict):
    """A store with the graph of the ``texts`` built by :func:`kg.build`, and the ``rdf_files``."""
    from kg.api import build_documents
    from kg.cli.build import nothing_read, report_inputs
    from kg.ids import DEFAULT_BASE
    from kg.io import read_documents
    from kg.viz.sources import load_file, open_store

    skipped, notes = [], []
    docs = list(read_documents([str(t) for t in texts], strict=strict, skipped=skipped, notes=notes))
    report_inputs(skipped, notes)
    if not docs:
        nothing_read()
    result = build_documents(docs, skipped=skipped, base=base or DEFAULT_BASE, ner_model=ner_model,
                             workers=workers, keep_documents=False)
    store = open_store(result)
    for path in rdf_files:
        load_file(store, Path(path))
    return store
