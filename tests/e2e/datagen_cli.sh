#!/usr/bin/env bash
# usage: datagen_cli.sh <weft-datagen> <scratch dir>
# Checks weft-datagen's contract: bad arguments exit 2 and leave no file (not even a
# temporary one); the same seed gives byte-identical files; another seed does not.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
datagen=$1
dir=$2
enter_scratch_dir "$dir"

expect_rejected() {  # expect_rejected <description> <args...>
  expect_usage_error "$1" weft-datagen "$datagen" "${@:2}"
}

good=(--users 50 --items 40 --ratings 500 --train train.txt --test test.txt)
expect_rejected "no subcommand"
expect_rejected "unknown subcommand" nmf "${good[@]}"
expect_rejected "unknown flag" mf "${good[@]}" --colour blue
expect_rejected "missing value" mf "${good[@]}" --seed
expect_rejected "non-numeric users" mf --users many --items 40 --ratings 500 --train train.txt --test test.txt
expect_rejected "numeric prefix" mf --users 50x --items 40 --ratings 500 --train train.txt --test test.txt
expect_rejected "non-numeric noise" mf "${good[@]}" --noise loud
expect_rejected "negative ratings" mf --users 50 --items 40 --ratings -5 --train train.txt --test test.txt
expect_rejected "more ratings than pairs" mf --users 50 --items 40 --ratings 2001 --train train.txt --test test.txt
expect_rejected "test fraction above 1" mf "${good[@]}" --test-fraction 1.5
expect_rejected "missing --train" mf --users 50 --items 40 --ratings 500 --test test.txt
expect_rejected "same train and test file" mf --users 50 --items 40 --ratings 500 --train a.txt --test a.txt
expect_rejected "flag given twice" mf "${good[@]}" --users 60

# Every pair exactly once: the densest possible request is accepted.
"$datagen" mf --users 50 --items 40 --ratings 2000 --train all_train.txt --test all_test.txt 2>/dev/null
pairs=$(cat all_train.txt all_test.txt | grep -v '^#' | awk '{print $1, $2}' | sort -u | wc -l)
[ "$pairs" -eq 2000 ] || fail "dense request: expected 2000 distinct pairs, got $pairs"

"$datagen" mf "${good[@]}" --seed 7 2>/dev/null
mv train.txt train_a.txt
mv test.txt test_a.txt
"$datagen" mf "${good[@]}" --seed 7 2>/dev/null
cmp -s train.txt train_a.txt || fail "same seed, different train files"
cmp -s test.txt test_a.txt || fail "same seed, different test files"
lines=$(cat train.txt test.txt | grep -vc '^#')
[ "$lines" -eq 500 ] || fail "expected 500 ratings, got $lines"
"$datagen" mf "${good[@]}" --seed 8 2>/dev/null
cmp -s train.txt train_a.txt && fail "seeds 7 and 8 gave the same train file"
expect_no_temporary_files

finish "weft-datagen rejects bad arguments and is deterministic"
