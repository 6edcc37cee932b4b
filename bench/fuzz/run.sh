#!/bin/bash
# Long mutation-fuzzing run of weftc (bench/fuzz/mutate.py): 2000 mutants by default,
# about 1 to 2 s each on one core. Flagged mutants go to OUT (with repro.sh each), the
# progress every 100 mutants and the counts at the end to stdout.
#
#   bench/fuzz/run.sh [WEFTC] [OUT] [COUNT] [SEED]
#   nohup bench/fuzz/run.sh build/tools/weftc/weftc /tmp/weft-fuzz 2000 1 > /tmp/weft-fuzz.log 2>&1 &
# WEFT_INCLUDE overrides the headers the mutants and outputs compile against (default:
# the tree's include/).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
weftc=${1:-$root/build/tools/weftc/weftc}
out=${2:-/tmp/weft-fuzz}
count=${3:-2000}
seed=${4:-1}
exec python3 "$root/bench/fuzz/mutate.py" --weftc "$weftc" --root "$root" \
  --include "${WEFT_INCLUDE:-$root/include}" --out "$out" --seed "$seed" --count "$count"
