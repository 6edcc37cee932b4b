#!/usr/bin/env bash
# Kill/restart trials of every sample that weftc rewrites (mf, mf-adagrad, sparse-lr,
# lda, wavefront), on 2 and 4 processes of one thread: per seed, a run with checkpoints
# is killed with SIGKILL (every process of the job at once) at a time drawn from the
# seed and restarted with --weft-restart, and the restarted run must print the
# uninterrupted run's last lines exactly (tests/e2e/checkpoint_kill_restart.sh, which
# ctest runs with 2 seeds).
#
#   bash bench/checkpoint/run.sh [build dir] [seeds]    # defaults: build, 1,2,3,4,5
#
# Uses the data sets of the e2e tests (generated into <build>/bench/checkpoint/data if
# missing). Prints each trial, then a table: sample, processes, trials, killed,
# identical. Exit status 1 if any restarted run differs.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
seeds=${2:-1,2,3,4,5}
out=$build/bench/checkpoint
data=$out/data
mpirun=(mpirun --oversubscribe --bind-to none)
[ "$(id -u)" -eq 0 ] && mpirun+=(--allow-run-as-root)
export WEFT_WAIT_TIMEOUT=${WEFT_WAIT_TIMEOUT:-60}

mkdir -p "$data"
datagen=$build/tools/weft-datagen/weft-datagen
[ -f "$data/mf_train.txt" ] || bash "$repo/tests/e2e/generate_mf_data.sh" "$datagen" "$data" >/dev/null
[ -f "$data/lr_train.txt" ] || bash "$repo/tests/e2e/generate_lr_data.sh" "$datagen" "$data" >/dev/null
[ -f "$data/lda_corpus.txt" ] || bash "$repo/tests/e2e/generate_lda_data.sh" "$datagen" "$data" >/dev/null

# name | every | program and arguments
samples=(
  "mf|2|$build/samples/mf/mf_parallel --train $data/mf_train.txt --test $data/mf_test.txt --epochs 20"
  "mf-adagrad|2|$build/samples/mf-adagrad/mf-adagrad_parallel --train $data/mf_train.txt --test $data/mf_test.txt --epochs 10"
  "sparse-lr|1|$build/samples/sparse-lr/sparse-lr_parallel --train $data/lr_train.txt --test $data/lr_test.txt --epochs 4"
  "lda|3|$build/samples/lda/lda_parallel --corpus $data/lda_corpus.txt --topics 10 --epochs 30"
  "wavefront|2|$build/samples/wavefront/wavefront_parallel --epochs 20 --length-a 1500 --length-b 1200"
)

status=0
table=()
for entry in "${samples[@]}"; do
  IFS='|' read -r name every command <<<"$entry"
  for ranks in 2 4; do
    log=$out/$name-$ranks.log
    # shellcheck disable=SC2086
    bash "$repo/tests/e2e/checkpoint_kill_restart.sh" "$out/$name-$ranks" "$ranks" "$every" "$seeds" \
      "${mpirun[@]}" -- $command 2>&1 | tee "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    summary=$(grep -o 'trials: [0-9]*, killed: [0-9]*, identical: [0-9]*' "$log" | tail -n 1)
    table+=("| $name | $ranks | every $every | ${summary:-failed} |")
  done
done
echo
echo "| sample | processes | checkpoints | trials |"
echo "|---|---|---|---|"
printf '%s\n' "${table[@]}"
exit "$status"
