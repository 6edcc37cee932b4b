#!/usr/bin/env bash
# usage: generate_mf_data.sh <weft-datagen> <output dir>
# Writes the 1M-rating mf data set of samples/mf/README.md as <dir>/mf_train.txt and
# <dir>/mf_test.txt.
set -euo pipefail
datagen=$1
out=$2
mkdir -p "$out"
"$datagen" mf --users 10000 --items 2000 --ratings 1000000 --rank 16 --noise 0.3 --seed 1 \
  --train "$out/mf_train.txt" --test "$out/mf_test.txt"
