#!/usr/bin/env bash
# usage: checkpoint_kill_restart.sh <scratch dir> <ranks> <every> <seeds> <mpirun command...> -- <program> <args...>
#
# Kill/restart trials of a program that weftc wrote: an uninterrupted run on <ranks>
# processes (one thread each) gives the reference output, and a run with
# --weft-checkpoint-every=<every> must print the same. Then, per seed (a comma-separated
# list), a run with checkpoints is killed with SIGKILL (every process of the job, mpirun
# included, at once: a lost node) at a time drawn from the seed, uniform over 5% to 95%
# of the wall time of the run with checkpoints (a run that ends before it runs again
# with half the time, up to 3 times), and restarted with --weft-restart. The restarted
# run must exit 0 and print the reference's header and then exactly the reference's last
# lines (from the epoch it resumed at to the end; the wall-clock column "seconds" is
# left out of the comparison): its final output is the uninterrupted run's. Prints one
# line per trial (its kill time, the checkpoints the killed run left, where the restart
# resumed, the outcome) and "<program> on <ranks> processes: trials: N, killed: K,
# identical: I".
set -uo pipefail

dir=$1
ranks=$2
every=$3
seeds=$4
shift 4
mpirun=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do mpirun+=("$1"); shift; done
[ "$#" -gt 1 ] || { echo "usage: $0 <dir> <ranks> <every> <seeds> <mpirun...> -- <program> <args...>" >&2; exit 2; }
shift
program=("$@")
name=$(basename "${program[0]}")

rm -rf "$dir"
mkdir -p "$dir"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

now() { date +%s.%N; }
# The CSV without its "seconds" column (wall-clock time differs from run to run).
strip_seconds() {
  awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds") c = i }
                    { if (c) { for (i = c; i < NF; i++) $i = $(i + 1); NF-- } print }' "$1"
}
# Every process of the session that setsid started for `pid`.
kill_session() {
  local pids
  pids=$(ps -eo pid=,sid= | awk -v s="$1" '$2 == s { print $1 }')
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  return 0
}

echo "== $name on $ranks processes: uninterrupted run"
start=$(now)
timeout 600 "${mpirun[@]}" -np "$ranks" "${program[@]}" --weft-threads=1 >"$dir/reference.csv" 2>"$dir/reference.err" || {
  cat "$dir/reference.err" >&2
  echo "FAIL: the uninterrupted run failed" >&2
  exit 1
}
reference_seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
strip_seconds "$dir/reference.csv" >"$dir/reference.txt"
reference_lines=$(wc -l <"$dir/reference.txt")
echo "reference: $((reference_lines - 1)) lines after the header, $reference_seconds s; last: $(tail -n 1 "$dir/reference.txt")"

# The same with checkpoints: the same output, and the wall time that the kill times span.
start=$(now)
timeout 600 "${mpirun[@]}" -np "$ranks" "${program[@]}" --weft-threads=1 --weft-checkpoint-every="$every" \
  --weft-checkpoint-dir="$dir/uninterrupted-checkpoints" >"$dir/checkpointed.csv" 2>"$dir/checkpointed.err" || {
  cat "$dir/checkpointed.err" >&2
  echo "FAIL: the uninterrupted run with checkpoints failed" >&2
  exit 1
}
run_seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
cmp -s <(strip_seconds "$dir/checkpointed.csv") "$dir/reference.txt" ||
  fail "the run with --weft-checkpoint-every=$every printed other values than the one without"
echo "with a checkpoint every $every epochs: $run_seconds s, $(ls "$dir/uninterrupted-checkpoints/$name" | tr '\n' ' ')left"

trials=0
killed=0
identical=0
for seed in ${seeds//,/ }; do
  trials=$((trials + 1))
  t="$dir/seed-$seed"
  mkdir -p "$t"
  kill_at=$(awk -v s="$seed" -v r="$run_seconds" 'BEGIN { srand(s); printf "%.2f", r * (0.05 + 0.9 * rand()) }')
  # A run that ends before its kill time (the machine was faster than when timed) runs
  # again with half the time, up to 3 times.
  for attempt in 1 2 3 4; do
    rm -rf "$t/checkpoints"
    setsid "${mpirun[@]}" -np "$ranks" "${program[@]}" --weft-threads=1 --weft-checkpoint-every="$every" \
      --weft-checkpoint-dir="$t/checkpoints" >"$t/killed.csv" 2>"$t/killed.err" &
    job=$!
    sleep "$kill_at"
    if kill -0 "$job" 2>/dev/null; then
      kill_session "$job"
      wait "$job" 2>/dev/null
      outcome="killed at $kill_at s"
      killed=$((killed + 1))
      break
    fi
    wait "$job"
    outcome="finished before $kill_at s (not killed)"
    [ "$attempt" -lt 4 ] && kill_at=$(awk -v k="$kill_at" 'BEGIN { printf "%.2f", k / 2 }')
  done
  left=$(cd "$t/checkpoints/$name" 2>/dev/null && for c in runs-*; do
    [ -e "$c" ] || continue
    if [ -f "$c/manifest.json" ]; then printf '%s ' "$c"; else printf '%s(incomplete) ' "$c"; fi
  done)
  start=$(now)
  timeout 600 "${mpirun[@]}" -np "$ranks" "${program[@]}" --weft-threads=1 --weft-checkpoint-every="$every" \
    --weft-checkpoint-dir="$t/checkpoints" --weft-restart >"$t/restarted.csv" 2>"$t/restarted.err"
  rc=$?
  restart_seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
  resumed=$(grep -o 'resumed at loop run [0-9]*' "$t/restarted.err" | grep -o '[0-9]*$' || true)
  from=${resumed:+loop run $resumed}
  from=${from:-the beginning}
  if [ "$rc" -ne 0 ]; then
    cat "$t/restarted.err" >&2
    fail "seed $seed: $outcome; the restart exited with status $rc"
    continue
  fi
  strip_seconds "$t/restarted.csv" >"$t/restarted.txt"
  printed=$(($(wc -l <"$t/restarted.txt") - 1))
  if [ "$printed" -lt 1 ]; then
    fail "seed $seed: $outcome; the restart printed no line after the header"
  elif ! cmp -s <(head -n 1 "$t/restarted.txt") <(head -n 1 "$dir/reference.txt"); then
    fail "seed $seed: the restart's header differs: $(head -n 1 "$t/restarted.txt")"
  elif ! cmp -s <(tail -n +2 "$t/restarted.txt") <(tail -n "$printed" "$dir/reference.txt"); then
    diff <(tail -n "$printed" "$dir/reference.txt") <(tail -n +2 "$t/restarted.txt") | head -n 10 >&2
    fail "seed $seed: $outcome; restarted from $from: its output differs from the uninterrupted run's"
  else
    identical=$((identical + 1))
    echo "seed $seed: $outcome; checkpoints left: ${left:-none}; restarted from $from ($restart_seconds s):" \
      "printed the last $printed of $((reference_lines - 1)) lines, identical; final: $(tail -n 1 "$t/restarted.txt")"
  fi
done
echo "$name on $ranks processes: trials: $trials, killed: $killed, identical: $identical"
if [ "$failures" -ne 0 ]; then
  echo "$failures trial(s) failed" >&2
  exit 1
fi
echo "PASS: every restarted run of $name on $ranks processes ends with the uninterrupted run's output"
