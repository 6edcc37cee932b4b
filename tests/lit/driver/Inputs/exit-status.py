"""Runs a command and prints its exit status on standard error: `exit: N`, or
`exit: signal NAME` when a signal ended it (lit's `not` does not tell an abort from
exit 1). Always exits 0; standard output and error are the command's own.
"""
import signal
import subprocess
import sys

status = subprocess.call(sys.argv[1:])
sys.stderr.write("exit: " + ("signal " + signal.Signals(-status).name if status < 0
                             else str(status)) + "\n")
