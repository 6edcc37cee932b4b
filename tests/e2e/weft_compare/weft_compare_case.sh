#!/usr/bin/env bash
# usage: weft_compare_case.sh <weft-compare> <scratch dir> <case>
# Runs one behaviour check of weft-compare against fake_train.py (a program whose CSV
# its flags choose) and fake_mpirun.py (runs the program once, as the parallel run).
# Every check also asserts that no temporary file is left in the output directory.
set -euo pipefail
compare=$1
scratch=$2
case_name=$3
here=$(cd "$(dirname "$0")" && pwd)
train=$here/fake_train.py
mpirun=$here/fake_mpirun.py
rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch"
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

ok() {
  echo "ok: $*"
}

# run_compare <tool options...> [-- program args...]: runs weft-compare on the fakes with output
# in ./out, name "run"; stdout in out.log, stderr in err.log, exit status in $rc.
run_compare() {
  rc=0
  "$compare" --serial "$train" --parallel "$train" --mpirun "$mpirun" --out-dir out --name run \
    "$@" >out.log 2>err.log || rc=$?
  local temporaries
  temporaries=$(find out -name '.weft-compare-*' 2>/dev/null || true)
  if [ -n "$temporaries" ]; then
    fail "temporary files left behind: $temporaries"
  fi
}

expect_rc() {  # expect_rc <status> <what>
  if [ "$rc" -ne "$1" ]; then
    fail "$2: exit status $rc, expected $1; stdout: $(cat out.log); stderr: $(cat err.log)"
    return 1
  fi
}

expect_in() {  # expect_in <file> <fixed string> <what>
  if ! grep -qF -- "$2" "$1"; then
    fail "$3: $1 lacks '$2'; it holds: $(cat "$1")"
    return 1
  fi
}

expect_no_files() {  # expect_no_files <what>
  local left
  left=$(ls -A out 2>/dev/null || true)
  if [ -n "$left" ]; then
    fail "$1: files written although it failed: $left"
    return 1
  fi
}

expect_csvs() {  # expect_csvs <what>: both CSVs hold exactly what the programs print
  local expected_serial expected_parallel
  expected_serial=$("$train" "${program_args[@]}")
  expected_parallel=$(FAKE_MPIRUN_NP=2 "$train" "${program_args[@]}")
  if [ "$(cat out/run.serial.csv)" != "$expected_serial" ]; then
    fail "$1: out/run.serial.csv differs from the serial program's stdout"
  elif [ "$(cat out/run.parallel.csv)" != "$expected_parallel" ]; then
    fail "$1: out/run.parallel.csv differs from the parallel program's stdout"
  else
    return 0
  fi
  return 1
}

case_passes_within_relative_tolerance() {
  # 0.504 is 0.8% above 0.5: within 1%.
  program_args=(--final 0.5 --parallel-final 0.504 --parallel-seconds-per-epoch 0.5)
  run_compare --metric test_rmse --tolerance 0.01 --no-plot -- "${program_args[@]}"
  expect_rc 0 "0.8% worse, 1% allowed" &&
    expect_in out.log "PASS: final test_rmse: serial 0.500000, parallel 0.504000 (+0.80%" "verdict line" &&
    expect_in out.log "serial/parallel 2.00" "seconds ratio" &&
    expect_in out.log "epoch  serial seconds  serial test_rmse  parallel seconds  parallel test_rmse" "table header" &&
    expect_in out.log "    5           5.000          0.500000             2.500            0.504000  +0.80%" "table row" &&
    expect_in out.log "wrote out/run.serial.csv" "file list" &&
    expect_csvs "CSV files" || return 0
  if [ "$(tail -n 1 out.log | cut -c1-5)" != "PASS:" ]; then
    fail "the verdict is not the last line of stdout"
  elif [ -e out/run.png ]; then
    fail "--no-plot wrote a PNG"
  else
    ok "0.8% worse than serial passes a 1% tolerance: $(tail -n 1 out.log)"
  fi
}

case_fails_beyond_relative_tolerance() {
  # 0.506 is 1.2% above 0.5: beyond 1%. The files are still written, for inspection.
  program_args=(--final 0.5 --parallel-final 0.506)
  run_compare --metric test_rmse --tolerance 0.01 --no-plot -- "${program_args[@]}"
  expect_rc 1 "1.2% worse, 1% allowed" &&
    expect_in out.log "FAIL: final test_rmse: serial 0.500000, parallel 0.506000 (+1.20%; allowed <= 0.505" "verdict line" &&
    expect_csvs "CSV files of a failed comparison" &&
    ok "1.2% worse than serial fails a 1% tolerance: $(tail -n 1 out.log)"
}

case_abs_tolerance_bounds_the_difference() {
  program_args=(--final 0.5 --parallel-final 0.52)
  run_compare --metric test_rmse --abs-tolerance 0.025 --no-plot -- "${program_args[@]}"
  expect_rc 0 "0.02 worse, 0.025 allowed" && ok "0.02 worse passes --abs-tolerance 0.025"
  run_compare --metric test_rmse --abs-tolerance 0.015 --no-plot -- "${program_args[@]}"
  expect_rc 1 "0.02 worse, 0.015 allowed" && expect_in out.log "FAIL: " "verdict" &&
    ok "0.02 worse fails --abs-tolerance 0.015"
  # A better parallel result always passes, even with no tolerance.
  run_compare --metric test_rmse --abs-tolerance 0 --no-plot -- --final 0.5 --parallel-final 0.3
  expect_rc 0 "better parallel result, tolerance 0" && ok "a lower (better) parallel result passes tolerance 0"
}

case_higher_is_better_reverses_the_direction() {
  # Parallel ends higher: better when higher is better, worse (by 2%) otherwise.
  run_compare --metric test_rmse --higher-is-better --tolerance 0.01 --no-plot -- --final 0.5 --parallel-final 0.51
  expect_rc 0 "higher parallel value, --higher-is-better" &&
    expect_in out.log "higher is better" "verdict names the direction" &&
    ok "a higher parallel value passes with --higher-is-better"
  run_compare --metric test_rmse --tolerance 0.01 --no-plot -- --final 0.5 --parallel-final 0.51
  expect_rc 1 "higher parallel value, lower is better" && ok "the same values fail when lower is better"
  # 0.49 is 2% below 0.5: beyond 1% when higher is better.
  run_compare --metric test_rmse --higher-is-better --tolerance 0.01 --no-plot -- --final 0.5 --parallel-final 0.49
  expect_rc 1 "2% lower parallel value, --higher-is-better" &&
    expect_in out.log "allowed >= 0.495" "bound" &&
    ok "a parallel value 2% lower fails a 1% tolerance with --higher-is-better"
}

case_exact_passes_when_only_seconds_differ() {
  program_args=(--parallel-seconds-per-epoch 0.25)
  run_compare --metric test_rmse --exact --no-plot -- "${program_args[@]}"
  expect_rc 0 "identical rows but seconds" &&
    expect_in out.log "PASS: all 5 rows identical in epoch,train_loss,test_rmse (--exact)" "verdict" &&
    expect_in out.log "serial/parallel 4.00" "seconds ratio" &&
    expect_csvs "CSV files" &&
    ok "--exact passes when only the seconds column differs"
  # A column that is not the metric may hold text (a hash): compared as printed.
  run_compare --metric train_loss --exact --no-plot -- --bad-value-epoch 2
  expect_rc 0 "equal text in a non-metric column" &&
    ok "--exact compares a text column that is not the metric as printed"
}

case_exact_fails_on_one_differing_value() {
  # train_loss differs by 1e-6 at epoch 3 only; test_rmse (the metric) is identical.
  run_compare --metric test_rmse --exact --no-plot -- --parallel-perturb-epoch 3
  expect_rc 1 "one differing value" &&
    expect_in out.log "FAIL: 1 of 5 rows differ (--exact), first at epoch 3, column train_loss: serial 0.675000, parallel 0.675001" "verdict" &&
    expect_in out.log "differs: train_loss" "table marks the row" &&
    ok "--exact fails on a 1e-6 difference in a non-metric column: $(tail -n 1 out.log)"
}

case_every_epoch_bounds_each_epoch_both_ways() {
  # train_loss differs by 1e-6 (1.5e-6 relative) at epoch 3: within 1e-5 at every epoch.
  run_compare --metric train_loss --every-epoch 1e-5 --no-plot -- --parallel-perturb-epoch 3
  expect_rc 0 "a difference within the bound" &&
    expect_in out.log "PASS: train_loss within 1e-05 relative of the serial run at all 5 epochs" "verdict" ||
    return
  # A parallel run that ends lower (better) is still not the serial run's computation.
  run_compare --metric test_rmse --every-epoch 1e-5 --no-plot -- --parallel-final 0.45
  expect_rc 1 "a better final value" &&
    expect_in out.log "FAIL: test_rmse outside 1e-05 relative of the serial run, first at epoch 2: serial 0.875000, parallel 0.862500" "verdict" &&
    ok "--every-epoch bounds every epoch's difference, in both directions"
}

case_crashing_run_fails_with_command_and_stderr() {
  run_compare --metric test_rmse --tolerance 0.01 --no-plot -- --parallel-crash-epoch 3
  expect_rc 1 "parallel run exits 3" &&
    expect_in err.log "weft-compare: error: the parallel run exited with status 3" "error line" &&
    expect_in err.log "command: $mpirun -np 2" "failing command" &&
    expect_in err.log "fake_train: simulated crash at epoch 3" "stderr tail" &&
    expect_no_files "parallel crash" &&
    ok "a crashing parallel run: exit 1, the command and its stderr, no files"
  run_compare --metric test_rmse --tolerance 0.01 --no-plot -- --crash-epoch 1
  expect_rc 1 "serial run exits 3" &&
    expect_in err.log "the serial run exited with status 3" "error line" &&
    expect_in err.log "command: $train --crash-epoch 1" "failing command" &&
    expect_no_files "serial crash" || return 0
  if grep -q '^parallel:' out.log; then
    fail "the parallel run started after the serial one failed"
  else
    ok "a crashing serial run: exit 1 before the parallel run, no files"
  fi
}

case_timeout_stops_a_hung_run() {
  run_compare --metric test_rmse --tolerance 0.01 --no-plot --timeout 1 -- --parallel-sleep 30
  expect_rc 1 "parallel run sleeps 30 s, timeout 1 s" &&
    expect_in err.log "the parallel run ran longer than --timeout 1 seconds and was stopped" "error line" &&
    expect_no_files "timeout" &&
    ok "--timeout stops a hung run and fails without files"
}

case_bad_usage_exits_2() {
  local -a cases=(
    "no --metric|--tolerance 0.01 --no-plot|the following arguments are required: --metric"
    "no verdict mode|--metric test_rmse --no-plot|one of the arguments --tolerance --abs-tolerance --every-epoch --exact is required"
    "two verdict modes|--metric test_rmse --tolerance 0.01 --exact --no-plot|not allowed with argument"
    "unknown option|--metric test_rmse --exact --colour blue|unrecognized arguments: --colour blue"
    "negative tolerance|--metric test_rmse --tolerance -1|expected a finite number >= 0"
    "zero ranks|--metric test_rmse --exact --ranks 0|expected an integer >= 1"
    "seconds as metric|--metric seconds --exact|--metric must name a metric column"
    "name with a slash|--metric test_rmse --exact --name a/b|--name must be a plain file name prefix"
    "unknown metric column|--metric accuracy --exact --no-plot|--metric accuracy is not a column of the serial run's CSV; its columns: epoch, seconds, train_loss, test_rmse"
    "missing --mpirun|--metric test_rmse --exact --no-plot --mpirun ./no-such-mpirun|mpirun './no-such-mpirun' is not an executable file"
  )
  local entry what options message
  for entry in "${cases[@]}"; do
    IFS='|' read -r what options message <<<"$entry"
    # shellcheck disable=SC2086  # options are words without spaces
    run_compare $options
    expect_rc 2 "$what" && expect_in err.log "$message" "$what" && expect_no_files "$what" &&
      ok "$what: exit 2: $(grep 'error:' err.log)"
  done
  rc=0
  "$compare" --parallel "$train" --metric test_rmse --exact >out.log 2>err.log || rc=$?
  expect_rc 2 "no --serial" && expect_in err.log "required: --serial" "no --serial" && ok "no --serial: exit 2"
  rc=0
  "$compare" --serial ./no-such-program --parallel "$train" --metric test_rmse --exact >out.log 2>err.log || rc=$?
  expect_rc 2 "missing serial program" && expect_in err.log "--serial './no-such-program' is not an executable file" \
    "missing serial program" && ok "a serial program that does not exist: exit 2"
}

case_unusable_csv_is_a_clear_error() {
  local -a cases=(
    "missing header|--no-header 1|the serial run's stdout has no CSV header: line 1 is '1,1.000,0.900000,1.000000'"
    "non-numeric value|--parallel-bad-value-epoch 2|the parallel run's stdout line 3: column 'test_rmse' is not a number: 'oops'"
    "different columns|--parallel-columns epoch,seconds,test_rmse|the runs print different columns"
    "fewer epochs|--parallel-epochs 3|the serial run printed 5 epoch rows, the parallel run 3"
    "no epoch column|--columns step,seconds,test_rmse|the serial run's CSV header lacks the 'epoch' column"
    "header only|--epochs 0|the serial run printed a CSV header but no epoch rows"
  )
  local entry what args message
  for entry in "${cases[@]}"; do
    IFS='|' read -r what args message <<<"$entry"
    # shellcheck disable=SC2086  # args are words without spaces
    run_compare --metric test_rmse --tolerance 0.01 --no-plot -- $args
    expect_rc 1 "$what" && expect_in err.log "$message" "$what" && expect_no_files "$what" &&
      ok "$what: exit 1: $(grep 'error:' err.log)"
  done
}

case_writes_a_png_plot() {
  if ! command -v gnuplot >/dev/null; then
    echo "SKIP: gnuplot is not installed"
    exit 77
  fi
  run_compare --metric test_rmse --tolerance 0.01 -- --parallel-seconds-per-epoch 0.5
  expect_rc 0 "plot" && expect_in out.log "wrote out/run.png" "file list" || return 0
  local magic
  magic=$(head -c 8 out/run.png | od -An -tx1 | tr -d ' \n')
  if [ "$magic" = "89504e470d0a1a0a" ]; then
    ok "out/run.png starts with the PNG signature ($(wc -c <out/run.png) bytes)"
  else
    fail "out/run.png does not start with the PNG signature: $magic"
  fi
}

case_missing_gnuplot_fails_unless_no_plot() {
  run_compare --metric test_rmse --tolerance 0.01 --gnuplot ./no-such-gnuplot
  expect_rc 1 "missing gnuplot" &&
    expect_in err.log "gnuplot './no-such-gnuplot' is not an executable file: it draws the plot; install it (e.g. gnuplot-nox) or pass --no-plot" "error line" &&
    expect_no_files "missing gnuplot" || return 0
  if grep -q '^serial:' out.log; then
    fail "a run started although gnuplot is missing"
  else
    ok "a missing gnuplot: exit 1 before any run"
  fi
  run_compare --metric test_rmse --tolerance 0.01 --gnuplot ./no-such-gnuplot --no-plot
  expect_rc 0 "missing gnuplot, --no-plot" && expect_in out.log "no plot (--no-plot)" "note" &&
    ok "a missing gnuplot with --no-plot passes"
}

case_failed_plot_keeps_previous_files_whole() {
  # A first comparison leaves complete files; a second one whose gnuplot writes half a
  # PNG and fails must leave them untouched and add nothing.
  run_compare --metric test_rmse --tolerance 0.01 --no-plot -- --final 0.5
  expect_rc 0 "first comparison" || return 0
  printf 'previous plot\n' >out/run.png
  cp -r out before
  cat >half-gnuplot <<'SH'
#!/usr/bin/env bash
out=$(sed -n 's/^set output "\(.*\)"$/\1/p')
printf '\x89PN' >"$out"
echo "half-gnuplot: out of disk space" >&2
exit 1
SH
  chmod +x half-gnuplot
  run_compare --metric test_rmse --tolerance 0.01 --gnuplot ./half-gnuplot -- --final 0.4 --parallel-final 0.4
  expect_rc 1 "gnuplot fails" &&
    expect_in err.log "half-gnuplot) exited with status 1 and wrote no PNG; no files written" "error line" &&
    expect_in err.log "half-gnuplot: out of disk space" "gnuplot's stderr" || return 0
  if diff -r before out >/dev/null; then
    ok "a failed plot: exit 1, the previous CSVs and PNG byte-identical, no temporary file"
  else
    fail "a failed plot changed the output directory: $(diff -r before out || true)"
  fi
}

case_parallel_command_has_ranks_threads_and_launcher_args() {
  export FAKE_MPIRUN_LOG=$PWD/mpirun.log
  run_compare --metric test_rmse --exact --no-plot --ranks 3 --threads 4 --mpirun-arg=--bind-to --mpirun-arg=none \
    -- --epochs 2
  unset FAKE_MPIRUN_LOG
  expect_rc 0 "ranks, threads and launcher arguments" || return 0
  local root_flags=""
  if [ "$(id -u)" -eq 0 ]; then root_flags="--allow-run-as-root --oversubscribe "; fi
  local expected="-np 3 ${root_flags}--bind-to none $train --weft-threads=4 --epochs 2"
  if [ "$(cat mpirun.log)" = "$expected" ]; then
    ok "mpirun got: $expected"
  else
    fail "mpirun got '$(cat mpirun.log)', expected '$expected'"
  fi
  expect_in out.log "serial:   $train --epochs 2" "serial command (no --weft-threads)" &&
    expect_in out.log "parallel: $mpirun $expected" "parallel command" &&
    ok "both commands are printed"
}

if ! declare -F "case_$case_name" >/dev/null; then
  echo "usage: weft_compare_case.sh <weft-compare> <scratch dir> <case>; unknown case '$case_name'" >&2
  exit 2
fi
"case_$case_name"
if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed in $case_name" >&2
  exit 1
fi
echo "PASS: $case_name"
