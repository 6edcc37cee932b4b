#!/usr/bin/env bash
# usage: datagen_lda_cli.sh <weft-datagen> <scratch dir>
# Checks weft-datagen lda's contract: bad arguments exit 2 and leave no file (not even a
# temporary one); the corpus has the documented shape; the same seed gives a
# byte-identical file, another seed does not.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
datagen=$1
dir=$2
enter_scratch_dir "$dir"

expect_rejected() {  # expect_rejected <description> <args...>
  expect_usage_error "$1" weft-datagen "$datagen" "${@:2}"
}

good=(--docs 40 --vocab 30 --topics 4 --min-length 5 --max-length 12 --corpus corpus.txt)
expect_rejected "unknown flag" lda "${good[@]}" --colour blue
expect_rejected "missing value" lda "${good[@]}" --seed
expect_rejected "missing --docs" lda --vocab 30 --corpus corpus.txt
expect_rejected "missing --vocab" lda --docs 40 --corpus corpus.txt
expect_rejected "missing --corpus" lda --docs 40 --vocab 30
expect_rejected "empty --corpus" lda --docs 40 --vocab 30 --corpus ''
expect_rejected "non-numeric docs" lda --docs many --vocab 30 --corpus corpus.txt
expect_rejected "numeric prefix" lda --docs 40x --vocab 30 --corpus corpus.txt
expect_rejected "zero documents" lda --docs 0 --vocab 30 --corpus corpus.txt
expect_rejected "zero topics" lda --docs 40 --vocab 30 --topics 0 --corpus corpus.txt
expect_rejected "too many topics" lda --docs 40 --vocab 30 --topics 2000 --corpus corpus.txt
expect_rejected "zero alpha" lda "${good[@]}" --alpha 0
expect_rejected "non-numeric beta" lda "${good[@]}" --beta small
expect_rejected "infinite beta" lda "${good[@]}" --beta inf
expect_rejected "min length above max" lda --docs 40 --vocab 30 --min-length 20 --max-length 10 --corpus corpus.txt
expect_rejected "zero min length" lda --docs 40 --vocab 30 --min-length 0 --corpus corpus.txt
expect_rejected "more tokens than 32-bit counts" lda --docs 100000000 --vocab 30 --max-length 1000 --corpus corpus.txt
expect_rejected "topics x vocab too large" lda --docs 40 --vocab 100000000 --topics 2 --corpus corpus.txt
expect_rejected "negative seed" lda "${good[@]}" --seed -1
expect_rejected "flag given twice" lda "${good[@]}" --docs 50

# The shape: a '#' header, then "d w p 1" lines, documents in order, positions 0..n-1
# in order, lengths within [5, 12], words below 30, every document present.
"$datagen" lda "${good[@]}" --seed 7 2>/dev/null
if ! awk '
    /^#/ { next }
    NF != 4 || $4 != 1 || $2 < 0 || $2 >= 30 { print "bad line " NR ": " $0; bad = 1; exit }
    $1 == doc { if ($3 != pos + 1) { print "position gap at line " NR; bad = 1; exit } pos = $3; next }
    {
      if (NR > 2 && (pos + 1 < 5 || pos + 1 > 12)) { print "document " doc " has " pos + 1 " tokens"; bad = 1; exit }
      if ($1 != doc + 1 || $3 != 0) { print "document order broken at line " NR; bad = 1; exit }
      doc = $1; pos = 0
    }
    END {
      if (bad) exit 1
      if (doc != 39) { print "last document " doc ", expected 39"; exit 1 }
      if (pos + 1 < 5 || pos + 1 > 12) { print "document " doc " has " pos + 1 " tokens"; exit 1 }
    }' doc=-1 pos=-1 corpus.txt; then
  fail "corpus.txt does not have the documented shape"
fi
head -n 1 corpus.txt | grep -q '^# weft-datagen lda --docs 40 --vocab 30 --topics 4 ' || fail "missing header line"

mv corpus.txt corpus_a.txt
"$datagen" lda "${good[@]}" --seed 7 2>/dev/null
cmp -s corpus.txt corpus_a.txt || fail "same seed, different corpora"
"$datagen" lda "${good[@]}" --seed 8 2>/dev/null
cmp -s corpus.txt corpus_a.txt && fail "seeds 7 and 8 gave the same corpus"
expect_no_temporary_files

finish "weft-datagen lda rejects bad arguments, writes the documented shape and is deterministic"
