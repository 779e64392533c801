"""``kg query``: SPARQL over RDF files, a persistent store or a remote endpoint."""
from __future__ import annotations

import sys
from pathlib import Path

import click

FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt", "trig", "nq", "jsonld")
from kg.rdfio import READ_SUFFIXES as RDF_SUFFIXES  # a last argument ending so is a graph, not the query


@click.command()
@click.argument("args", nargs=-1, required=True, metavar="[GRAPH]... QUERY")
@click.option("--store", "store_spec", metavar="SPEC", help="oxigraph:DIR (a persistent store) or memory.")
@click.option("--endpoint", metavar="URL", help="A SPARQL 1.1 query endpoint URL.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help='Bind ?NAME to a value: <iri>, zkg:Class, "text"@zh, 42, or plain text. Repeatable.')
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS),
              help="SELECT/ASK: table (default), csv, tsv, json, xml (SPARQL results). CONSTRUCT/DESCRIBE: "
                   "ttl (default), nt, trig, nq, jsonld. Default: from the extension of -o.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output (.txt .csv .tsv .json .xml .ttl .nt .trig .nq .jsonld).")
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
def query(args, store_spec, endpoint, params, fmt, output, force):
    """Run a SPARQL query (text or a .rq file) over GRAPH files, a --store or an --endpoint.

    The contract prefixes (zkg, zkgr, rdf, rdfs, owl, skos, schema, prov, nif, itsrdf, dcterms,
    xsd) are declared for you, and the default graph is the union of all document graphs.
    ASK prints true or false and exits 0 either way. The table shows IRIs as terms you can paste
    into a query (zkgr:entity\\/招商银行 or <...>).

    \b
    Examples:
      kg query article.ttl examples/queries/products-of-organization.rq -p name=工商银行
      kg query article.ttl 'SELECT ?e ?l { ?e a zkg:Company ; rdfs:label ?l }' -o companies.csv
      kg query article.ttl 'DESCRIBE zkgr:entity\\/中国工商银行' -f nt
      kg query --store oxigraph:corpus.db examples/queries/entities-by-class.rq
      kg query --endpoint http://127.0.0.1:7878/query 'ASK { ?x a zkg:Person }'
    """
    from kg.cli.store import open_from_options
    from kg.errors import OutputError
    from kg.query import check_query, parse_param, read_query, run_query
    from kg.results import output_format

    *graphs, query_arg = args
    if query_arg.lower().endswith(RDF_SUFFIXES) and not query_arg.lower().endswith((".rq", ".sparql")):
        raise click.UsageError(f"the query is missing: {query_arg} is a graph file; give the query last "
                               "(its text or a .rq file), e.g. kg query graph.ttl examples/queries/entities-by-class.rq")
    store = open_from_options(store_spec, endpoint, None, None, required=False)
    if store is not None and graphs:
        raise click.UsageError("give GRAPH files or --store/--endpoint, not both")
    if store is None and not graphs:
        raise click.UsageError("no graph to query: give GRAPH files before the query, or --store/--endpoint")
    if output is not None and output.exists() and not force:
        raise OutputError(f"{output} exists", hint="use --force to overwrite it")
    bindings = dict(parse_param(p) for p in params)
    text = read_query(query_arg)
    try:
        fmt = output_format(output, fmt, check_query(text))
    except OutputError as exc:  # a format that does not fit the query: the command line is wrong
        raise click.UsageError(str(exc)) from None
    if store is not None:
        with store:
            result = run_query(store, text, bindings)
    else:
        result = run_query(graphs, text, bindings)
    data = result.serialize(fmt)
    if output is not None:
        from kg.io import atomic_write

        atomic_write(output, data, force=True)
    else:
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else click.echo(data.decode(), nl=False)
        sys.stdout.flush()
