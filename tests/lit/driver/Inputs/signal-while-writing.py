"""Sends a signal to weftc while it writes its output file, then reports.

  signal-while-writing.py SHIM SIGNAME OUTPUT -- WEFTC ARGS...

Runs WEFTC with SHIM (Inputs/fsync-shim.cpp) preloaded, which stops weftc once its
output is completely written into the temporary OUTPUT.tmp.*, just before it would
rename the temporary over OUTPUT. Then sends SIGNAME from outside, as `kill` or
`timeout` would, and prints:
  temporaries while writing: N      (1: the signal came in the middle of the write)
  exit: signal SIGNAME | exit: CODE
  temporaries after: N              (0: weftc removed its temporary)
"""
import glob
import os
import signal
import subprocess
import sys
import tempfile
import time

shim, signame, output = sys.argv[1:4]
assert sys.argv[4] == "--"
command = sys.argv[5:]
marker = tempfile.mktemp(prefix="weft-fsync-marker.")
env = dict(os.environ, LD_PRELOAD=shim, WEFT_TEST_FSYNC_MARKER=marker)


def default_disposition():
    # As a shell gives a foreground job: lit's workers ignore SIGINT, and weftc leaves an
    # ignored signal ignored.
    signal.signal(getattr(signal, signame), signal.SIG_DFL)


process = subprocess.Popen(command, env=env, preexec_fn=default_disposition)
deadline = time.monotonic() + 300
while not os.path.exists(marker):
    if process.poll() is not None:
        sys.exit("weftc ended (status %d) before it wrote its output" % process.returncode)
    if time.monotonic() > deadline:
        process.kill()
        sys.exit("weftc did not reach the write of its output in 300 s")
    time.sleep(0.02)
os.unlink(marker)
print("temporaries while writing: %d" % len(glob.glob(glob.escape(output) + ".tmp.*")))
process.send_signal(getattr(signal, signame))
try:
    status = process.wait(timeout=120)
except subprocess.TimeoutExpired:
    process.kill()
    process.wait()
    sys.exit("weftc did not end within 120 s of %s" % signame)
print("exit: " + ("signal " + signal.Signals(-status).name if status < 0 else str(status)))
print("temporaries after: %d" % len(glob.glob(glob.escape(output) + ".tmp.*")))
