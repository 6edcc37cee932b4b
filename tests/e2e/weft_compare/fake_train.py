#!/usr/bin/env python3
"""A stand-in for a training program, for weft-compare's tests. Prints per-epoch CSV
whose shape and values its flags choose (each `--KEY VALUE`):

  --epochs N            rows to print (default 5)
  --columns A,B,...     header (default epoch,seconds,train_loss,test_rmse)
  --start X --final Y   test_rmse goes linearly from X (epoch 1) to Y (last epoch);
                        train_loss is 0.9 * test_rmse (defaults 1.0 and 0.5)
  --seconds-per-epoch S (default 1.0)
  --perturb-epoch K     adds 1e-6 to train_loss at epoch K (default 0: none)
  --bad-value-epoch K   prints 'oops' as test_rmse at epoch K (default 0: none)
  --no-header 1         omits the header line
  --crash-epoch K       prints K-1 rows, a message on stderr, and exits 3 (default 0)
  --sleep S             sleeps S seconds before printing (default 0)

It is the parallel run when FAKE_MPIRUN_NP is set (fake_mpirun.py sets it): then every
`--parallel-KEY VALUE` overrides `--KEY`, and `--weft-threads=T` is accepted. The serial
run rejects --weft-threads, as a serial program would.
"""
import os
import sys
import time

DEFAULTS = {"epochs": "5", "columns": "epoch,seconds,train_loss,test_rmse", "start": "1.0",
            "final": "0.5", "seconds-per-epoch": "1.0", "perturb-epoch": "0",
            "bad-value-epoch": "0", "no-header": "0", "crash-epoch": "0", "sleep": "0"}


def main(argv):
    parallel = "FAKE_MPIRUN_NP" in os.environ
    given = {}
    n = 0
    while n < len(argv):
        flag = argv[n]
        if flag.startswith("--weft-threads="):
            if not parallel:
                sys.exit(f"fake_train: error: unknown flag {flag} (a serial run)")
            n += 1
            continue
        if not flag.startswith("--") or n + 1 >= len(argv):
            sys.exit(f"fake_train: error: bad argument '{flag}'")
        given[flag[2:]] = argv[n + 1]
        n += 2
    opts = dict(DEFAULTS)
    for key, value in given.items():
        if not key.startswith("parallel-"):
            if key not in DEFAULTS:
                sys.exit(f"fake_train: error: unknown flag --{key}")
            opts[key] = value
    if parallel:
        for key, value in given.items():
            if key.startswith("parallel-"):
                opts[key[len("parallel-"):]] = value

    time.sleep(float(opts["sleep"]))
    epochs = int(opts["epochs"])
    start, final = float(opts["start"]), float(opts["final"])
    columns = opts["columns"].split(",")
    if opts["no-header"] != "1":
        print(",".join(columns))
    for epoch in range(1, epochs + 1):
        if epoch == int(opts["crash-epoch"]):
            sys.stdout.flush()
            print(f"fake_train: simulated crash at epoch {epoch}", file=sys.stderr)
            sys.exit(3)
        rmse = final if epochs == 1 else start + (final - start) * (epoch - 1) / (epochs - 1)
        loss = 0.9 * rmse + (1e-6 if epoch == int(opts["perturb-epoch"]) else 0.0)
        values = {"epoch": str(epoch), "seconds": f"{epoch * float(opts['seconds-per-epoch']):.3f}",
                  "train_loss": f"{loss:.6f}", "test_rmse": f"{rmse:.6f}"}
        if epoch == int(opts["bad-value-epoch"]):
            values["test_rmse"] = "oops"
        print(",".join(values.get(c, "0") for c in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
