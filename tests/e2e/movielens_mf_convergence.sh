#!/usr/bin/env bash
# usage: movielens_mf_convergence.sh <mf> <data dir> <threshold>
# Trains the serial mf sample on the MovieLens split that movielens_data.sh leaves in
# <data dir> with the settings of samples/mf/README.md (rank 32, lr 0.005, reg 0.1,
# 150 epochs) and fails unless it printed one CSV row per epoch and the last test RMSE
# is below <threshold>. Exits 77 (skipped) when the data is absent, as it is when the
# package could not be downloaded.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mf=$1
data=$2
threshold=$3
epochs=150

if [ ! -f "$data/movielens.train" ] || [ ! -f "$data/movielens.test" ]; then
  echo "SKIP: no MovieLens data in $data (see movielens_data.sh)"
  exit 77
fi

csv=$("$mf" --train "$data/movielens.train" --test "$data/movielens.test" \
            --rank 32 --lr 0.005 --reg 0.1 --epochs $epochs)
awk -F, 'NR == 1 || $1 % 10 == 0' <<<"$csv"

expect_csv_shape "$csv" epoch,seconds,train_rmse,test_rmse "$epochs"
test_rmse=$(last_csv_field "$csv" 4)
if is_below "$test_rmse" "$threshold"; then
  echo "PASS: MovieLens test RMSE $test_rmse < $threshold after $epochs epochs"
else
  echo "FAIL: MovieLens test RMSE '$test_rmse' is not below $threshold after $epochs epochs" >&2
  exit 1
fi
