#!/usr/bin/env bash
# usage: bench/e2e/run.sh [build dir] [data dir] [epochs]
# samples/mf on the 10M-rating data set (generated if missing, as bench/runtime/run.sh
# does): the serial sample, the program weftc generates from it on 2 processes x 1
# thread and on 1 process x 2 threads, and the hand-called runtime with the same loop
# body (bench/runtime's "mf.cpp body" configurations), all built with -O3 -march=native,
# in one run, at rank 16 and 32, two rounds. bench/e2e/summarize.py prints the figures
# and the targets.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$repo/build}
data=${2:-$build/bench-data}
epochs=${3:-12}
out=$build/bench/e2e/results
mkdir -p "$data" "$out"
cmake --build "$build" -j2 --target weft-datagen mf_bench_serial mf_bench_parallel mf_rotation_bench >/dev/null
if [ ! -s "$data/mf10m_train.txt" ] || [ ! -s "$data/mf10m_test.txt" ]; then
  "$build/tools/weft-datagen/weft-datagen" mf --users 100000 --items 20000 --ratings 10000000 --rank 16 \
    --noise 0.3 --seed 1 --train "$data/mf10m_train.txt" --test "$data/mf10m_test.txt"
fi
mpirun=(mpirun --bind-to none)
[ "$(id -u)" = 0 ] && mpirun+=(--allow-run-as-root --oversubscribe)
args=(--train "$data/mf10m_train.txt" --test "$data/mf10m_test.txt" --epochs "$epochs")
# Two rounds, the configurations alternating, so that a burst of other work on a shared
# machine does not decide a comparison; summarize.py takes each configuration's faster
# round.
for round in 1 2; do
  for k in 16 32; do
    echo "round $round, rank $k: serial sample" >&2
    "$build/bench/e2e/mf_bench_serial" "${args[@]}" --rank "$k" >"$out/serial_k${k}_r$round.csv"
    echo "round $round, rank $k: generated program, 2 processes x 1 thread" >&2
    "${mpirun[@]}" -np 2 "$build/bench/e2e/mf_bench_parallel" --weft-threads=1 "${args[@]}" --rank "$k" \
      >"$out/generated_2x1_k${k}_r$round.csv"
    echo "round $round, rank $k: generated program, 1 process x 2 threads" >&2
    "${mpirun[@]}" -np 1 "$build/bench/e2e/mf_bench_parallel" --weft-threads=2 "${args[@]}" --rank "$k" \
      >"$out/generated_1x2_k${k}_r$round.csv"
  done
  echo "round $round: hand-called runtime (bench/runtime/mf_rotation_bench --serial no)" >&2
  "${mpirun[@]}" -np 2 "$build/bench/runtime/mf_rotation_bench" --train "$data/mf10m_train.txt" \
    --test "$data/mf10m_test.txt" --epochs "$epochs" --serial no >"$out/hand_called_r$round.txt"
done
python3 "$repo/bench/e2e/summarize.py" "$out" "$data/mf10m_train.txt"
