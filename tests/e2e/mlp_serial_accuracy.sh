#!/usr/bin/env bash
# usage: mlp_serial_accuracy.sh <mlp> <min test accuracy> [mlp flags...]
# Trains the serial mlp sample on Fashion-MNIST (its default data directory) with the given
# flags for 10 epochs and fails unless it printed one CSV row per epoch and the last test
# accuracy is at least <min test accuracy>. Then checks determinism on a short run: two runs
# with the same seed print the same numbers (all columns but the seconds).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mlp=$1
min_accuracy=$2
shift 2
epochs=10

csv=$("$mlp" --epochs $epochs --seed 1 "$@")
echo "$csv"
expect_csv_shape "$csv" epoch,seconds,train_loss,test_accuracy "$epochs"
accuracy=$(last_csv_field "$csv" 4)
if ! awk -v v="$accuracy" -v b="$min_accuracy" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 >= b + 0) }'; then
  echo "FAIL: test accuracy '$accuracy' is below $min_accuracy after $epochs epochs" >&2
  exit 1
fi

short() { "$mlp" --epochs 2 --train-limit 6000 --seed 7 "$@"; }
first=$(short "$@")
again=$(short "$@")
if [ "$(cut -d, -f1,3- <<<"$first")" != "$(cut -d, -f1,3- <<<"$again")" ]; then
  echo "FAIL: two short runs with the same seed printed different numbers:" >&2
  echo "$first" >&2
  echo "$again" >&2
  exit 1
fi
echo "PASS: test accuracy $accuracy >= $min_accuracy after $epochs epochs; a repeated short run printed the same"
