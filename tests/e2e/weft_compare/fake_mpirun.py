#!/usr/bin/env python3
"""A stand-in for mpirun, for weft-compare's tests: accepts `-np N`, Open MPI's
--allow-run-as-root and --oversubscribe, and `--bind-to X`, then runs the program once
with FAKE_MPIRUN_NP=N in its environment. Any other option before the program is an
error (exit 90), so a test sees what weft-compare passed. When FAKE_MPIRUN_LOG is set,
appends its own argument list to that file, one line.
"""
import os
import sys


def fail(message):
    print(f"fake_mpirun: {message}", file=sys.stderr)
    sys.exit(90)


def main(argv):
    if "FAKE_MPIRUN_LOG" in os.environ:
        with open(os.environ["FAKE_MPIRUN_LOG"], "a") as log:
            log.write(" ".join(argv) + "\n")
    np = None
    n = 0
    while n < len(argv) and argv[n].startswith("-"):
        flag = argv[n]
        if flag == "-np" and n + 1 < len(argv):
            np = argv[n + 1]
            n += 2
        elif flag == "--bind-to" and n + 1 < len(argv):
            n += 2
        elif flag in ("--allow-run-as-root", "--oversubscribe"):
            n += 1
        else:
            fail(f"unexpected option '{flag}'")
    if np is None:
        fail("missing -np N")
    if n == len(argv):
        fail("no program to run")
    os.environ["FAKE_MPIRUN_NP"] = np
    try:
        os.execv(argv[n], argv[n:])
    except OSError as e:
        fail(f"cannot run {argv[n]}: {e.strerror}")


if __name__ == "__main__":
    main(sys.argv[1:])
