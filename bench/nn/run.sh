#!/usr/bin/env bash
# usage: bench/nn/run.sh [build dir (build)] [rounds (3)]
# Serial MLP training throughput of weft::nn against PyTorch, one thread each:
# 784-1024x8-10, minibatch 128, SGD, synthetic data (see README.md). Runs the two
# alternately, <rounds> times each (this is meant for a noisy machine), and prints each
# one's best examples/s and the ratio weft / PyTorch. Not a test: ctest never runs it.
# Without PyTorch (Debian python3-torch) it prints weft's figure and says why there is no
# ratio.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
rounds=${2:-3}
bench="$build/bench/nn/nn_bench"
if [ ! -x "$bench" ]; then
  echo "run.sh: $bench not found; build it first: cmake --build $build --target nn_bench" >&2
  exit 1
fi

# One BLAS thread for both (nn_bench pins OpenBLAS itself; torch.set_num_threads(1)).
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

best() { awk '$1 == "best" { print $2 }'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 > b + 0) ? a : b }'; }

weft_best=0
torch_best=0
torch_ok=1
torch_log=$(mktemp)
trap 'rm -f "$torch_log"' EXIT
for round in $(seq "$rounds"); do
  out=$("$bench")
  echo "round $round: weft::nn $(echo "$out" | best) examples/s"
  weft_best=$(max "$weft_best" "$(echo "$out" | best)")
  if [ $torch_ok -eq 1 ]; then
    rc=0
    out=$(/usr/bin/python3 "$here/bench_torch.py" 2>"$torch_log") || rc=$?
    if [ $rc -eq 77 ]; then
      cat "$torch_log" >&2
      torch_ok=0
    elif [ $rc -ne 0 ]; then
      cat "$torch_log" >&2
      echo "run.sh: bench_torch.py failed (exit status $rc)" >&2
      exit 1
    else
      [ "$round" -eq 1 ] && cat "$torch_log"
      echo "round $round: PyTorch  $(echo "$out" | best) examples/s"
      torch_best=$(max "$torch_best" "$(echo "$out" | best)")
    fi
  fi
done

echo "weft::nn: best $weft_best examples/s"
if [ $torch_ok -eq 1 ]; then
  echo "PyTorch:  best $torch_best examples/s"
  awk -v w="$weft_best" -v t="$torch_best" 'BEGIN { printf "ratio weft / PyTorch: %.2f\n", w / t }'
else
  echo "PyTorch: not installed (Debian python3-torch): no ratio"
fi
