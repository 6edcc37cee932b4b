#!/usr/bin/env bash
# usage: bench/pipeline/run.sh [build dir] [epochs]
# The pipeline executor's throughput on 2 processes against the serial program, in one
# run, same BLAS and flags: the 784-1024x8-10 MLP of deep_mlp.cpp (minibatch 128, 40
# minibatches per epoch, random data), serial; 2 stages with 1f1b (the pragma's
# schedule), flush (m = 2, 4, 8) and gpipe (m = 4); data parallelism (1 stage, 2
# replicas); and the plan the partitioner picks (its prediction printed beside the
# measured time per minibatch of the epochs after the first, which holds the profile and
# the link measurement; so at least 2 epochs). Two alternating rounds; the seconds after
# the last epoch are printed.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$repo/build}
epochs=${2:-2}
[ "$epochs" -ge 2 ] || { echo "run.sh: at least 2 epochs (the first holds the profile)" >&2; exit 2; }
minibatches=40 # per epoch: deep_mlp's 5120 examples in minibatches of 128
cmake --build "$build" -j2 --target deep_mlp deep_mlp_parallel >/dev/null
dir=$build/bench/pipeline
mpirun=(mpirun --bind-to none -np 2)
[ "$(id -u)" = 0 ] && mpirun+=(--allow-run-as-root --oversubscribe)
last() { tail -n 1 | cut -d, -f2; }
for round in 1 2; do
  echo "round $round: serial $("$dir/deep_mlp" --epochs "$epochs" | last) s"
  for config in "1f1b:--weft-pipeline-stages=2" \
    "flush m=2:--weft-pipeline-stages=2 --weft-pipeline-schedule=flush --weft-pipeline-microbatches=2" \
    "flush m=4:--weft-pipeline-stages=2 --weft-pipeline-schedule=flush --weft-pipeline-microbatches=4" \
    "flush m=8:--weft-pipeline-stages=2 --weft-pipeline-schedule=flush --weft-pipeline-microbatches=8" \
    "gpipe m=4:--weft-pipeline-stages=2 --weft-pipeline-schedule=gpipe --weft-pipeline-microbatches=4" \
    "data parallel:--weft-pipeline-stages=1 --weft-pipeline-schedule=flush"; do
    name=${config%%:*}
    # shellcheck disable=SC2086
    echo "round $round: $name $("${mpirun[@]}" "$dir/deep_mlp_parallel" --epochs "$epochs" \
      --weft-output=root ${config#*:} | last) s"
  done
  out=$("${mpirun[@]}" "$dir/deep_mlp_parallel" --epochs "$epochs" --weft-output=root \
    --weft-pipeline-stats 2>&1)
  epoch_seconds=$(grep -E '^[0-9]+,' <<<"$out" | cut -d, -f2)
  predicted_ms=$(grep -m1 -o 'predicted time per minibatch: [0-9.]*' <<<"$out" | grep -o '[0-9.]*$')
  echo "round $round: partitioner's plan $(tail -n 1 <<<"$epoch_seconds") s;" \
    "$(grep -m1 'predicted time per minibatch' <<<"$out")"
  # The steady state: epochs 2.. (cumulative seconds after epoch 1 and after the last).
  awk -v first="$(head -n 1 <<<"$epoch_seconds")" -v last="$(tail -n 1 <<<"$epoch_seconds")" \
    -v n=$(((epochs - 1) * minibatches)) -v predicted="$predicted_ms" -v round="$round" \
    'BEGIN { measured = 1000 * (last - first) / n
             printf "round %d: partitioner'"'"'s plan, epochs 2-: %.3f ms per minibatch measured," \
                    " %.3f ms predicted (%+.0f%%)\n", round, measured, predicted,
                    100 * (predicted - measured) / measured }'
done
