"""``kg build``: articles in, RDF out (a file, or a store updated incrementally)."""
from __future__ import annotations

import sys

import click

from kg.errors import EXIT_ERROR, EXIT_PARTIAL, OutputError


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("-o", "--output", default=None,
              help="Output file (.ttl .trig .nt .nq .jsonld), or - for stdout (the default).")
@click.option("--format", "fmt", help="ttl, trig, nt, nq or jsonld; overrides the extension.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--store", "store_spec", metavar="oxigraph:DIR",
              help="Update the corpus in this store instead: add new documents, replace changed ones.")
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None,
              help="Processes to run in, this one included (default: all cores).")
@click.option("--dask", metavar="ADDRESS",
              help="Run on an existing Dask cluster (e.g. tcp://scheduler:8786) instead.")
@click.option("--base", default=None, help="Base IRI for entities and documents.")
@click.option("--ner-model", type=click.Path(exists=True, dir_okay=False),
              help="A CRF model from `kg train-ner`, combined with the rules.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="A pipeline configuration (TOML): the extractors by name@version and their settings.")
@click.option("--show-plan", is_flag=True, help="Print the stages and components the build runs, then exit.")
@click.option("--strict", is_flag=True, help="Stop at the first bad input instead of skipping it.")
@click.option("--no-text", is_flag=True, help="Leave the article text (nif:isString) out.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: when stderr is a terminal).")
@click.option("--validate", "check", is_flag=True,
              help="Check the graph against the SHACL shapes first; write nothing if it fails (exit 4).")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
def build(inputs, output, fmt, force, store_spec, workers, dask, base, ner_model, config_file, show_plan,
          strict, no_text, progress, check, quiet):
    """Build a knowledge graph from Chinese articles.

    INPUTS are .txt/.md files, folders of them, JSONL corpora (one {"id", "text", ...} per
    line) or - for standard input. The output format follows the extension of -o. With
    --store, documents already in the store (same content hash) are skipped, changed ones
    replace their graph, and entities shared with other documents are kept consistent.

    \b
    Examples:
      kg build article.txt -o article.ttl
      kg build articles/ corpus.jsonl -o corpus.trig --force --workers 4
      kg build new_docs/ --store oxigraph:corpus.db
      kg build corpus.jsonl -o corpus.nq --dask tcp://scheduler:8786
      cat article.txt | kg build - --format nt
      kg build articles/ -o out.ttl --config pipeline.toml
      kg build --show-plan --config pipeline.toml
    """
    from kg.api import BuildOptions, config_json, effective_config
    from kg.ids import DEFAULT_BASE

    if dask and workers:
        raise click.UsageError("give either --workers or --dask, not both")
    config = config_json(config_file) if config_file else None
    if show_plan:
        from kg.config import show_text

        click.echo(show_text(effective_config(ner_model, config)), nl=False)
        return
    if not inputs:
        raise click.UsageError("give at least one input (a file, a folder, a JSONL corpus or -)")
    options = BuildOptions(base or DEFAULT_BASE, ner_model, not no_text, config)
    if store_spec:
        if output or fmt or check:
            raise click.UsageError("--store writes into the store: leave out -o, --format and --validate "
                                   "(check a store's graphs with `kg query` or export them first)")
        _build_store(inputs, store_spec, options, workers, dask, strict, progress, quiet)
    else:
        _build_file(inputs, output or "-", fmt, force, options, workers, dask, strict, progress, quiet,
                    check)


def _build_file(inputs, output, fmt, force, options, workers, dask, strict, progress, quiet, check=False):
    from pathlib import Path

    from kg.api import build_documents
    from kg.export import format_for
    from kg.io import read_documents

    fmt = format_for(output, fmt)
    if output != "-" and not force and Path(output).exists():
        raise OutputError(f"{output}: already exists", hint="pass --force to overwrite it")
    skipped, notes = [], []
    docs = list(read_documents(inputs, strict=strict, skipped=skipped, notes=notes))
    report_inputs(skipped, notes)
    if not docs:  # before any worker starts or the pipeline loads
        nothing_read()
    result = build_documents(docs, skipped=skipped, base=options.base, ner_model=options.ner_model,
                             include_text=options.include_text, config=_config_of(options),
                             workers=workers, dask=dask,
                             progress=progress, keep_documents=False)
    if check:
        from kg.errors import ValidationError
        from kg.validate import format_report, validate

        report = validate(result)
        if not report.conforms:
            click.echo(format_report(report), err=True)
            raise ValidationError(f"the graph has {len(report.violations)} SHACL violations; nothing was written",
                                  hint="see the report above")
    if output == "-":
        result.write_to(sys.stdout.buffer, fmt)
        sys.stdout.buffer.flush()
    else:
        result.write(output, fmt, force=True)
    if not quiet:
        click.echo(f"kg: {result.document_count} documents, {result.entity_count} entities, "
                   f"{result.relation_count} relations, {result.quad_count} triples "
                   f"in {result.seconds:.2f}s; {_skipped(result.skipped)}", err=True)
    if result.skipped:
        sys.exit(EXIT_PARTIAL)


def _build_store(inputs, store_spec, options, workers, dask, strict, progress, quiet):
    from kg.api import pipeline_for
    from kg.corpus import update
    from kg.parallel import open_runner

    pipeline_for(options)  # loaded before forking: workers inherit it
    with open_runner(workers, dask) as runner:
        report = update(store_spec, inputs, runner=runner, options=options, strict=strict,
                        progress=progress)
    report_inputs(report.skipped, report.notes)
    if not report.read:
        nothing_read()
    if not quiet:
        click.echo(f"kg: {store_spec}: {report.added} added, {report.changed} changed, "
                   f"{report.unchanged} unchanged, {report.removed} removed documents "
                   f"({report.relinked} relinked, {report.rewritten} graphs written); now "
                   f"{report.documents} documents, {report.entities} entities, {report.relations} "
                   f"relations, {report.quads} triples in {report.seconds:.2f}s; "
                   f"{_skipped(report.skipped)}", err=True)
    if report.skipped:
        sys.exit(EXIT_PARTIAL)


def _config_of(options):
    from kg.config import from_json

    return from_json(options.config) if options.config else None


def report_inputs(skipped, notes) -> None:
    for skip in skipped:
        click.echo(f"kg: warning: skipped {skip}", err=True)
    for note in notes:
        click.echo(f"kg: warning: {note}", err=True)


def nothing_read() -> None:
    click.echo("kg: error: no input could be read; nothing was written", err=True)
    sys.exit(EXIT_ERROR)


def _skipped(skipped) -> str:
    return f"{len(skipped)} input(s) skipped (listed above)" if skipped else "no input skipped"


@click.command()
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="A pipeline configuration (TOML); default: the built-in one.")
@click.option("--ner-model", type=click.Path(exists=True, dir_okay=False), help="Add this CRF model.")
@click.option("--toml", "as_toml", is_flag=True,
              help="Print only the configuration, as a TOML file that --config takes.")
def pipeline(config_file, ner_model, as_toml):
    """Print the plan every build runs, and the configuration (the defaults, or --config's) as TOML.

    The configuration printed is what each document's provenance records (zkg:configuration:
    the extractors, their settings, the hash of each model file and of the configuration).

    \b
    Examples:
      kg pipeline
      kg pipeline --config pipeline.toml
      kg pipeline --toml > pipeline.toml
    """
    from kg.api import config_json, effective_config
    from kg.config import show_text

    config = effective_config(ner_model, config_json(config_file) if config_file else None)
    click.echo(config.to_toml() if as_toml else show_text(config), nl=False)
