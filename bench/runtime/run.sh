#!/usr/bin/env bash
# usage: bench/runtime/run.sh [build dir] [data dir] [bench arguments...]
# Generates the 10M-rating data set if it is missing (weft-datagen mf --users 100000
# --items 20000 --ratings 10000000 --rank 16 --noise 0.3) and runs mf_rotation_bench on
# 2 processes.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$repo/build}
data=${2:-$build/bench-data}
shift $(( $# > 2 ? 2 : $# ))
mkdir -p "$data"
if [ ! -s "$data/mf10m_train.txt" ] || [ ! -s "$data/mf10m_test.txt" ]; then
  "$build/tools/weft-datagen/weft-datagen" mf --users 100000 --items 20000 --ratings 10000000 --rank 16 \
    --noise 0.3 --seed 1 --train "$data/mf10m_train.txt" --test "$data/mf10m_test.txt"
fi
mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2 "$build/bench/runtime/mf_rotation_bench" \
  --train "$data/mf10m_train.txt" --test "$data/mf10m_test.txt" "$@"
