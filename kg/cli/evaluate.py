"""``kg eval`` and ``kg train-ner``: measure extraction, train the statistical recognizer."""
from __future__ import annotations

import json
from pathlib import Path

import click

from kg.errors import OutputError

FORMAT_CHOICE = click.Choice(["cluener", "doc", "finre", "duie"])


@click.command("eval")
@click.argument("gold", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=FORMAT_CHOICE, help="Gold format (guessed from the file if omitted).")
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N records.")
@click.option("--errors", is_flag=True, help="List every false positive and false negative in context.")
@click.option("--ner-model", type=click.Path(path_type=Path), help="Add a CRF model from `kg train-ner` to the rules.")
@click.option("--ner-only", is_flag=True, help="Score the CRF model alone, without the rules.")
@click.option("--graph", type=click.Path(path_type=Path), help="Score an already built graph instead of building.")
@click.option("--split", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="CLUENER/FinRE: score only the held-out part of `kg train-ner`/`kg train-rel --split` (same --seed).")
@click.option("--seed", type=int, default=13, show_default=True, help="Seed of the --split shuffle.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="A pipeline configuration (TOML), as for `kg build --config`.")
def evaluate(gold: Path, fmt, limit, errors, ner_model, ner_only, graph, split, seed, as_json,
             config_file) -> None:
    """Precision, recall and F1 per class against GOLD annotations.

    \b
    GOLD formats:
      cluener  JSONL {"text", "label": {type: {entity: [[start, end_inclusive]]}}}; exact spans
      doc      a whole-document gold JSON file (or a folder of them), e.g. tests/gold/;
               in a folder, a gold file whose article is missing is skipped with a note
      finre    FinRE lines: head<TAB>tail<TAB>relation<TAB>sentence
      duie     DuIE JSONL with "text" and "spo_list"

    \b
    Examples:
      kg eval tests/gold/
      kg eval ../shared/data/cluener/train.json --limit 2000 --errors | less
      kg train-ner ../shared/data/cluener/train.json -o ner.crf --split 0.8
      kg eval ../shared/data/cluener/train.json --split 0.8 --ner-model ner.crf
      kg eval ../shared/data/finre/train.txt --format finre --split 0.8
    """
    from kg.evaluate import evaluate as run, format_report

    config = None
    if config_file is not None:
        from kg.config import load

        config = load(config_file)
    report = run(gold, fmt, limit=limit, ner_model=ner_model, ner_only=ner_only, graph=graph,
                 split=split, seed=seed, config=config)
    if as_json:
        click.echo(json.dumps(report.to_dict(errors=errors), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report, errors=errors))


@click.command("train-ner")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Model file to write.")
@click.option("--split", type=click.FloatRange(0, 1, min_open=True), default=1.0, show_default=True,
              help="Train on this share of DATA (shuffled with --seed); `kg eval --split` scores the rest.")
@click.option("--seed", type=int, default=13, show_default=True, help="Seed of the --split shuffle.")
@click.option("--iterations", type=click.IntRange(min=1), default=150, show_default=True,
              help="L-BFGS iterations (fewer trains faster).")
@click.option("--limit", type=click.IntRange(min=1), help="Read only the first N records of DATA.")
@click.option("-f", "--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def train_ner(data: Path, output: Path, split, seed, iterations, limit, force) -> None:
    """Train a character CRF recognizer on CLUENER-format JSONL DATA.

    \b
    Labels company, government, organization, name and address become the zhkg classes
    Company, GovernmentAgency, Organization, Person and Place; labels that are zhkg class
    names are kept; other labels are learned but not proposed.

    \b
    Examples:
      kg train-ner my_labels.jsonl -o my.crf
      kg train-ner ../shared/data/cluener/train.json -o ner.crf --split 0.8 --seed 13
      kg build article.txt --ner-model my.crf -o article.ttl
    """
    from kg import ner

    if output.exists() and not force:
        raise OutputError(f"{output} exists", hint="use --force to overwrite it")
    examples = ner.load_examples(data, limit=limit)
    train, held = ner.split_examples(examples, split, seed) if split < 1.0 else (examples, [])
    click.echo(f"training a CRF on {len(train)} sentences ({iterations} iterations; "
               "CLUENER train takes a few minutes)...", err=True)
    meta = ner.train(train, output, max_iterations=iterations)
    click.echo(f"trained on {len(train)} of {len(examples)} sentences "
               f"({len(held)} held out), classes: {', '.join(meta['classes'])} -> {output}", err=True)
