#!/usr/bin/env bash
# usage: parity_cli.sh <parity> <models dir> <scratch dir>
# samples/parity's command line: bad flags are usage errors (exit 2), a bad base model a
# data error (exit 1) before the data is read; a run prints one CSV row per epoch and is
# deterministic for a seed (every column but the seconds), with either encoder.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
parity=$1
models=$2
enter_scratch_dir "$3"

expect_usage_error "no base model" parity "$parity" --epochs 1
grep -qx "parity: error: --base MODEL is required (train one with mlp --save MODEL)" stderr.log ||
  fail "no base model: unexpected message: $(head -n 1 stderr.log)"
expect_usage_error "concatenation with k = 3" parity "$parity" --base "$models/base.bin" --encoder concatenation --k 3
grep -qx "parity: error: --encoder concatenation takes --k 2 or 4, got 3" stderr.log ||
  fail "concatenation with k = 3: unexpected message: $(head -n 1 stderr.log)"
expect_usage_error "an unknown encoder" parity "$parity" --base "$models/base.bin" --encoder xor
expect_usage_error "k = 1" parity "$parity" --base "$models/base.bin" --k 1

rc=0
"$parity" --base none.bin >stdout.log 2>stderr.log || rc=$?
if [ "$rc" -ne 1 ] || ! grep -qx "parity: error: none.bin: cannot open the model: No such file or directory" stderr.log ||
  [ -s stdout.log ]; then
  fail "a missing base model: exit status $rc, stderr: $(cat stderr.log)"
else
  echo "ok: a missing base model: $(cat stderr.log)"
fi

run() {
  "$parity" --base "$models/base.bin" --epochs 2 --train-limit 3000 --validation 500 --seed 3 \
    --encoder concatenation --k 4 --save "$1"
}
first=$(run first.bin)
echo "$first"
expect_csv_shape "$first" epoch,seconds,train_loss,validation_degraded_accuracy,test_degraded_accuracy,test_decoded_equals_base,test_available_accuracy 2
again=$(run again.bin)
if [ "$(cut -d, -f1,3- <<<"$first")" != "$(cut -d, -f1,3- <<<"$again")" ]; then
  fail "two runs with the same seed printed different numbers: $again"
elif ! cmp -s first.bin again.bin; then
  fail "two runs with the same seed saved different parity models"
else
  echo "ok: two runs with the same seed print the same numbers and save the same model"
fi
# The loss falls from the first epoch to the second.
if ! awk -F, 'NR == 2 { a = $3 } NR == 3 { b = $3 } END { exit !(b < a) }' <<<"$first"; then
  fail "the training loss did not fall: $first"
fi
expect_no_temporary_files
finish "parity's command line, its errors and its determinism"
