#!/usr/bin/env bash
# usage: mf_serial_convergence.sh <mf> <data dir> <threshold>
# Trains the serial mf sample for 20 epochs at rank 16 and fails unless it printed one
# CSV row per epoch and the last test RMSE is below <threshold>.
set -euo pipefail
mf=$1
data=$2
threshold=$3
epochs=20

csv=$("$mf" --train "$data/mf_train.txt" --test "$data/mf_test.txt" --rank 16 --epochs $epochs)
echo "$csv"

header=$(head -n 1 <<<"$csv")
if [ "$header" != "epoch,seconds,train_rmse,test_rmse" ]; then
  echo "FAIL: unexpected CSV header '$header'" >&2
  exit 1
fi
rows=$(tail -n +2 <<<"$csv" | wc -l)
if [ "$rows" -ne "$epochs" ]; then
  echo "FAIL: expected $epochs rows, got $rows" >&2
  exit 1
fi
last=$(tail -n 1 <<<"$csv")
test_rmse=$(cut -d, -f4 <<<"$last")
if awk -v r="$test_rmse" -v t="$threshold" 'BEGIN { exit !(r + 0 < t + 0 && r ~ /^[0-9.]+$/) }'; then
  echo "PASS: test RMSE $test_rmse < $threshold after $epochs epochs"
else
  echo "FAIL: test RMSE '$test_rmse' is not below $threshold after $epochs epochs" >&2
  exit 1
fi
