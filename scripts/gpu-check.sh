#!/usr/bin/env bash
# Runs weft::gpu's tests (tests/gpu: every operation against the CPU's, training steps, errors)
# on a machine with a CUDA device, with their output. Configures and builds only what they
# need (weft_gpu, weft_nn, the test binary) in BUILD_DIR if that is not done yet, then runs
# them. Fails when a test fails, or when the tests saw no device (they would only skip).
#
#   bash scripts/gpu-check.sh          (a few minutes from a fresh build, seconds after)
#
# Environment: BUILD_DIR (default build-gpu), JOBS (default: the number of cores).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build-gpu}
jobs=${JOBS:-$(nproc)}

if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
else
  echo "gpu-check: nvidia-smi not found"
fi

# A build directory configured for another checkout (copied from elsewhere) cannot be
# reused: configure a fresh one next to it.
if [[ -f $build/CMakeCache.txt ]] &&
  ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$repo" "$build/CMakeCache.txt"; then
  echo "gpu-check: $build was configured for another source tree; using $build-here"
  build=$build-here
fi
if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DWEFT_WITH_CUDA=ON
fi
cmake --build "$build" --target weft_gpu_tests -j "$jobs"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
timeout 300 "$build/tests/gpu/weft_gpu_tests" --gtest_color=no 2>&1 | tee "$log" || status=$?
if grep -q "no CUDA device is present" "$log"; then
  echo "gpu-check: FAILED: the tests saw no CUDA device (weft::gpu::device_count() is 0)"
  exit 1
fi
if [[ $status -ne 0 ]]; then
  echo "gpu-check: FAILED (exit status $status)"
  exit "$status"
fi
echo "gpu-check: all GPU tests passed"
