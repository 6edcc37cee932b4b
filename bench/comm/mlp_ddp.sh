#!/usr/bin/env bash
# usage: bench/comm/mlp_ddp.sh [build dir] [examples]
# The training step of samples/mlp (784-200-100-10, Adam, minibatch 64) as 2 replicas
# (data parallelism, gradients all-reduced every step) in one run: the program weftc
# writes (mlp_parallel, --weft-pipeline-stages=1, on Fashion-MNIST) and PyTorch's
# DistributedDataParallel (mlp_ddp.py: gloo on the loopback, synthetic data of the same
# shape), one thread per process each, two alternating rounds. Prints each step time in
# milliseconds (weft: the second epoch's training seconds over its minibatches). The
# PyTorch half is skipped, with a message, where python3-torch is not installed.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$repo/build}
examples=${2:-19200}
cmake --build "$build" -j2 --target mlp_parallel >/dev/null
mpirun=(mpirun --bind-to none -np 2)
[ "$(id -u)" = 0 ] && mpirun+=(--allow-run-as-root --oversubscribe)
batches=$((examples / 64))
for round in 1 2; do
  csv=$(OPENBLAS_NUM_THREADS=1 "${mpirun[@]}" "$build/samples/mlp/mlp_parallel" --weft-threads=1 \
    --weft-output=root --weft-pipeline-stages=1 --epochs 2 --train-limit "$examples")
  awk -F, -v n="$batches" -v r="$round" 'NR==2{a=$2} NR==3{printf "round %s: weft 2 replicas step_ms %.3f\n", r, 1000*($2-a)/n}' <<<"$csv"
  status=0
  out=$(/usr/bin/python3 "$repo/bench/comm/mlp_ddp.py" --steps "$batches") || status=$?
  if [ "$status" = 77 ]; then
    echo "round $round: torch DDP skipped (python3-torch not installed)"
  elif [ "$status" != 0 ]; then
    echo "mlp_ddp.py failed (exit $status)" >&2
    exit 1
  else
    echo "round $round: torch DDP 2 processes $out"
  fi
done
