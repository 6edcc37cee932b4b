#!/usr/bin/env bash
# usage: sparse_lr_serial_convergence.sh <sparse-lr> <data dir> <max test loss> <min test accuracy>
# Trains the serial sparse-lr sample for 10 epochs, twice, and fails unless it printed one
# CSV row per epoch, the last test log loss is below <max test loss>, the last test
# accuracy is above <min test accuracy>, and both runs printed the same numbers (all
# columns but the seconds).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
sparse_lr=$1
data=$2
max_loss=$3
min_accuracy=$4
epochs=10

run() { "$sparse_lr" --train "$data/lr_train.txt" --test "$data/lr_test.txt" --epochs $epochs --seed 1; }
csv=$(run)
echo "$csv"

expect_csv_shape "$csv" epoch,seconds,train_loss,test_loss,test_accuracy "$epochs"
test_loss=$(last_csv_field "$csv" 4)
test_accuracy=$(last_csv_field "$csv" 5)
if ! is_below "$test_loss" "$max_loss"; then
  echo "FAIL: test loss '$test_loss' is not below $max_loss after $epochs epochs" >&2
  exit 1
fi
if ! is_above "$test_accuracy" "$min_accuracy"; then
  echo "FAIL: test accuracy '$test_accuracy' is not above $min_accuracy after $epochs epochs" >&2
  exit 1
fi
again=$(run)
if [ "$(cut -d, -f1,3- <<<"$csv")" != "$(cut -d, -f1,3- <<<"$again")" ]; then
  echo "FAIL: a second run with the same seed printed other numbers:" >&2
  echo "$again" >&2
  exit 1
fi
echo "PASS: test loss $test_loss < $max_loss, test accuracy $test_accuracy > $min_accuracy after $epochs epochs; a second run printed the same"
