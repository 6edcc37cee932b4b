#!/usr/bin/env bash
# usage: datagen_lr_cli.sh <weft-datagen> <scratch dir>
# Checks `weft-datagen lr`: bad arguments exit 2 and leave no file (not even a temporary
# one); the files have the documented format (examples numbered 0..n-1, one label line
# "i 0 y" with y 0 or 1 each, feature ids in [1, F] increasing, values of unit norm); the
# same seed gives byte-identical files and another seed does not.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
datagen=$1
dir=$2
enter_scratch_dir "$dir"

expect_rejected() {  # expect_rejected <description> <args...>
  expect_usage_error "$1" weft-datagen "$datagen" "${@:2}"
}

good=(--examples 300 --features 50 --train train.txt --test test.txt)
expect_rejected "unknown flag" lr "${good[@]}" --colour blue
expect_rejected "missing value" lr "${good[@]}" --seed
expect_rejected "missing --examples" lr --features 50 --train train.txt --test test.txt
expect_rejected "missing --features" lr --examples 300 --train train.txt --test test.txt
expect_rejected "missing --test" lr --examples 300 --features 50 --train train.txt
expect_rejected "non-numeric examples" lr --examples many --features 50 --train train.txt --test test.txt
expect_rejected "numeric prefix" lr --examples 300x --features 50 --train train.txt --test test.txt
expect_rejected "zero examples" lr --examples 0 --features 50 --train train.txt --test test.txt
expect_rejected "zero features" lr --examples 300 --features 0 --train train.txt --test test.txt
expect_rejected "too many features" lr --examples 300 --features 100000001 --train train.txt --test test.txt
expect_rejected "zero nnz" lr "${good[@]}" --nnz 0
expect_rejected "negative zipf" lr "${good[@]}" --zipf -1
expect_rejected "non-numeric signal" lr "${good[@]}" --signal strong
expect_rejected "infinite signal" lr "${good[@]}" --signal inf
expect_rejected "test fraction above 1" lr "${good[@]}" --test-fraction 1.5
expect_rejected "same train and test file" lr --examples 300 --features 50 --train a.txt --test a.txt
expect_rejected "flag given twice" lr "${good[@]}" --examples 400

# The format, checked on both files: prints "<examples> <non-zeros>" or the first fault.
check_format() {  # check_format <file> <features>
  awk -v F="$2" '
    function fault(msg) { print FILENAME ":" FNR ": " msg; bad = 1; exit 1 }
    function close_example() {
      if (n >= 0 && (sq < 0.9999 || sq > 1.0001) && nz > 0) fault("example " n " has norm^2 " sq)
    }
    FNR == 1 { if ($0 !~ /^# weft-datagen lr /) fault("no header line"); n = -1; next }
    NF != 3 { fault("expected 3 fields: " $0) }
    $2 == 0 {
      close_example()
      if ($1 != n + 1) fault("example " $1 " follows example " n)
      if ($3 != "0" && $3 != "1") fault("label " $3)
      n = $1; sq = 0; nz = 0; f = 0; next
    }
    {
      if ($1 != n) fault("feature line of example " $1 " inside example " n)
      if ($2 <= f || $2 > F) fault("feature " $2 " after " f " (features 1.." F ")")
      if ($3 <= 0 || $3 > 1) fault("value " $3)
      f = $2; sq += $3 * $3; nz++; total++
    }
    END { if (!bad) { close_example(); if (!bad) print n + 1, total + 0 } }' "$1"
}

"$datagen" lr "${good[@]}" --seed 7 2>stderr.log || fail "valid arguments rejected: $(cat stderr.log)"
train_format=$(check_format train.txt 50) || fail "train.txt: $train_format"
test_format=$(check_format test.txt 50) || fail "test.txt: $test_format"
examples=$(( ${train_format%% *} + ${test_format%% *} ))
[ "$examples" -eq 300 ] || fail "expected 300 examples over both files, got $examples"
labels=$(cat train.txt test.txt | awk '$2 == 0 { n[$3]++ } END { print n[0] + 0, n[1] + 0 }')
case $labels in
  "0 "* | *" 0") fail "only one label occurs: counts (0, 1) = ($labels)" ;;
esac
echo "ok: format: train: ${train_format% *} examples, test: ${test_format% *} examples; labels (0, 1): $labels"

mv train.txt train_a.txt
mv test.txt test_a.txt
"$datagen" lr "${good[@]}" --seed 7 2>/dev/null
cmp -s train.txt train_a.txt || fail "same seed, different train files"
cmp -s test.txt test_a.txt || fail "same seed, different test files"
"$datagen" lr "${good[@]}" --seed 8 2>/dev/null
cmp -s train.txt train_a.txt && fail "seeds 7 and 8 gave the same train file"

"$datagen" lr "${good[@]}" --test-fraction 0 2>/dev/null
[ "$(grep -vc '^#' test.txt || true)" -eq 0 ] || fail "--test-fraction 0 wrote test examples"
"$datagen" lr "${good[@]}" --test-fraction 1 2>/dev/null
[ "$(grep -vc '^#' train.txt || true)" -eq 0 ] || fail "--test-fraction 1 wrote train examples"
expect_no_temporary_files

finish "weft-datagen lr rejects bad arguments, writes the documented format and is deterministic"
