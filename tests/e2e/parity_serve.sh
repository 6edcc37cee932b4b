#!/usr/bin/env bash
# usage: parity_serve.sh <parity-serve> <models dir> <scratch dir>
# A short serving run (600 queries at 400 per second, 2 ms service, 5% of the tasks 10x
# slower, worker 0 paused for 0.3 s every 1 s): parity groups and replicas answer every
# query and leave no task queued; the parity run's p99.9 - p50 gap is smaller than the
# replicas' (a query behind the pause is decoded instead of waiting); the latencies file
# has one row per query of each mode.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
serve=$1
models=$2
enter_scratch_dir "$3"

out=$("$serve" --base "$models/base.bin" --parity "$models/parity.bin" --queries 600 --rate 400 \
  --service-ms 2 --pause-every 1 --pause 0.3 --pause-offset 0.3 --latencies latencies.csv)
echo "$out"
accuracy=$(sed -n 2p <<<"$out")
serving=$(sed -n '4,$p' <<<"$out")
expect_csv_shape "$serving" mode,queries,rate,p50_ms,p99_ms,p999_ms,tail_gap_ms,decoded,decoded_equals_base,served_accuracy,cancelled_queued,cancelled_running,queued_at_end,unanswered,seconds 2
field() { grep "^$1," <<<"$serving" | cut -d, -f"$2"; }
for mode in parity replicas; do
  [ "$(field $mode 13)" = 0 ] || fail "$mode: $(field $mode 13) tasks left queued"
  [ "$(field $mode 14)" = 0 ] || fail "$mode: $(field $mode 14) queries unanswered"
done
[ "$(field parity 8)" -gt 0 ] || fail "parity: no query was decoded"
[ "$(field parity 11)" -gt 0 ] || fail "parity: no queued task was cancelled"
is_below "$(field parity 7)" "$(field replicas 7)" ||
  fail "the parity tail gap $(field parity 7) ms is not below the replicas' $(field replicas 7) ms"
is_above "$(cut -d, -f1 <<<"$accuracy")" 0.5 || fail "available accuracy: $accuracy"
rows=$(grep -c '^parity,' latencies.csv || true)
[ "$rows" = 600 ] || fail "latencies.csv has $rows parity rows, expected 600"
expect_no_temporary_files
rm -f latencies.csv

rc=0
"$serve" --base "$models/base.bin" --parity none.bin >stdout.log 2>stderr.log || rc=$?
if [ "$rc" -ne 1 ] || ! grep -qx "parity-serve: error: none.bin: cannot open the model: No such file or directory" stderr.log ||
  [ -s stdout.log ]; then
  fail "a missing parity model: exit status $rc, stderr: $(cat stderr.log)"
else
  echo "ok: a missing parity model: $(cat stderr.log)"
fi
rm -f stdout.log stderr.log

expect_usage_error "no parity model" parity-serve "$serve" --base "$models/base.bin"
expect_usage_error "a paused worker beyond k" parity-serve "$serve" --base "$models/base.bin" --parity "$models/parity.bin" --paused-worker 3
finish "parity serving answers every query, cancels stragglers and shortens the tail"
