#!/usr/bin/env bash
# usage: expect_failure.sh <timeout seconds> <pattern> <matches> [--also <pattern> <matches>]...
#                          <command...>
# Passes if the command ends within the timeout (no hang) with a non-zero status and, for
# each pattern (an extended regex), the number of lines of its output (stdout and stderr)
# that match it is <matches>: "N" means at least N (e.g. the same error reported by every
# process), "N:M" from N to M ("1:1": printed exactly once). Prints the time the command
# took.
set -uo pipefail
limit=$1
patterns=("$2")
counts=("$3")
shift 3
while [ "${1:-}" = "--also" ]; do
  patterns+=("$2")
  counts+=("$3")
  shift 3
done
start=$(date +%s.%N)
out=$(timeout -k 5 "$limit" "$@" 2>&1)
rc=$?
seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
echo "$out"
echo "(ended after $seconds s with status $rc)"
if [ "$rc" -eq 124 ]; then
  echo "FAIL: no exit within $limit s (a hang)" >&2
  exit 1
fi
if [ "$rc" -eq 0 ]; then
  echo "FAIL: exit status 0, expected an error" >&2
  exit 1
fi
for i in "${!patterns[@]}"; do
  pattern=${patterns[$i]}
  wanted=${counts[$i]}
  min=${wanted%%:*}
  max=
  [ "$wanted" != "$min" ] && max=${wanted#*:}
  matches=$(grep -Ec -- "$pattern" <<<"$out")
  if [ "$matches" -lt "$min" ] || { [ -n "$max" ] && [ "$matches" -gt "$max" ]; }; then
    echo "FAIL: $matches line(s) match /$pattern/, expected ${max:+from }$min${max:+ to $max}" >&2
    exit 1
  fi
  echo "PASS: exit status $rc after $seconds s, $matches line(s) match /$pattern/"
done
