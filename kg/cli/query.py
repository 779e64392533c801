"""``kg query``: SPARQL over RDF files, a persistent store or a remote endpoint."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.store import open_from_options, store_options

FORMATS = ("table", "csv", "tsv", "json", "ttl", "nt", "trig", "nq", "jsonld")


@click.command()
@click.argument("args", nargs=-1, required=True, metavar="[GRAPH]... QUERY")
@store_options
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help='Bind ?NAME to a value: <iri>, zkg:Class, "text"@zh, 42, or plain text. Repeatable.')
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS),
              help="SELECT: table (default), csv, tsv, json. CONSTRUCT/DESCRIBE: ttl (default), nt, "
                   "trig, nq, jsonld. ASK: true/false, or json.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
def query(args, store_spec, endpoint, update_endpoint, graph_store, params, fmt, output, force):
    """Run a SPARQL query (text or a .rq file) over GRAPH files, a --store or an --endpoint.

    The contract prefixes (zkg, zkgr, rdf, rdfs, owl, skos, schema, prov, nif, itsrdf, dcterms,
    xsd) are declared for you, and the default graph is the union of all document graphs.
    ASK prints true or false and exits 0 either way.

    \b
    Examples:
      kg query article.ttl examples/queries/products-of-organization.rq -p name=工商银行
      kg query a.trig b.trig 'SELECT ?e ?l { ?e a zkg:Company ; rdfs:label ?l }' -f csv
      kg query --store oxigraph:corpus.db examples/queries/entities-by-class.rq
      kg query --endpoint http://127.0.0.1:7878/query 'ASK { ?x a zkg:Person }'
    """
    from kg.errors import OutputError
    from kg.query import parse_param, read_query, run_query

    *graphs, query_arg = args
    store = open_from_options(store_spec, endpoint, update_endpoint, graph_store, required=False)
    if store is not None and graphs:
        raise click.UsageError("give GRAPH files or --store/--endpoint, not both")
    if store is None and not graphs:
        raise click.UsageError("give GRAPH files before the query, or --store/--endpoint")
    if output is not None and output.exists() and not force:
        raise OutputError(f"{output} exists; use --force to overwrite it")
    bindings = dict(parse_param(p) for p in params)
    text = read_query(query_arg)
    if store is not None:
        with store:
            result = run_query(store, text, bindings)
    else:
        result = run_query(graphs, text, bindings)
    data = result.serialize(fmt)
    if output is not None:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else click.echo(data.decode(), nl=False)
        sys.stdout.flush()
