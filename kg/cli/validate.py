"""``kg validate``: check graphs against the SHACL shapes of the graph contract."""
from __future__ import annotations

import click

from kg.errors import EXIT_INVALID


@click.command()
@click.argument("graphs", nargs=-1, required=True, metavar="GRAPH...")
@click.option("--shapes", metavar="FILE", default=None,
              help="SHACL shapes to use instead of ontology/shapes.ttl.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report format (json lists every result).")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Nodes shown per kind of problem in the text report (0: all).")
@click.pass_context
def validate(ctx: click.Context, graphs: tuple[str, ...], shapes: str | None, fmt: str, limit: int) -> None:
    """Check GRAPH files or directories (.ttl .trig .nt .nq .jsonld .rdf) against the graph contract.

    All graphs, and all named graphs inside them, are checked together. Exits 0 when they
    conform, 4 when there are violations (warnings alone do not fail), 1 when a file cannot
    be read.

    \b
    Examples:
      kg validate article.ttl
      kg validate out/ --limit 0
      kg validate out/*.trig --format json
      kg validate article.ttl --shapes my-shapes.ttl
    """
    from kg.validate import format_json, format_report
    from kg.validate import validate as run_validation

    report = run_validation(list(graphs), shapes=shapes)
    text = format_json(report) if fmt == "json" else format_report(report, limit=limit or None)
    click.echo(text, nl=False)
    if not report.conforms:
        ctx.exit(EXIT_INVALID)
