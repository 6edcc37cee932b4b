#!/usr/bin/env bash
# usage: bench/comm/run.sh [build dir] [bench arguments...]
# Communication scheduling on 2 processes of this machine, on an emulated 1 Gb/s link
# with 50 us of latency: the contrived, VGG-16 and ResNet-50 profiles under fifo, buckets,
# fusion and priority (four partition/credit points, the simulator's pick marked), then the scheduler's overhead and
# cost per chunk; every configuration in one run, rounds alternating. Computation is
# emulated by sleeping between polls (see README.md); add "--compute spin" to spin.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$repo/build}
shift $(( $# > 0 ? 1 : 0 ))
cmake --build "$build" -j1 --target comm_bench >/dev/null
mpirun=(mpirun --bind-to none -np 2)
[ "$(id -u)" = 0 ] && mpirun+=(--allow-run-as-root --oversubscribe)
"${mpirun[@]}" "$build/bench/comm/comm_bench" --steps 8 --rounds 5 --scale 48 --compute sleep \
  --weft-emulate-link=1,50 "$@"
