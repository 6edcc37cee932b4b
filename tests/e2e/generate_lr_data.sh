#!/usr/bin/env bash
# usage: generate_lr_data.sh <weft-datagen> <output dir>
# Writes the synthetic sparse logistic-regression data set of samples/sparse-lr/README.md
# (200k examples, 20k features) as <dir>/lr_train.txt and <dir>/lr_test.txt.
set -euo pipefail
datagen=$1
out=$2
mkdir -p "$out"
"$datagen" lr --examples 200000 --features 20000 --seed 1 \
  --train "$out/lr_train.txt" --test "$out/lr_test.txt"
