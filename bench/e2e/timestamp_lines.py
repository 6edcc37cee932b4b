"""Runs a command and prints each line of its standard output prefixed with the wall-clock
time it appeared, in seconds since the epoch ("1796635254.027592 <line>", the clock of
`strace -ttt`); exits with the command's status.

usage: timestamp_lines.py <command> [args...]

The command's output must reach the pipe line by line: run a C or C++ program that
writes through stdio under `stdbuf -oL`.
"""
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 2:
        raise SystemExit("usage: timestamp_lines.py <command> [args...]")
    with subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True, bufsize=1) as proc:
        for line in proc.stdout:
            print(f"{time.time():.6f} {line}", end="", flush=True)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
