#!/usr/bin/env bash
# usage: expect_failure.sh <timeout seconds> <pattern> <min matches> <command...>
# Passes if the command ends within the timeout (no hang) with a non-zero status and at
# least <min matches> lines of its output (stdout and stderr) match <pattern> (an
# extended regex): e.g. the same error reported by every process.
set -uo pipefail
limit=$1
pattern=$2
min=$3
shift 3
out=$(timeout "$limit" "$@" 2>&1)
rc=$?
echo "$out"
if [ "$rc" -eq 124 ]; then
  echo "FAIL: no exit within $limit s (a hang)" >&2
  exit 1
fi
if [ "$rc" -eq 0 ]; then
  echo "FAIL: exit status 0, expected an error" >&2
  exit 1
fi
matches=$(grep -Ec -- "$pattern" <<<"$out")
if [ "$matches" -lt "$min" ]; then
  echo "FAIL: $matches line(s) match /$pattern/, expected at least $min" >&2
  exit 1
fi
echo "PASS: exit status $rc, $matches line(s) match /$pattern/"
