#!/usr/bin/env bash
# usage: install_and_use.sh <cmake> <weft build dir> <work dir> <mpiexec>
# Installs the weft build into <work dir>/prefix with `cmake --install`, builds the
# project in tests/install/project against it with find_package(weft) (nothing from the
# source or build tree on its paths), and checks that its parallel program, built by the
# installed weftc through weft_add_parallel_executable, prints the serial program's
# numbers on 2 processes. Then edits the source and a header it includes and checks that
# the build reruns weftc.
set -euo pipefail
cmake=$1
build=$2
work=$3
mpiexec=$4
here=$(cd "$(dirname "$0")" && pwd)

fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
"$cmake" --install "$build" --prefix "$work/prefix" > "$work/install.log" || fail "cmake --install failed (see $work/install.log)"
for f in bin/weftc include/weft/weft.h include/weft/parallel.h lib/cmake/weft/weftConfig.cmake \
         lib/cmake/weft/WeftParallel.cmake; do
  [ -e "$work/prefix/$f" ] || fail "the install lacks $f"
done
# The installed weftc finds the installed headers, not the source tree's.
"$work/prefix/bin/weftc" --emit=model "$here/project/squares.cpp" -- -I"$here/project" > /dev/null \
  || fail "the installed weftc cannot parse the project"

cp -r "$here/project" "$work/src"
"$cmake" -S "$work/src" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release \
  > "$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configuring the user project failed"; }
"$cmake" --build "$work/build" -j2 > "$work/build.log" 2>&1 || { cat "$work/build.log"; fail "building the user project failed"; }
grep -q "$work/prefix/bin/weftc" "$work/build/CMakeFiles/squares_parallel.dir/build.make" \
  || fail "the parallel program was not rewritten by the installed weftc"

root=()
[ "$(id -u)" = 0 ] && root=(--allow-run-as-root --oversubscribe)
serial=$("$work/build/squares")
parallel=$("$mpiexec" -np 2 "${root[@]}" "$work/build/squares_parallel" --weft-threads=1)
[ "$serial" = "$parallel" ] || fail "serial printed '$serial', 2 processes printed '$parallel'"
echo "serial and 2 processes print: $serial"

# An edit of the source reruns weftc.
sed -i 's/kSquares - 1/kSquares - 2/' "$work/src/squares.cpp"
"$cmake" --build "$work/build" -j2 > "$work/rebuild.log" 2>&1 || { cat "$work/rebuild.log"; fail "the rebuild failed"; }
grep -q "weftc: rewriting squares.cpp" "$work/rebuild.log" || fail "editing the source did not rerun weftc"
grep -q "kSquares - 2" "$work/build/weft/squares_parallel/squares.cpp" || fail "the rewritten file is stale"
# So does an edit of a header it includes.
sed -i 's/= 1000;/= 1200;/' "$work/src/squares_config.h"
"$cmake" --build "$work/build" -j2 > "$work/rebuild2.log" 2>&1 || { cat "$work/rebuild2.log"; fail "the rebuild failed"; }
grep -q "weftc: rewriting squares.cpp" "$work/rebuild2.log" || fail "editing an included header did not rerun weftc"
echo "PASS: installed weft builds a user project with find_package(weft); edits rerun weftc"
