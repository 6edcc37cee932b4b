#!/usr/bin/env bash
# usage: mf_serial_convergence.sh <mf> <data dir> <threshold> [epochs]
# Trains the serial mf sample for <epochs> (20) epochs at rank 16 and fails unless it printed one
# CSV row per epoch and the last test RMSE is below <threshold>.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mf=$1
data=$2
threshold=$3
epochs=${4:-20}

csv=$("$mf" --train "$data/mf_train.txt" --test "$data/mf_test.txt" --rank 16 --epochs $epochs)
echo "$csv"

expect_csv_shape "$csv" epoch,seconds,train_rmse,test_rmse "$epochs"
test_rmse=$(last_csv_field "$csv" 4)
if is_below "$test_rmse" "$threshold"; then
  echo "PASS: test RMSE $test_rmse < $threshold after $epochs epochs"
else
  echo "FAIL: test RMSE '$test_rmse' is not below $threshold after $epochs epochs" >&2
  exit 1
fi
