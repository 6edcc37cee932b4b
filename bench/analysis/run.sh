#!/usr/bin/env bash
# Analysis benchmark: weftc --emit=report on a generated file with N annotated loops
# (default 50), against a baseline run in the same invocation: the same file with the
# pragmas removed, which weftc parses but does not analyse. The difference is the time
# of the analysis (loop models, dependences, schedules, report) for the N loops.
#
#   bash bench/analysis/run.sh [N] [REPEATS]       (after scripts/test.sh or a build)
#
# Environment: BUILD_DIR (default build). Prints the median of REPEATS runs (default 5).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$repo/build}
weftc=$build/tools/weftc/weftc
loops=${1:-50}
repeats=${2:-5}
[ -x "$weftc" ] || { echo "run.sh: no weftc at $weftc; build first (scripts/test.sh)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$repo/bench/analysis/generate.py" "$loops" >"$work/loops.cpp"
sed -e 's/^ *#pragma weft .*$//' "$work/loops.cpp" >"$work/baseline.cpp"

# median_seconds <file>: the median wall time of `repeats` runs of weftc on it.
median_seconds() {
  local times=()
  for _ in $(seq "$repeats"); do
    local start end
    start=$(date +%s%N)
    "$weftc" --emit=report "$1" -o "$work/out.json" 2>/dev/null
    end=$(date +%s%N)
    times+=("$((end - start))")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] / 1e9 }'
}

analysed=$(median_seconds "$work/loops.cpp")
verdicts=$(grep -c '"verdict"' "$work/out.json")
baseline=$(median_seconds "$work/baseline.cpp")
[ "$verdicts" -eq "$loops" ] || { echo "run.sh: expected $loops verdicts, got $verdicts" >&2; exit 1; }

awk -v a="$analysed" -v b="$baseline" -v n="$loops" 'BEGIN {
  d = a - b; if (d < 0) d = 0;
  printf "weftc --emit=report, %d annotated loops: %.3f s\n", n, a
  printf "baseline (same file, no pragmas: parse only): %.3f s\n", b
  printf "analysis of the %d loops: %.3f s (%.0f loops/s), %.2fx the parse time\n", n, d, (d > 0 ? n / d : 0), (b > 0 ? d / b : 0)
  printf "target: analysis under 1 s for 50 loops: %s\n", (n == 50 ? (d < 1.0 ? "met" : "NOT met") : "n/a")
}'
