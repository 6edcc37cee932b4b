#!/usr/bin/env bash
# usage: movielens_data.sh <scripts/movielens.sh> <output dir>
# Runs scripts/movielens.sh as a user would and checks its contract: bad arguments exit
# 2 and write nothing; the files hold the dslabs `movielens` ratings (100004 ratings by
# 671 users of 9066 movies, ratings 0.5..5) numbered densely from 0, split 90004/10000
# with every test user and movie also in training; the same seed gives byte-identical
# files and another seed another split. Leaves the seed-1 split in <output dir> for the
# tests that train on it. Exits 77 (skipped) when the package cannot be downloaded.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
movielens=$1
dir=$2
rm -rf "$dir"
stderr_log=$(mktemp)
trap 'rm -f -- "$stderr_log"' EXIT

expect_rejected() {  # expect_rejected <description> <args...>
  local what=$1
  shift
  local rc=0
  bash "$movielens" "$@" >/dev/null 2>"$stderr_log" || rc=$?
  if [ "$rc" -ne 2 ]; then
    fail "$what: exit status $rc, expected 2: $(cat "$stderr_log")"
  elif ! grep -q 'error: ' "$stderr_log"; then
    fail "$what: stderr lacks an error line: $(cat "$stderr_log")"
  else
    echo "ok: $what: $(grep 'error: ' "$stderr_log" | head -n 1)"
  fi
  [ ! -e "$dir" ] || fail "$what: created $dir"
}

expect_rejected "no arguments"
expect_rejected "unknown flag" --out-dir "$dir" --colour blue
expect_rejected "missing value" --out-dir "$dir" --seed
expect_rejected "negative seed" --out-dir "$dir" --seed -1
expect_rejected "test fraction 1" --out-dir "$dir" --test-fraction 1
expect_rejected "non-numeric test fraction" --out-dir "$dir" --test-fraction tenth

run() {  # run <out dir> <args...>
  local rc=0
  bash "$movielens" --out-dir "$@" || rc=$?
  if [ "$rc" -eq 77 ]; then
    echo "SKIP: the r-cran-dslabs package could not be obtained"
    exit 77
  fi
  [ "$rc" -eq 0 ] || { echo "FAIL: movielens.sh --out-dir $* exited $rc" >&2; exit 1; }
}

run "$dir" --seed 1 --test-fraction 0.1
train=$dir/movielens.train
test=$dir/movielens.test

# One awk pass over both files: counts, density of the ids, range of the ratings,
# duplicate pairs, and test users and movies that training lacks.
summary=$(awk '
  /^#/ { next }
  NF != 3 { bad++; next }
  {
    key = $1 " " $2
    if (key in seen) dup++
    seen[key] = 1
    if ($3 < 0.5 || $3 > 5) out_of_range++
    if (FILENAME ~ /\.train$/) { ntrain++; train_user[$1] = 1; train_movie[$2] = 1 }
    else { ntest++; if (!($1 in train_user)) cold_user++; if (!($2 in train_movie)) cold_movie++ }
    if (!($1 in user)) { user[$1] = 1; users++; if ($1 + 0 > max_user) max_user = $1 + 0 }
    if (!($2 in movie)) { movie[$2] = 1; movies++; if ($2 + 0 > max_movie) max_movie = $2 + 0 }
  }
  END {
    printf "train=%d test=%d users=%d movies=%d max_user=%d max_movie=%d ",
           ntrain, ntest, users, movies, max_user, max_movie
    printf "bad_lines=%d duplicates=%d out_of_range=%d cold_users=%d cold_movies=%d\n",
           bad, dup, out_of_range, cold_user, cold_movie
  }' "$train" "$test")
echo "seed 1: $summary"
expected="train=90004 test=10000 users=671 movies=9066 max_user=670 max_movie=9065"
expected+=" bad_lines=0 duplicates=0 out_of_range=0 cold_users=0 cold_movies=0"
[ "$summary" = "$expected" ] || fail "seed 1: expected $expected"

run "$dir/again" --seed 1
cmp -s "$train" "$dir/again/movielens.train" || fail "same seed, different train files"
cmp -s "$test" "$dir/again/movielens.test" || fail "same seed, different test files"

run "$dir/seed2" --seed 2
cmp -s "$test" "$dir/seed2/movielens.test" && fail "seeds 1 and 2 gave the same test file"
lines=$(cat "$dir/seed2/movielens.train" "$dir/seed2/movielens.test" | grep -vc '^#')
[ "$lines" -eq 100004 ] || fail "seed 2: expected 100004 ratings, got $lines"
# The same ratings, only split differently.
ratings_of() { cat "$1/movielens.train" "$1/movielens.test" | grep -v '^#' | sort; }
if ! cmp -s <(ratings_of "$dir") <(ratings_of "$dir/seed2"); then
  fail "seeds 1 and 2 split different sets of ratings"
fi
rm -rf "$dir/again" "$dir/seed2"
left=$(find "$dir" -name '*.tmp.*')
[ -z "$left" ] || fail "temporary files left behind: $left"

finish "movielens.sh writes the dslabs MovieLens ratings and splits them deterministically"
