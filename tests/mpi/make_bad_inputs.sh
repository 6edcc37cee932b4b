#!/usr/bin/env bash
# usage: make_bad_inputs.sh <weft-datagen> <dir>
# Writes a small mf data set (train.txt, test.txt) and damaged copies of the training
# file into <dir>, for the tests of bad inputs (tests/mpi/CMakeLists.txt):
#   cut.txt        the last line cut in the middle of its value (no final newline)
#   bad_value.txt  a last line whose value is not a number
#   fewer.txt      the first 90% of the lines (another file of the same kind)
#   swapped.txt    the same lines with two values exchanged (same count and shape)
#   big_key.txt    one more line whose user key is 2^31
#   empty.txt      nothing
set -euo pipefail
datagen=$1
dir=$2
mkdir -p "$dir"
"$datagen" mf --users 300 --items 100 --ratings 6000 --rank 4 --noise 0.3 --seed 3 \
  --train "$dir/train.txt" --test "$dir/test.txt" >/dev/null
lines=$(wc -l <"$dir/train.txt")
head -c -3 "$dir/train.txt" >"$dir/cut.txt"
{ cat "$dir/train.txt"; echo "7 3 oops"; } >"$dir/bad_value.txt"
head -n $((lines * 9 / 10)) "$dir/train.txt" >"$dir/fewer.txt"
# Exchange the values of the first two entries: same keys, same count, other data.
awk '/^#/ { print; next }
     n == 0 { a = $0; n = 1; next }
     n == 1 { split(a, x); split($0, y); print x[1], x[2], y[3]; print y[1], y[2], x[3]; n = 2; next }
     { print }' "$dir/train.txt" >"$dir/swapped.txt"
{ cat "$dir/train.txt"; echo "2147483648 3 1.0"; } >"$dir/big_key.txt"
: >"$dir/empty.txt"
