#!/usr/bin/env bash
# Runs every weft test: installs what is missing (scripts/setup.sh), builds everything
# (Release, -j2) in build/, then runs all tests through ctest: gtest unit tests, the lit
# tests of weftc, and the end-to-end tests.
#
#   bash scripts/test.sh          (from anywhere; works in a fresh clone)
#
# Environment: JOBS (parallel jobs, default 2), BUILD_DIR (default build).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
jobs=${JOBS:-2}

bash "$repo/scripts/setup.sh"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$jobs"
cd "$build"
ctest --output-on-failure -j "$jobs"
