"""``kg load`` and ``kg remove``: keep a corpus in a persistent store, one graph per document."""
from __future__ import annotations

import click

from kg.ontology import PREFIXES


def store_options(func):
    """``--store SPEC`` / ``--endpoint URL`` and the endpoint's write URLs."""
    options = [
        click.option("--store", "store_spec", metavar="SPEC",
                     help="oxigraph:DIR (a persistent store) or memory."),
        click.option("--endpoint", metavar="URL", help="A SPARQL 1.1 query endpoint URL."),
        click.option("--update-endpoint", metavar="URL",
                     help="SPARQL Update URL of --endpoint (default: .../query -> .../update)."),
        click.option("--graph-store", metavar="URL",
                     help="Graph Store Protocol URL of --endpoint; writes then PUT/DELETE whole graphs."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def open_from_options(store_spec: str | None, endpoint: str | None, update_endpoint: str | None,
                      graph_store: str | None, *, create: bool = False, required: bool = True):
    """Open the store the options name (None when neither is given and not required)."""
    from kg.store import open_store

    if store_spec and endpoint:
        raise click.UsageError("give either --store or --endpoint, not both")
    if (update_endpoint or graph_store) and not endpoint:
        raise click.UsageError("--update-endpoint and --graph-store go with --endpoint")
    if not (store_spec or endpoint):
        if required:
            raise click.UsageError("name a store: --store oxigraph:DIR or --endpoint URL")
        return None
    if endpoint:
        if not endpoint.startswith(("http://", "https://")):  # kg.rdfio.StoreSpec kind "endpoint"
            raise click.UsageError(f"--endpoint needs an http(s):// URL, not {endpoint!r}")
        return open_store(endpoint, update_url=update_endpoint, graph_store_url=graph_store)
    return open_store(store_spec, create=create)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@store_options
def load(files, store_spec, endpoint, update_endpoint, graph_store):
    """Load RDF FILES into a store; each document graph replaces the stored one.

    TriG and N-Quads keep one named graph per document. A Turtle or N-Triples file with a single
    article goes into that article's graph. Triples that belong to no single document (a Turtle
    file with several articles, the default graph of a TriG file) go into the graph
    <https://w3id.org/zhkg/id/graph/unassigned>, which loading adds to and never replaces; a
    warning says so. The default graph, which queries read, is always the merge of all graphs.

    \b
    Examples:
      kg load corpus.trig --store oxigraph:corpus.db
      kg load a.nq b.nq --endpoint http://127.0.0.1:7878/query
    """
    with open_from_options(store_spec, endpoint, update_endpoint, graph_store, create=True) as store:
        report = store.load(files)
        total = len(store.graphs())
    for note in report.notes:
        click.echo(f"kg: warning: {note}", err=True)
    click.echo(f"loaded {report.quads} quads from {report.files} file(s) into {store.spec}: "
               f"{len(report.new)} new, {len(report.replaced)} replaced graph(s), {total} in the store", err=True)


@click.command()
@click.argument("doc_ids", nargs=-1, required=True, metavar="DOC_ID...")
@store_options
@click.option("--base", default=PREFIXES["zkgr"], show_default=True,
              help="Base IRI the documents were built with.")
def remove(doc_ids, store_spec, endpoint, update_endpoint, graph_store, base):
    """Remove documents (their named graphs) from a store.

    DOC_ID is the document id (dcterms:identifier) or its full IRI. Entities that no remaining
    document mentions disappear with it: every entity description lives in the graphs of the
    documents that mention it.

    \b
    Examples:
      kg remove icbc_fintech.txt --store oxigraph:corpus.db
      kg remove https://w3id.org/zhkg/id/doc/a1 --endpoint http://127.0.0.1:7878/query
    """
    from kg.errors import InputError

    if store_spec and store_spec.startswith("oxigraph:"):
        from kg.corpus import is_corpus, remove_documents

        if is_corpus(store_spec):  # built by `kg build --store`: keep shared entities consistent
            for line in remove_documents(store_spec, doc_ids, base):
                click.echo(line, err=True)
            return
    with open_from_options(store_spec, endpoint, update_endpoint, graph_store) as store:
        graphs = []
        for doc_id in doc_ids:
            graph = store.find_document(doc_id, base)
            if graph is None:
                raise InputError(f"no document {doc_id!r} in {store.spec}")
            graphs.append(graph)
        for doc_id, graph in zip(doc_ids, graphs):
            count = store.remove_graph(graph)
            click.echo(f"removed {doc_id}: graph <{graph}>, {count} quads", err=True)
