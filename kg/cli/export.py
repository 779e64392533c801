"""``kg export``: the entity graph for Gephi, Cytoscape and Neo4j (GraphML, GEXF, CSV, JSON)."""
from __future__ import annotations

from pathlib import Path

import click

FORMAT_HELP = "graphml, gexf, neo4j-csv or cytoscape-json; default: from -o's extension."


def graph_source(graphs, store_spec):
    """What to read: the GRAPH files, or the ``--store oxigraph:DIR`` opened read-only."""
    from kg.rdfio import StoreSpec
    from kg.viz.sources import open_store_dir

    if bool(graphs) == bool(store_spec):
        raise click.UsageError("give GRAPH files or --store, not both and not neither")
    if not store_spec:
        return list(graphs)
    where = StoreSpec.parse(store_spec) if store_spec.startswith("oxigraph:") else None
    if where is None or where.directory is None:
        raise click.BadParameter("use oxigraph:DIR", param_hint="--store")
    return open_store_dir(where.directory)


def filter_options(func):
    """``--relation`` and ``--class``, shared by export and stats."""
    func = click.option("--class", "classes", multiple=True, metavar="CLASS",
                        help="Keep only entities of this class or its subclasses (repeatable).")(func)
    return click.option("--relation", "relations", multiple=True, metavar="PROPERTY",
                        help="Keep only this relation, e.g. develops (repeatable).")(func)


def store_option(func):
    return click.option("--store", "store_spec", metavar="oxigraph:DIR",
                        help="Read a persistent Oxigraph store instead of GRAPH files.")(func)


@click.command("export")
@click.argument("graphs", nargs=-1, type=click.Path(path_type=Path), metavar="[GRAPH]...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (.graphml .gexf .zip .cyjs/.json).")
@click.option("--format", "fmt", metavar="FORMAT", help=FORMAT_HELP)
@store_option
@filter_options
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def export(graphs, output, fmt, store_spec, relations, classes, force):
    """Export the entities and relations of GRAPH files or a --store as a network.

    Nodes are entities (IRI, class, Chinese and English names, aliases, degree, documents,
    mentions), edges their relations (property, Chinese label, confidence, evidence sentences,
    documents); provenance records and literals are attributes, never nodes. GraphML and GEXF
    open in Gephi and Cytoscape; neo4j-csv is a zip of nodes.csv and relationships.csv for
    `neo4j-admin database import full`; cytoscape-json is Cytoscape.js `elements` JSON.

    \b
    Examples:
      kg export corpus.trig -o corpus.graphml
      kg export corpus.trig -o corpus.gexf --class Organization
      kg export --store oxigraph:corpus.db -o neo4j.zip
      kg export a.ttl b.ttl -o net.json --format cytoscape-json --relation develops --force
    """
    from kg.errors import OutputError
    from kg.network import export_format, to_networkx, write_export

    fmt = export_format(output, fmt)
    if output.exists() and not force:
        raise OutputError(f"{output}: already exists", hint="pass --force to overwrite it")
    net = to_networkx(graph_source(graphs, store_spec), relations=relations or None,
                      classes=classes or None)
    write_export(net, output, fmt, force=force)
    click.echo(f"kg: wrote {output} ({fmt}): {net.number_of_nodes()} entities, "
               f"{net.number_of_edges()} relations", err=True)
