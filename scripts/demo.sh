#!/usr/bin/env bash
# weft demo: builds the tools, shows what weftc proves about the matrix factorization
# sample and the parallel program it writes, generates the data set, runs the serial
# sample and the parallel one on 2 processes, and prints how both converge (table and
# plot, by tools/weft-compare).
#
#   bash scripts/demo.sh          (from anywhere; works in a fresh clone)
#
# Environment: JOBS (parallel build jobs, default 2), BUILD_DIR (default build),
# DATA_DIR (default data), RANKS (processes of the parallel run, default 2). Each step is
# one function; main() lists them in order.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
data=${DATA_DIR:-$repo/data}
jobs=${JOBS:-2}
ranks=${RANKS:-2}
results=$build/demo

# The data set of samples/mf/README.md and the run of the sample on it.
mf_data_args=(--users 10000 --items 2000 --ratings 1000000 --rank 16 --noise 0.3 --seed 1)
mf_train=$data/mf_train.txt
mf_test=$data/mf_test.txt
mf_run_args=(--rank 16 --epochs 20)

step() { printf '\n== %s\n' "$*"; }

setup() {
  step "checking build dependencies (scripts/setup.sh)"
  bash "$repo/scripts/setup.sh"
}

build() {
  step "building weftc, weft-datagen, mf and mf_parallel (Release) in $build"
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  # mf_parallel: weftc rewrites samples/mf/mf.cpp at build time (weft_add_parallel_executable).
  cmake --build "$build" -j "$jobs" --target weftc weft-datagen mf mf_parallel
}

# What weftc sees in the sample's annotated loop: every access with its subscripts.
show_loop_model() {
  step "weftc --emit=model samples/mf/mf.cpp (the accesses of the annotated loop)"
  "$build/tools/weftc/weftc" --emit=model "$repo/samples/mf/mf.cpp" -o "$results/mf.model"
  grep -E '^(loop at|  level|  array|    (read|write|reduce|buffer-update) )' "$results/mf.model" |
    sed -e "s|$repo/||g"
  echo "(full model: $results/mf.model)"
  step "weftc --emit=report --explain samples/mf/mf.cpp (the schedule weft proves)"
  "$build/tools/weftc/weftc" --emit=report --explain "$repo/samples/mf/mf.cpp" \
    -o "$results/mf.report.json" 2>&1 | grep 'remark:' | sed -e "s|$repo/||g"
  echo "(report: $results/mf.report.json)"
}

# Generates the data unless data/ holds files made with the same arguments (recorded in
# a stamp file next to them).
generate_data() {
  step "mf data set in $data"
  local stamp=$data/mf_data.args
  local wanted="${mf_data_args[*]}"
  if [ -f "$mf_train" ] && [ -f "$mf_test" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    echo "reusing $mf_train and $mf_test ($wanted)"
    return
  fi
  mkdir -p "$data"
  rm -f "$stamp"
  "$build/tools/weft-datagen/weft-datagen" mf "${mf_data_args[@]}" --train "$mf_train" --test "$mf_test"
  echo "$wanted" >"$stamp"
}

# The loop as weftc rewrote it for the parallel program.
show_rewrite() {
  step "weftc samples/mf/mf.cpp: the annotated loop in the generated program"
  local generated=$build/samples/mf/weft/mf_parallel/mf.cpp
  awk '/^ *\/\/ weft: rotation_2d/ { show = 1 } show { print "  " $0 } show && /^ *}\);/ { exit }' "$generated"
  echo "(generated file: $generated)"
}

# Runs the serial sample and the parallel one on $ranks processes through weft-compare,
# which prints the table and writes the CSVs and the plot.
compare() {
  step "serial mf vs mf_parallel on $ranks processes: ${mf_run_args[*]}"
  "$build/tools/weft-compare/weft-compare" \
    --serial "$build/samples/mf/mf" --parallel "$build/samples/mf/mf_parallel" \
    --ranks "$ranks" --threads 1 --mpirun-arg=--bind-to --mpirun-arg=none \
    --metric test_rmse --tolerance 0.05 --out-dir "$results" --name mf \
    -- --train "$mf_train" --test "$mf_test" "${mf_run_args[@]}"
}

main() {
  cd "$repo"
  setup
  build
  mkdir -p "$results"
  show_loop_model
  show_rewrite
  generate_data
  compare
}

main "$@"
