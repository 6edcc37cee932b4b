#!/usr/bin/env bash
# usage: mlp_cli.sh <mlp> <scratch dir>
# The mlp sample's command line: without its data it says which Debian package to
# install and exits 1; malformed flags are usage errors (exit 2).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mlp=$1
enter_scratch_dir "$2"

rc=0
"$mlp" --data-dir "$PWD/no-such-dir" >stdout.log 2>stderr.log || rc=$?
if [ "$rc" -ne 1 ]; then
  fail "missing data: exit status $rc, expected 1"
elif ! grep -q "^mlp: error: no Fashion-MNIST data in '$PWD/no-such-dir' .*install the Debian package dataset-fashion-mnist" stderr.log; then
  fail "missing data: stderr lacks the install hint: $(cat stderr.log)"
elif [ -s stdout.log ]; then
  fail "missing data: printed on stdout: $(cat stdout.log)"
else
  echo "ok: missing data: $(cat stderr.log)"
fi
rm -f stdout.log stderr.log

expect_usage_error "three widths" mlp "$mlp" --layers 784,100,10
grep -qx "mlp: error: --layers needs exactly 4 widths (input,hidden,hidden,classes), got '784,100,10'" stderr.log ||
  fail "three widths: unexpected message: $(head -n 1 stderr.log)"
expect_usage_error "a width of zero" mlp "$mlp" --layers 784,0,100,10
expect_usage_error "an unknown optimizer" mlp "$mlp" --optimizer momentum
grep -qx "mlp: error: --optimizer needs 'adam' or 'sgd', got 'momentum'" stderr.log ||
  fail "an unknown optimizer: unexpected message: $(head -n 1 stderr.log)"
expect_usage_error "a batch of zero" mlp "$mlp" --batch 0
rm -f stdout.log stderr.log
finish "mlp without data says to install dataset-fashion-mnist; bad flags are usage errors"
