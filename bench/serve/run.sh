#!/usr/bin/env bash
# usage: bench/serve/run.sh [build dir (build)] [out dir (bench-serve-out)] [epochs (30)]
#                           [seeds ("1 2 3")] [queries (20000)] [rate (250)]
# The parity serving figures of README.md, on Fashion-MNIST with samples/mlp's
# 784-200-100-10 MLP:
#   1. the base model: mlp, 10 epochs, seed 1, saved;
#   2. degraded-mode accuracy: parity for addition k = 2, 4 and concatenation k = 2, 4,
#      <epochs> epochs each, one run per seed; the last epoch's test figures and their mean;
#   3. the time of one k = 2 parity-training epoch (27,500 groups, evaluation excluded):
#      serial, and parity_parallel on 2 processes as 2 replicas of one stage;
#   4. serving: parity-serve with the concatenation k = 2 model of the first seed, <queries>
#      queries at <rate> per second, 2 ms service, 5% of the tasks 10x slower, worker 0
#      paused for 1 s every 10 s; parity groups against 3 base-model replicas; the latency
#      histogram as <out dir>/latency.png (gnuplot).
# Not a test: ctest never runs it. Takes about (12 runs x epochs x 1.5 s) + 2 x queries /
# rate seconds on the 2-core build machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
out=${2:-bench-serve-out}
epochs=${3:-30}
seeds=${4:-"1 2 3"}
queries=${5:-20000}
rate=${6:-250}
mlp=$build/samples/mlp/mlp
parity=$build/samples/parity/parity
parity_parallel=$build/samples/parity/parity_parallel
serve=$build/samples/parity/parity-serve
for program in "$mlp" "$parity" "$parity_parallel" "$serve"; do
  if [ ! -x "$program" ]; then
    echo "run.sh: $program not found; build it first: cmake --build $build --target $(basename "$program")" >&2
    exit 1
  fi
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
export OPENBLAS_NUM_THREADS=1

echo "== base model (mlp, 10 epochs, seed 1)"
[ -s "$out/base.bin" ] || "$mlp" --epochs 10 --seed 1 --save "$out/base.bin" | tail -n 1

echo "== degraded-mode accuracy after $epochs epochs (test set; columns as parity prints them)"
summary=$out/accuracy.csv
echo "encoder,k,seed,train_loss,validation_degraded_accuracy,test_degraded_accuracy,test_decoded_equals_base,test_available_accuracy,seconds" >"$summary.tmp"
for code in "addition 2" "addition 4" "concatenation 2" "concatenation 4"; do
  set -- $code
  for seed in $seeds; do
    name=$1-k$2-seed$seed
    "$parity" --base "$out/base.bin" --encoder "$1" --k "$2" --epochs "$epochs" --seed "$seed" \
      --save "$out/$name.bin" >"$out/$name.csv"
    last=$(tail -n 1 "$out/$name.csv")
    echo "$1,$2,$seed,$(cut -d, -f3-7 <<<"$last"),$(cut -d, -f2 <<<"$last")" | tee -a "$summary.tmp"
  done
done
mv "$summary.tmp" "$summary"
echo "-- mean over the seeds"
awk -F, 'NR > 1 { key = $1 " k=" $2; n[key]++; d[key] += $6; e[key] += $7 }
         END { for (key in n) printf "%s: degraded accuracy %.4f, decoded = base %.4f (%d seeds)\n", key, d[key] / n[key], e[key] / n[key], n[key] }' \
  "$summary" | sort

echo "== one k = 2 parity-training epoch (addition, 27,500 groups; seconds per epoch over 3 epochs)"
per_epoch() { awk -F, 'NR > 1 { last = $2 } END { printf "%.3f\n", last / (NR - 1) }'; }
echo "serial:          $("$parity" --base "$out/base.bin" --epochs 3 | per_epoch) s"
root=()
[ "$(id -u)" = 0 ] && root=(--allow-run-as-root --oversubscribe)
echo "2 processes (data parallel): $(mpirun -np 2 "${root[@]}" --bind-to none -x WEFT_PIPELINE_STAGES=1 \
  "$parity_parallel" --weft-threads=1 --base "$out/base.bin" --epochs 3 | per_epoch) s"
echo "2 processes (2 stages):      $(mpirun -np 2 "${root[@]}" --bind-to none \
  "$parity_parallel" --weft-threads=1 --base "$out/base.bin" --epochs 3 | per_epoch) s"

echo "== serving: $queries queries at $rate/s, concatenation k = 2 (seed ${seeds%% *})"
"$serve" --base "$out/base.bin" --parity "$out/concatenation-k2-seed${seeds%% *}.bin" \
  --encoder concatenation --k 2 --queries "$queries" --rate "$rate" --service-ms 2 \
  --slow-fraction 0.05 --slowdown 10 --paused-worker 0 --pause-every 10 --pause 1 --pause-offset 2 \
  --latencies "$out/latencies.csv" | tee "$out/serving.txt"

if command -v gnuplot >/dev/null; then
  gnuplot -e "latencies='$out/latencies.csv'; png='$out/latency.png.tmp'" "$here/latency.gp"
  mv "$out/latency.png.tmp" "$out/latency.png"
  echo "histogram: $out/latency.png"
else
  echo "gnuplot not found: no histogram (apt-get install gnuplot-nox)"
fi
