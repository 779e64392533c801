"""``kg build``: articles in, RDF out."""
from __future__ import annotations

import sys
import time

import click

from kg.errors import EXIT_ERROR, EXIT_PARTIAL, OutputError


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default="-", show_default=True,
              help="Output file (.ttl .trig .nt .nq .jsonld), or - for stdout.")
@click.option("--format", "fmt", help="ttl, trig, nt, nq or jsonld; overrides the extension.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--base", default=None, help="Base IRI for entities and documents.")
@click.option("--ner-model", type=click.Path(exists=True, dir_okay=False),
              help="A CRF model from `kg train-ner`, combined with the rules.")
@click.option("--strict", is_flag=True, help="Stop at the first bad input instead of skipping it.")
@click.option("--no-text", is_flag=True, help="Leave the article text (nif:isString) out.")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
def build(inputs, output, fmt, force, base, ner_model, strict, no_text, quiet):
    """Build a knowledge graph from Chinese articles.

    INPUTS are .txt/.md files, folders of them, JSONL corpora (one {"id", "text", ...} per
    line) or - for standard input. The output format follows the extension of -o.

    \b
    Examples:
      kg build article.txt -o article.ttl
      kg build articles/ corpus.jsonl -o corpus.trig --force
      cat article.txt | kg build - --format nt
    """
    from kg.api import build as build_graph
    from kg.export import format_for
    from kg.ids import DEFAULT_BASE
    from kg.io import atomic_write

    started = time.perf_counter()
    fmt = format_for(output, fmt)
    if output != "-" and not force:
        from pathlib import Path

        if Path(output).exists():
            raise OutputError(f"{output}: already exists", hint="pass --force to overwrite it")
    result = build_graph(inputs, strict=strict, base=base or DEFAULT_BASE, ner_model=ner_model,
                         include_text=not no_text)
    for skip in result.skipped:
        click.echo(f"kg: warning: skipped {skip}", err=True)
    if not result.documents:
        click.echo("kg: error: no input could be read; nothing was written", err=True)
        sys.exit(EXIT_ERROR)
    data = result.serialize(fmt)
    if output == "-":
        click.get_binary_stream("stdout").write(data)
    else:
        atomic_write(output, data, force=True)
    if not quiet:
        click.echo(f"kg: {len(result.documents)} documents, {len(result.entities)} entities, "
                   f"{result.relation_count} relations, {len(result.quads)} quads "
                   f"in {time.perf_counter() - started:.2f}s"
                   + (f"; {len(result.skipped)} inputs skipped" if result.skipped else ""), err=True)
    if result.skipped:
        sys.exit(EXIT_PARTIAL)
