#!/usr/bin/env bash
# Reproduce the tables in docs/evaluation.md (about 10 minutes on one core, plus training the CRF).
# Needs ../shared/data (never copied into the repo). Outputs go to benchmarks/results/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../.."
KG=".venv/bin/python -m kg"
DATA="${DATA:-../shared/data}"
OUT=benchmarks/results/eval
mkdir -p "$OUT"
MODEL="$OUT/cluener80.crf"

# CRF on 80% of CLUENER train (seed 13); the other 20% is scored below.
[ -f "$MODEL" ] || $KG train-ner "$DATA/cluener/train.json" -o "$MODEL" --split 0.8 --seed 13

run() {  # name, then kg eval arguments
  local name=$1; shift
  echo "== $name: kg eval $*" | tee "$OUT/$name.txt"
  $KG eval "$@" --errors > "$OUT/$name.errors.txt"
  grep -v '^F[PN] ' "$OUT/$name.errors.txt" | tee -a "$OUT/$name.txt"
}

run cluener-all-rules       "$DATA/cluener/train.json"
run cluener-heldout-rules   "$DATA/cluener/train.json" --split 0.8
run cluener-heldout-crf     "$DATA/cluener/train.json" --split 0.8 --ner-model "$MODEL" --ner-only
run cluener-heldout-both    "$DATA/cluener/train.json" --split 0.8 --ner-model "$MODEL"
run finre-rules             "$DATA/finre/train.txt"
run finre-both              "$DATA/finre/train.txt" --ner-model "$MODEL"
run duie-rules              "$DATA/duie/duie_train.json"
run duie-both               "$DATA/duie/duie_train.json" --ner-model "$MODEL"
run duie4000-rules          "$DATA/duie/duie_train_4000.json"
run duie4000-both           "$DATA/duie/duie_train_4000.json" --ner-model "$MODEL"
run gold-rules              tests/gold
run gold-both               tests/gold --ner-model "$MODEL"
