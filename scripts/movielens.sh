#!/usr/bin/env bash
# usage: movielens.sh --out-dir DIR [--seed S] [--test-fraction F]
#
# Writes the MovieLens ratings of the R package dslabs (data set `movielens`: 100004
# ratings of 9066 movies by 671 users, ratings 0.5..5) as the triple files of the mf
# sample: DIR/movielens.train and DIR/movielens.test (default seed 1, test fraction
# 0.1). R is not needed: the package's files are read by scripts/movielens.py, which
# also says how users and movies are numbered and how the split is drawn.
#
# The package comes from /usr/lib/R/site-library/dslabs when r-cran-dslabs is
# installed; otherwise `apt-get download r-cran-dslabs` fetches the Debian package
# into a temporary directory (no root needed) and `dpkg-deb -x` unpacks it there.
#
# Exit status: 0; 1 if the package's data cannot be read; 2 on bad arguments;
# 77 if the package is not installed and cannot be downloaded (e.g. no network).
set -euo pipefail
shopt -s extglob

readonly installed=/usr/lib/R/site-library/dslabs
helper="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/movielens.py"
readonly helper
readonly exit_unavailable=77

usage() {
  echo "usage: movielens.sh --out-dir DIR [--seed S] [--test-fraction F]"
}
usage_error() {
  echo "movielens.sh: error: $1" >&2
  usage >&2
  exit 2
}

out_dir=""
options=()
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --out-dir|--seed|--test-fraction)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      if [ "$1" = --out-dir ]; then out_dir=$2; else options+=("$1" "$2"); fi
      shift 2 ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done
[ -n "$out_dir" ] || usage_error "missing --out-dir"
# The helper checks the values fully; this catches malformed ones before a download.
for ((n = 0; n < ${#options[@]}; n += 2)); do
  case ${options[n]}=${options[n+1]} in
    --seed=+([0-9]) | --test-fraction=@(0|0.*([0-9])|.+([0-9]))) ;;
    --seed=*) usage_error "--seed needs a non-negative integer, got '${options[n+1]}'" ;;
    *) usage_error "--test-fraction needs a number in [0, 1), got '${options[n+1]}'" ;;
  esac
done
command -v python3 >/dev/null || { echo "movielens.sh: error: python3 not found" >&2; exit 1; }

if [ -d "$installed/data" ]; then
  package_dir=$installed
else
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/movielens.XXXXXX")
  trap 'rm -rf -- "$scratch"' EXIT
  if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
    echo "movielens.sh: error: r-cran-dslabs is not installed and apt-get/dpkg-deb are missing" >&2
    exit $exit_unavailable
  fi
  (cd "$scratch" && apt-get download -o Acquire::Retries=0 -o Acquire::http::Timeout=30 \
     r-cran-dslabs) >"$scratch/apt.log" 2>&1 || true
  debs=("$scratch"/r-cran-dslabs_*.deb)
  if [ ! -f "${debs[0]}" ]; then
    cat "$scratch/apt.log" >&2
    echo "movielens.sh: error: r-cran-dslabs is not installed and" \
         "'apt-get download r-cran-dslabs' failed (no network, or no apt source has it)" >&2
    exit $exit_unavailable
  fi
  deb=${debs[0]}
  if ! dpkg-deb -x "$deb" "$scratch/root"; then
    echo "movielens.sh: error: cannot unpack $deb" >&2
    exit 1
  fi
  package_dir=$scratch/root$installed
  echo "movielens.sh: using $(basename "$deb")"
fi

python3 "$helper" --package-dir "$package_dir" --out-dir "$out_dir" ${options[@]+"${options[@]}"}
