#!/usr/bin/env bash
# Installs every Debian package weft builds, tests or runs with, then checks that each
# tool the build needs is where CMake will look. Idempotent: a machine that has
# everything installs nothing and only runs the checks.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  llvm-14-dev libclang-14-dev clang-14 llvm-14-tools
  libisl-dev
  libopenmpi-dev openmpi-bin
  libtbb-dev
  googletest libgtest-dev
  nlohmann-json3-dev
  libopenblas-dev zlib1g-dev
  dataset-fashion-mnist
  gnuplot-nox
  python3
  strace  # bench/e2e/time_to_accuracy.sh: when LIBMF finishes reading its data
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Each check names what failed and which package provides it.
status=0
need() {  # need <path-or-command> <package> <what>
  if [ -e "$1" ] || command -v "$1" >/dev/null 2>&1; then return 0; fi
  echo "setup: error: $3 not found ($1); install the Debian package '$2'" >&2
  status=1
}
need /usr/lib/llvm-14/lib/cmake/llvm/LLVMConfig.cmake llvm-14-dev "LLVM 14 CMake config"
need /usr/lib/llvm-14/lib/cmake/clang/ClangConfig.cmake libclang-14-dev "Clang 14 CMake config"
need /usr/lib/llvm-14/lib/libclang-cpp.so.14 libclang-cpp14 "libclang-cpp"
need clang-14 clang-14 "clang-14 (for its resource directory)"
need /usr/lib/llvm-14/bin/FileCheck llvm-14-tools "FileCheck"
need /usr/lib/llvm-14/build/utils/lit/lit.py llvm-14-tools "lit"
need /usr/include/isl/cpp.h libisl-dev "isl C++ bindings"
need mpicxx libopenmpi-dev "MPI C++ compiler wrapper"
need mpirun openmpi-bin "mpirun"
need /usr/include/oneapi/tbb.h libtbb-dev "oneTBB headers"
need /usr/src/googletest googletest "GoogleTest sources"
need /usr/include/nlohmann/json.hpp nlohmann-json3-dev "nlohmann JSON"
need gnuplot gnuplot-nox "gnuplot"
need python3 python3 "python3 (runs lit)"
need /usr/include/zlib.h zlib1g-dev "zlib headers (gzip-compressed IDX files)"
need /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz dataset-fashion-mnist "Fashion-MNIST (samples/mlp)"
if ! pkg-config --exists isl; then
  echo "setup: error: pkg-config does not find isl; install 'libisl-dev'" >&2
  status=1
fi
if ! pkg-config --exists openblas; then
  echo "setup: error: pkg-config does not find openblas; install 'libopenblas-dev'" >&2
  status=1
fi
if [ -x /usr/local/cuda/bin/nvcc ]; then
  echo "setup: CUDA toolkit found at /usr/local/cuda (GPU code will be built)"
else
  echo "setup: no CUDA toolkit at /usr/local/cuda: GPU code is skipped (WEFT_WITH_CUDA=OFF)"
fi
[ $status -eq 0 ] && echo "setup: all build dependencies present"
exit $status
