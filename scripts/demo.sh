#!/usr/bin/env bash
# weft demo: builds the tools, shows the loop model weftc builds for the matrix
# factorization sample, generates its data set and shows how the serial sample converges.
#
#   bash scripts/demo.sh          (from anywhere; works in a fresh clone)
#
# Environment: JOBS (parallel build jobs, default 2), BUILD_DIR (default build),
# DATA_DIR (default data). Each step is one function; main() lists them in order.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
data=${DATA_DIR:-$repo/data}
jobs=${JOBS:-2}
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
  step "building weftc, weft-datagen and mf (Release) in $build"
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j "$jobs" --target weftc weft-datagen mf
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

# run_serial <csv>: trains the serial sample, CSV to <csv>.
run_serial() {
  step "serial mf: ${mf_run_args[*]}"
  mkdir -p "$(dirname "$1")"
  "$build/samples/mf/mf" --train "$mf_train" --test "$mf_test" "${mf_run_args[@]}" >"$1"
}

# print_convergence <csv> <title>: the CSV as an aligned table, then the final test RMSE.
print_convergence() {
  local csv=$1 title=$2
  echo "$title"
  awk -F, '
    NR == 1 { printf "  %5s  %9s  %10s  %10s\n", "epoch", "seconds", "train RMSE", "test RMSE"; next }
    { printf "  %5d  %9.3f  %10.4f  %10.4f\n", $1, $2, $3, $4; last = $4; time = $2 }
    END {
      if (NR < 2) { print "  (no epochs)"; exit 1 }
      printf "final test RMSE: %.4f (%.2f s of training)\n", last, time
    }' "$csv"
}

main() {
  cd "$repo"
  setup
  build
  mkdir -p "$results"
  show_loop_model
  generate_data
  run_serial "$results/mf_serial.csv"
  step "convergence"
  print_convergence "$results/mf_serial.csv" "serial mf (CSV: $results/mf_serial.csv)"
}

main "$@"
