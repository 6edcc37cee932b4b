# Functions the end-to-end scripts share. A script sources it after `set -euo pipefail`
# and before changing directory:
#   source "$(dirname "$0")/lib.sh"
#
# Two kinds of check: those that go through fail() let the script go on and finish()
# ends it with exit status 1 if any failed; the CSV checks stop the script at once.

failures=0

# fail <message>: reports a failed check on stderr and counts it.
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# finish <what passed>: exit status 1 when fail() was called, else "PASS: <what passed>".
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "PASS: $*"
}

# enter_scratch_dir <dir>: makes <dir> empty (created if need be) and the current directory.
enter_scratch_dir() {
  rm -rf "$1"
  mkdir -p "$1"
  cd "$1"
}

# expect_usage_error <description> <program> <command...>: runs the command in the
# current directory with its output in stdout.log and stderr.log. It must exit 2, print a
# line starting "<program>: error: " and one starting "usage: " on stderr, and leave no
# other file in the directory (any it leaves is reported and removed).
expect_usage_error() {
  local what=$1
  local program=$2
  shift 2
  local rc=0
  "$@" >stdout.log 2>stderr.log || rc=$?
  if [ "$rc" -ne 2 ]; then
    fail "$what: exit status $rc, expected 2"
  elif ! grep -q "^$program: error: " stderr.log || ! grep -q '^usage: ' stderr.log; then
    fail "$what: stderr lacks the error line or the usage: $(cat stderr.log)"
  else
    echo "ok: $what: $(head -n 1 stderr.log)"
  fi
  local left
  left=$(ls -A | grep -v -e '^stdout.log$' -e '^stderr.log$' || true)
  if [ -n "$left" ]; then
    fail "$what: left files behind: $left"
    rm -f -- $left
  fi
}

# expect_no_temporary_files: no "<path>.tmp.<pid>" file of an atomic write is left in the
# current directory.
expect_no_temporary_files() {
  if ls | grep -q '\.tmp\.'; then
    fail "temporary files left behind: $(ls | grep '\.tmp\.')"
  fi
}

# expect_csv_shape <csv> <header> <rows>: stops the script with exit status 1 unless the
# first line of <csv> is <header> and <rows> lines follow it.
expect_csv_shape() {
  local header rows
  header=$(head -n 1 <<<"$1")
  if [ "$header" != "$2" ]; then
    echo "FAIL: unexpected CSV header '$header'" >&2
    exit 1
  fi
  rows=$(tail -n +2 <<<"$1" | wc -l)
  if [ "$rows" -ne "$3" ]; then
    echo "FAIL: expected $3 rows, got $rows" >&2
    exit 1
  fi
}

# last_csv_field <csv> <column>: field <column> (from 1) of the last line of <csv>.
last_csv_field() {
  tail -n 1 <<<"$1" | cut -d, -f"$2"
}

# is_below <value> <bound>, is_above <value> <bound>: whether <value> is a plain unsigned
# decimal (digits and points only) and lies below (above) <bound>.
is_below() {
  awk -v v="$1" -v b="$2" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 < b + 0) }'
}
is_above() {
  awk -v v="$1" -v b="$2" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 > b + 0) }'
}
