"""``kg train-rel``: train the relation model from FinRE, DuIE and the rules' confident relations."""
from __future__ import annotations

from pathlib import Path

import click

from kg.errors import InputError, OutputError


@click.command("train-rel")
@click.option("--finre", type=click.Path(path_type=Path), help="FinRE train.txt (head, tail, relation, sentence).")
@click.option("--duie", type=click.Path(path_type=Path), multiple=True, help="DuIE JSONL (repeatable).")
@click.option("--texts", type=click.Path(path_type=Path), multiple=True,
              help="Unlabelled texts (JSONL with \"text\", e.g. CLUENER, or one per line): the rules label them.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Model file to write (JSON).")
@click.option("--split", type=click.FloatRange(0, 1, min_open=True), default=0.8, show_default=True,
              help="Train on this share of FinRE sentences; `kg eval --format finre --split` scores the rest.")
@click.option("--seed", type=int, default=13, show_default=True, help="Seed of the --split shuffle.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.6, show_default=True,
              help="Probability a relation needs to be proposed (stored in the model).")
@click.option("--limit", type=click.IntRange(min=1), help="Read only the first N records of each file.")
@click.option("-f", "--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def train_rel(finre, duie, texts, output: Path, split, seed, threshold, limit, force) -> None:
    """Train the relation model (logistic regression over pair features, deterministic).

    \b
    Examples (the packaged model, kg/models/rel-finre-duie.json):
      kg train-rel --finre finre/train.txt --duie duie/duie_train.json \\
          --duie duie/duie_train_4000.json --texts cluener/train.json -o rel.json
      kg eval finre/train.txt --format finre --split 0.8
    """
    from kg.relmodel.train import train

    if output.exists() and not force:
        raise OutputError(f"{output} exists", hint="use --force to overwrite it")
    for path in [finre, *duie, *texts]:
        if path is not None and not path.exists():
            raise InputError(f"{path}: no such file")
    if finre is None and not duie:
        raise InputError("nothing to train on", hint="give --finre and/or --duie")
    meta = train(finre, list(duie), output, split=split, seed=seed, threshold=threshold, limit=limit,
                 unlabeled=list(texts))
    held = meta["held_out_finre"]
    click.echo(f"trained on {meta['examples']} pairs, {meta['features']} features; held-out FinRE pairs: "
               f"P {held['precision']} R {held['recall']} -> {output}", err=True)
