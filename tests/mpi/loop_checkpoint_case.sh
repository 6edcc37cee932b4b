#!/usr/bin/env bash
# usage: loop_checkpoint_case.sh <case> <scratch dir> <mpirun command...> -- <loop_checkpoint_main> <checkpoint_main>
#
# One behaviour of checkpoint/restart (include/weft/rt/checkpoint.h) per case, on 2
# processes: loop_checkpoint_main is a program as weftc writes them (its checkpoints
# are the runtime's own: three loops per epoch, a checkpoint every 2 epochs at the start
# of the epoch's first loop), checkpoint_main one that checkpoints by hand (Checkpoint).
# Each case names the message it expects. Cases:
#   restart_prints_the_uninterrupted_tail  restarts from the newest checkpoint and from an
#       older one print the uninterrupted run's last lines, final hash included
#   restart_on_4_processes                 a 2-process checkpoint restarts on 4 processes
#   other_rank_k                           --k 5 against a checkpoint of --k 4: a shape error
#   other_data                             another data seed: the loop's entries and the
#                                          input array differ
#   other_users                            another number of users: range and shapes differ
#   fewer_epochs                           the program ends before the checkpoint's run
#   damaged_newest_falls_back              a rank file that does not match its checksum:
#                                          a warning naming it, the older one is used
#   damaged_newest_alone_is_an_error       the same with nothing older: a weft::Error
#   truncated_rank_file_alone_is_an_error  a rank file of another size, nothing older
#   corrupt_manifest_falls_back            a manifest that is not JSON: a warning, older used
#   corrupt_manifest_alone_is_an_error     the same with nothing older: an error
#   interrupted_newest_is_skipped          no manifest (writing interrupted): a note, older used
#   no_checkpoint_starts_afresh            nothing to restart from: a message, a full run
#   hand_written_damaged_alone_is_an_error Checkpoint: a damaged newest epoch, nothing older
#   hand_written_corrupt_manifest_falls_back  Checkpoint: a warning, the older epoch is used
set -uo pipefail

case_name=$1
dir=$2
shift 2
mpirun=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do mpirun+=("$1"); shift; done
shift
program=$1
hand_written=$2

rm -rf "$dir"
mkdir -p "$dir"
cd "$dir" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run <name> <processes> <args...>: stdout in <name>.csv, stderr in <name>.err; sets rc.
run() {
  local name=$1 np=$2
  shift 2
  timeout 120 "${mpirun[@]}" -np "$np" "$program" --weft-threads=1 "$@" >"$name.csv" 2>"$name.err"
  rc=$?
  [ "$rc" -ne 124 ] || fail "$name: no exit within 120 s"
}
checkpointed() { run "$1" 2 --weft-checkpoint-every=2 --weft-checkpoint-dir=ck "${@:2}"; }
restart() { local name=$1 np=$2; shift 2; run "$name" "$np" --weft-checkpoint-dir=ck --weft-restart "$@"; }
ckdir=ck/loop_checkpoint_main

# expect_ok <name>: exit status 0.
expect_ok() {
  [ "$rc" -eq 0 ] || { cat "$1.err" >&2; fail "$1: exit status $rc, expected 0"; }
}
# expect_error <name> <fixed string>: a non-zero exit status and the message on stderr.
expect_error() {
  if [ "$rc" -eq 0 ]; then
    fail "$1: exit status 0, expected an error"
  elif ! grep -qF -- "$2" "$1.err"; then
    cat "$1.err" >&2
    fail "$1: stderr lacks '$2'"
  else
    echo "ok: $1: exit status $rc: $(grep -F -- "$2" "$1.err" | head -n 1)"
  fi
}
# expect_message <name> <fixed string>: the message on stderr.
expect_message() {
  if grep -qF -- "$2" "$1.err"; then
    echo "ok: $1: $(grep -F -- "$2" "$1.err" | head -n 1)"
  else
    cat "$1.err" >&2
    fail "$1: stderr lacks '$2'"
  fi
}
# expect_tail <name> <first epoch>: the header, then the reference's lines from that epoch on.
expect_tail() {
  local want
  want=$( (head -n 1 reference.csv; awk -F, -v e="$2" 'NR > 1 && ($1 == "final" || $1 >= e)' reference.csv) )
  if [ "$(cat "$1.csv")" != "$want" ]; then
    diff <(echo "$want") "$1.csv" | head -n 10 >&2
    fail "$1: the output is not the uninterrupted run's from epoch $2 on"
  else
    echo "ok: $1: printed the uninterrupted run's lines from epoch $2 on, final: $(tail -n 1 "$1.csv")"
  fi
}
# A reference run, and a run with checkpoints (after epochs 2, 4 and 6: runs-6, -12 and -18,
# of which the two newest are kept) that prints the same.
setup() {
  run reference 2 "$@"
  expect_ok reference
  checkpointed checkpointed "$@"
  expect_ok checkpointed
  cmp -s reference.csv checkpointed.csv || fail "the run with checkpoints printed other values"
  [ -f $ckdir/runs-18/manifest.json ] && [ -f $ckdir/runs-12/manifest.json ] && [ ! -e $ckdir/runs-6 ] ||
    fail "the checkpoints are not runs-12 and runs-18: $(ls $ckdir)"
}
# flip_byte <file>: changes one byte in the middle of the file.
flip_byte() {
  local size offset byte
  size=$(stat -c %s "$1")
  offset=$((size / 2))
  byte=$(od -An -tu1 -j "$offset" -N 1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $(((byte + 1) % 256)))" | dd of="$1" bs=1 seek="$offset" conv=notrunc status=none
}

case "$case_name" in
restart_prints_the_uninterrupted_tail)
  setup
  restart newest 2
  expect_ok newest
  expect_message newest "weft: restart: resumed at loop run 19 from the checkpoint $ckdir/runs-18"
  expect_tail newest 7
  rm -rf $ckdir/runs-18
  restart older 2
  expect_ok older
  expect_tail older 5
  ;;
restart_on_4_processes)
  setup
  restart four 4
  expect_ok four
  expect_message four "resumed at loop run 19 from the checkpoint $ckdir/runs-18"
  [ "$(wc -l <four.csv)" -eq 4 ] || fail "four: expected the header, epochs 7 and 8 and the final line"
  ;;
other_rank_k)
  setup
  restart k5 2 --k 5
  expect_error k5 "(written by loop 1, partition_1d)"
  expect_error k5 "has shape (300, 5) now but (300, 4) in the checkpoint"
  ;;
other_data)
  setup
  restart seed8 2 --data-seed 8
  expect_error seed8 "restart from $ckdir/runs-18: the inputs or shapes differ from the run that wrote it"
  expect_error seed8 "loop 2 (rotation_2d) runs over other data: 6000 entries, key extents"
  expect_error seed8 "of shape (300), which no loop writes, holds other values now than in the checkpoint"
  ;;
other_users)
  setup
  restart users 2 --users 301
  expect_error users "loop 1 (partition_1d) runs over other data: iterations [0, 301) now but iterations [0, 300)"
  expect_error users "(written by loop 1, partition_1d) has shape (301) now but (300) in the checkpoint"
  expect_error users "has shape (301, 4) now but (300, 4) in the checkpoint"
  ;;
fewer_epochs)
  setup
  restart fewer 2 --epochs 4
  expect_error fewer "weft: error: restart: the program ended after 12 loop runs, before run 19, where the checkpoint $ckdir/runs-18 resumes"
  ;;
damaged_newest_falls_back)
  setup
  flip_byte $ckdir/runs-18/rank-1.bin
  restart damaged 2
  expect_ok damaged
  expect_message damaged "weft: warning: restart: skipping the damaged checkpoint $ckdir/runs-18 (rank-1.bin does not match its checksum); using the older $ckdir/runs-12"
  expect_tail damaged 5
  ;;
damaged_newest_alone_is_an_error)
  setup
  rm -rf $ckdir/runs-12
  flip_byte $ckdir/runs-18/rank-0.bin
  restart damaged 2
  expect_error damaged "restart: the checkpoint $ckdir/runs-18 is damaged (rank-0.bin does not match its checksum) and there is no older usable checkpoint in $ckdir"
  ;;
truncated_rank_file_alone_is_an_error)
  setup
  rm -rf $ckdir/runs-12
  truncate -s -3 $ckdir/runs-18/rank-1.bin
  restart truncated 2
  expect_error truncated "restart: the checkpoint $ckdir/runs-18 is damaged (rank-1.bin has"
  expect_error truncated "bytes, its manifest says"
  ;;
corrupt_manifest_falls_back)
  setup
  echo '{"epoch": 18, "processes": 2, "files": [' >$ckdir/runs-18/manifest.json
  restart corrupt 2
  expect_ok corrupt
  expect_message corrupt "weft: warning: restart: skipping the damaged checkpoint $ckdir/runs-18 (manifest.json is not a checkpoint manifest"
  expect_message corrupt "using the older $ckdir/runs-12"
  expect_tail corrupt 5
  ;;
corrupt_manifest_alone_is_an_error)
  setup
  rm -rf $ckdir/runs-12
  echo 'garbage' >$ckdir/runs-18/manifest.json
  restart corrupt 2
  expect_error corrupt "restart: the checkpoint $ckdir/runs-18 is damaged (manifest.json is not a checkpoint manifest"
  expect_error corrupt "and there is no older usable checkpoint in $ckdir"
  ;;
interrupted_newest_is_skipped)
  setup
  rm $ckdir/runs-18/manifest.json
  restart interrupted 2
  expect_ok interrupted
  expect_message interrupted "weft: restart: skipping $ckdir/runs-18: it has no manifest.json (its writing was interrupted)"
  expect_tail interrupted 5
  ;;
no_checkpoint_starts_afresh)
  run reference 2
  restart fresh 2
  expect_ok fresh
  expect_message fresh "weft: restart: no complete checkpoint in $ckdir; starting from the beginning"
  expect_tail fresh 1
  ;;
hand_written_damaged_alone_is_an_error)
  program=$hand_written
  run hand 2 --epochs 5 --weft-checkpoint-every=2 --weft-checkpoint-dir=ck
  expect_ok hand
  rm -rf ck/mf/epoch-1
  flip_byte ck/mf/epoch-3/rank-1.bin
  restart damaged 2 --epochs 5
  expect_error damaged "restart: the checkpoint ck/mf/epoch-3 is damaged (rank-1.bin does not match its checksum) and there is no older usable checkpoint in ck/mf"
  ;;
hand_written_corrupt_manifest_falls_back)
  program=$hand_written
  run hand 2 --epochs 5 --weft-checkpoint-every=2 --weft-checkpoint-dir=ck
  expect_ok hand
  echo '[]' >ck/mf/epoch-3/manifest.json
  restart corrupt 2 --epochs 5
  expect_ok corrupt
  expect_message corrupt "weft: warning: restart: skipping the damaged checkpoint ck/mf/epoch-3 (manifest.json is not a checkpoint manifest"
  grep -q "starting at epoch 2" corrupt.csv || fail "corrupt: did not resume after the checkpoint of epoch 1: $(cat corrupt.csv)"
  ;;
*)
  echo "unknown case '$case_name'" >&2
  exit 2
  ;;
esac
if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "PASS: $case_name"
