#!/bin/bash
# Long differential soundness run (tests/soundness/check_programs.py): COUNT random cases
# (default 400, about 1 s each on one core), each built serially and through weftc and
# run on 2 processes x 1 thread and 4 x 2; prints every difference and the counts, and
# keeps a reproducer per finding in OUT/findings.
#
#   bench/soundness/run.sh [BUILD] [OUT] [COUNT] [SEED]
#   nohup bench/soundness/run.sh build /tmp/weft-soundness 1000 5 > /tmp/weft-soundness.log 2>&1 &
# WEFTC, WEFT_INCLUDE and WEFT_RUNTIME_LIB override the weftc, headers and runtime
# library taken from BUILD and the tree (for a snapshot that others' rebuilds cannot
# change under a long run).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
out=${2:-/tmp/weft-soundness}
count=${3:-400}
seed=${4:-1}
exec python3 "$root/tests/soundness/check_programs.py" \
  --weftc "${WEFTC:-$build/tools/weftc/weftc}" \
  --include "${WEFT_INCLUDE:-$root/include}" \
  --runtime-lib "${WEFT_RUNTIME_LIB:-$build/dsm-runtime/libweft_dsm.a}" \
  --work "$out" --findings "$out/findings" \
  --seed "$seed" --count "$count" --per-file 8 --runs 2x1,4x2
