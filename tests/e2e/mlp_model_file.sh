#!/usr/bin/env bash
# usage: mlp_model_file.sh <mlp> <scratch dir>
# mlp --save / --load: a saved model loads and saves back to the same bytes; a missing,
# cut-short, foreign or mis-shaped file is an error naming the file (exit 1, nothing on
# stdout); a save that cannot be written leaves neither the file nor a temporary.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mlp=$1
enter_scratch_dir "$2"

"$mlp" --epochs 1 --train-limit 1000 --save model.bin >train.csv
"$mlp" --epochs 0 --load model.bin --save again.bin >/dev/null
if cmp -s model.bin again.bin; then
  echo "ok: a loaded model saves back to the same $(wc -c <model.bin) bytes"
else
  fail "a loaded model saved back differs from the file it came from"
fi
expect_no_temporary_files

# expect_load_error <description> <file> <message pattern> [mlp flags...]
expect_load_error() {
  local what=$1 file=$2 pattern=$3
  shift 3
  local rc=0
  "$mlp" --epochs 1 --train-limit 100 --load "$file" "$@" >stdout.log 2>stderr.log || rc=$?
  if [ "$rc" -ne 1 ]; then
    fail "$what: exit status $rc, expected 1"
  elif ! grep -q "^mlp: error: $pattern" stderr.log; then
    fail "$what: unexpected message: $(cat stderr.log)"
  elif [ -s stdout.log ]; then
    fail "$what: printed on stdout: $(cat stdout.log)"
  else
    echo "ok: $what: $(cat stderr.log)"
  fi
}

expect_load_error "a missing file" none.bin "none.bin: cannot open the model: No such file or directory"
head -c 1000 model.bin >short.bin
expect_load_error "a file cut short" short.bin "short.bin: 1000 bytes, but widths 784,200,100,10 need $(wc -c <model.bin) (cut short?)"
{ cat model.bin; printf 'x'; } >long.bin
expect_load_error "trailing bytes" long.bin "long.bin: .* (trailing bytes)"
printf 'P5\n28 28\n255\n' >foreign.bin
expect_load_error "a foreign file" foreign.bin "foreign.bin: not a model file of samples/mlp"
expect_load_error "other widths" model.bin "model.bin: the model has widths 784,200,100,10 but --layers is 784,64,32,10" --layers 784,64,32,10

rc=0
"$mlp" --epochs 0 --save "$PWD/no-such-dir/model.bin" >/dev/null 2>stderr.log || rc=$?
if [ "$rc" -ne 1 ] || ! grep -q "^mlp: error: .*no-such-dir/model.bin: cannot write the model" stderr.log; then
  fail "an unwritable save: exit status $rc, message: $(cat stderr.log)"
else
  echo "ok: an unwritable save: $(cat stderr.log)"
fi
expect_no_temporary_files
finish "mlp saves and loads its model; bad model files are clear errors"
