#!/usr/bin/env bash
# usage: checkpoint_restart.sh <scratch dir> <mpirun command...> -- <checkpoint_main>
# The fault test: one process is killed after a checkpoint; the job is restarted with
# --weft-restart and must end with the same model as a run that was never interrupted.
# An incomplete newer checkpoint (no manifest) must be skipped.
set -uo pipefail
dir=$1
shift
mpirun=()
while [ "$1" != "--" ]; do mpirun+=("$1"); shift; done
shift
program=$1
rm -rf "$dir"
mkdir -p "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
common=(--epochs 7 --weft-checkpoint-every=2)

echo "== uninterrupted run"
timeout 120 "${mpirun[@]}" -np 2 "$program" "${common[@]}" --weft-checkpoint-dir="$dir/full" --out "$dir/full.bin" \
  || fail "the uninterrupted run failed"

echo "== run whose rank 1 is killed after epoch 4 (checkpoints after epochs 1 and 3)"
timeout 120 "${mpirun[@]}" -np 2 "$program" "${common[@]}" --weft-checkpoint-dir="$dir/crash" \
  --kill-after 4 --kill-rank 1 --out "$dir/never.bin"
rc=$?
[ "$rc" -ne 0 ] || fail "the killed run exited with status 0"
[ "$rc" -ne 124 ] || fail "the killed run hung"
[ ! -e "$dir/never.bin" ] || fail "the killed run wrote its output"
[ -f "$dir/crash/mf/epoch-3/manifest.json" ] || fail "no complete checkpoint of epoch 3"
# A newer checkpoint that a crash left half written: rank files, no manifest.
mkdir -p "$dir/crash/mf/epoch-5"
echo garbage > "$dir/crash/mf/epoch-5/rank-0.bin"

echo "== restart"
log=$(timeout 120 "${mpirun[@]}" -np 2 "$program" "${common[@]}" --weft-checkpoint-dir="$dir/crash" --weft-restart \
  --out "$dir/restarted.bin" 2>&1) || { echo "$log"; fail "the restarted run failed"; }
echo "$log"
grep -q "starting at epoch 4" <<<"$log" || fail "the restart did not resume after the checkpoint of epoch 3"
cmp "$dir/full.bin" "$dir/restarted.bin" || fail "the restarted run ended with another model"

echo "== a restart on 4 processes reads the 2 processes' newest checkpoint (epoch 5, by the restarted run)"
log=$(timeout 120 "${mpirun[@]}" -np 4 "$program" "${common[@]}" --weft-checkpoint-dir="$dir/crash" --weft-restart 2>&1) \
  || { echo "$log"; fail "the restart on 4 processes failed"; }
echo "$log"
grep -q "starting at epoch 6" <<<"$log" || fail "the restart on 4 processes did not resume at epoch 6"
echo "PASS: a killed run restarted from its checkpoint ends with the uninterrupted run's model"
