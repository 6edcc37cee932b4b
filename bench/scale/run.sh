#!/usr/bin/env bash
# Scale benchmark: weftc (--emit=source, the whole pipeline) on generated training
# programs with 50, 100, 250 and 500 annotated loops of about 10 KB each (a 5 MB file at
# 500 loops; bench/scale/generate.py), in two shapes: one function per loop, and every
# loop in one function. Prints the wall time and peak RSS of each run (/usr/bin/time -v)
# and whether the 500-loop runs meet the target: under 10 s and under 1 GB. The baseline
# is the same file without its pragmas, which weftc parses but does not analyse.
#
#   bash bench/scale/run.sh [SIZES...]        (after scripts/test.sh or a build)
#
# Environment: BUILD_DIR (default build), WEFTC (default BUILD_DIR/tools/weftc/weftc),
# SHAPES (loops per function, "1 all" by default; a number N puts N loops in each).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$repo/build}
weftc=${WEFTC:-$build/tools/weftc/weftc}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50 100 250 500)
shapes=${SHAPES:-1 all}
[ -x "$weftc" ] || { echo "run.sh: no weftc at $weftc; build first (scripts/test.sh)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "run.sh: needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }

# wall_seconds <file>: the elapsed wall time /usr/bin/time -v wrote, in seconds.
wall_seconds() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
    for (i = 1; i <= n; ++i) s = s * 60 + t[i]; print s }' "$1"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
printf '%-6s %-14s %8s %9s %10s %11s  %s\n' loops "per function" "file MB" seconds "peak MB" \
  "parse only" target
for n in "${sizes[@]}"; do
  for shape in $shapes; do
    per=$shape
    [ "$shape" = all ] && per=$n
    python3 "$repo/bench/scale/generate.py" --loops "$n" --per-function "$per" >"$work/loops.cpp"
    if ! /usr/bin/time -v -o "$work/time.txt" "$weftc" "$work/loops.cpp" -o "$work/out.cpp" \
        2>"$work/stderr.txt"; then
      echo "run.sh: weftc failed on $n loops ($shape per function):" >&2
      tail -5 "$work/stderr.txt" >&2
      exit 1
    fi
    seconds=$(wall_seconds "$work/time.txt")
    peak_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
    sed -e 's/^ *#pragma weft .*$//' "$work/loops.cpp" >"$work/baseline.cpp"
    /usr/bin/time -v -o "$work/time.txt" "$weftc" "$work/baseline.cpp" -o "$work/base.cpp" \
      2>/dev/null
    baseline=$(wall_seconds "$work/time.txt")
    calls=$(grep -c 'weft::rt::[a-z_0-9]*(weft::rt::Session::current()' "$work/out.cpp" || true)
    [ "$calls" -gt 0 ] || { echo "run.sh: no loop was rewritten ($n loops)" >&2; exit 1; }
    verdict=""
    if [ "$n" = 500 ]; then
      if awk -v s="$seconds" -v m="$peak_kb" 'BEGIN { exit !(s < 10 && m < 1024 * 1024) }'; then
        verdict="met (under 10 s and 1 GB)"
      else
        verdict="MISSED (10 s, 1 GB)"
        status=1
      fi
    fi
    printf '%-6s %-14s %8.1f %9.2f %10.0f %11.2f  %s\n' "$n" "$shape" \
      "$(stat -c %s "$work/loops.cpp" | awk '{ print $1 / 1e6 }')" "$seconds" \
      "$(awk -v k="$peak_kb" 'BEGIN { print k / 1024 }')" "$baseline" "$verdict"
  done
done
exit $status
