"""Prints bench/e2e/time_to_accuracy.sh's figures and targets.

usage: time_to_accuracy.py <results dir> <training triples file>

Per rank K and configuration: updates per second over epochs 2..E (the first holds
rotation_2d's planning; LIBMF's first iteration likewise is left out), the training
seconds until the test RMSE first reaches 0.42 and 0.385 (weft: the CSV's seconds
column, evaluation excluded; LIBMF: to the iteration's line of the timed run, the
iteration found in the run with the test set, counted from the end of reading its data
(its setup counted, as weft's planning is) and from its header line (its iterations
alone)), and the final test RMSE.
Each configuration ran in two rounds; per figure the better round counts.
"""
import csv
import glob
import os
import re
import sys

from summarize import training_ratings  # bench/e2e/summarize.py, beside this file

THRESHOLDS = (0.42, 0.385)
SHAPES = (("2x1", "2 processes x 1 thread"), ("1x2", "1 process x 2 threads"))
SAMPLES = (("mf", "generated mf"), ("mf_adagrad", "generated mf-adagrad"),
           ("mf_rowadagrad", "generated mf-rowadagrad"),
           ("mf_rowadagrad_lr0.35", "generated mf-rowadagrad, lr 0.35"))


def figures(seconds, rmse, ratings):
    """seconds[e], rmse[e]: after epoch e + 1, seconds counted from the start of training."""
    if len(seconds) < 2:
        raise SystemExit("fewer than 2 epochs")
    later = seconds[-1] - seconds[0]
    to = {t: next((seconds[e] for e in range(len(rmse)) if rmse[e] <= t), None) for t in THRESHOLDS}
    return {"ups": ratings * (len(seconds) - 1) / later if later > 0 else 0.0, "to": to,
            "epochs_to": {t: next((e + 1 for e in range(len(rmse)) if rmse[e] <= t), None)
                          for t in THRESHOLDS},
            "final": rmse[-1]}


def weft_run(path, ratings):
    rows = list(csv.DictReader(open(path)))
    return figures([float(r["seconds"]) for r in rows], [float(r["test_rmse"]) for r in rows], ratings)


def read_end(strace, train):
    """The wall-clock time at which the traced program last closed a file descriptor it had
    opened on `train` (LIBMF reads its training file twice: to count, then to load)."""
    fds, end = set(), None
    for line in open(strace):
        m = re.match(r"\d+\s+([\d.]+)\s+openat\(AT_FDCWD, \"([^\"]*)\",.*\)\s+=\s+(\d+)", line)
        if m and os.path.realpath(m.group(2)) == os.path.realpath(train):
            fds.add(int(m.group(3)))
            continue
        m = re.match(r"\d+\s+([\d.]+)\s+close\((\d+)\)", line)
        if m and int(m.group(2)) in fds:
            fds.discard(int(m.group(2)))
            end = float(m.group(1))
    if end is None:
        raise SystemExit(f"{strace}: no close of {train}")
    return end


def libmf_run(timed, strace, with_test, train, ratings, counted):
    """LIBMF's timed run (stamped lines, traced opens and closes) and its run with the test
    set (-p); `counted` is "setup" (from the end of reading) or "iterations" (from the
    header line LIBMF prints after preparing its blocks)."""
    header, stamps = None, []
    for line in open(timed):
        stamp, _, text = line.partition(" ")
        if text.split()[:1] == ["iter"]:
            header = float(stamp)
        elif header is not None and re.match(r"\s*\d+\s", text):
            stamps.append(float(stamp))
    rmse = []
    for line in open(with_test):
        fields = line.split()
        if len(fields) >= 3 and fields[0].isdigit():
            rmse.append(float(fields[2]))  # iter, tr_rmse, va_rmse, obj
    if header is None or not stamps or len(rmse) != len(stamps):
        raise SystemExit(f"{timed}: unexpected LIBMF output")
    start = read_end(strace, train) if counted == "setup" else header
    if start > header:
        raise SystemExit(f"{strace}: the training file closes after LIBMF's header line")
    return figures([s - start for s in stamps], rmse, ratings)


def best(runs):
    """Per figure, the better of the rounds."""
    runs = [r for r in runs if r]
    if not runs:
        return None
    out = {"ups": max(r["ups"] for r in runs), "final": min(r["final"] for r in runs), "to": {},
           "epochs_to": {}}
    for t in THRESHOLDS:
        times = [r["to"][t] for r in runs if r["to"][t] is not None]
        out["to"][t] = min(times) if times else None
        epochs = [r["epochs_to"][t] for r in runs if r["epochs_to"][t] is not None]
        out["epochs_to"][t] = min(epochs) if epochs else None
    return out


def fmt_s(v):
    return f"{v:.2f} s" if v is not None else "never"


def main():
    out, train = sys.argv[1], sys.argv[2]
    counted_label = {"setup": "setup counted", "iterations": "iterations only"}
    ratings = training_ratings(train)
    print(f"matrix factorization to a test RMSE, {ratings} training ratings; better of 2 rounds")
    print(f"{'K':>3}  {'program':56} {'M upd/s':>8} {'vs LIBMF':>8} "
          + " ".join(f"{'to ' + str(t):>13}" for t in THRESHOLDS) + f" {'final RMSE':>10}")
    verdicts = []
    for k in (16, 32):
        rows = []
        libmf = []
        for timed in sorted(glob.glob(os.path.join(out, f"libmf_*_k{k}_r1.timed"))):
            name = re.match(rf"libmf_(.*)_k{k}_r1\.timed", os.path.basename(timed)).group(1)
            for counted in ("setup", "iterations"):
                runs = [libmf_run(os.path.join(out, f"libmf_{name}_k{k}_r{r}.timed"),
                                  os.path.join(out, f"libmf_{name}_k{k}_r{r}.strace"),
                                  os.path.join(out, f"libmf_{name}_k{k}_r{r}.rmse"),
                                  os.path.splitext(train)[0] + ".libmf.txt", ratings, counted)
                        for r in (1, 2)
                        if os.path.exists(os.path.join(out, f"libmf_{name}_k{k}_r{r}.rmse"))]
                libmf.append((counted, f"LIBMF 2 threads ({name}), {counted_label[counted]}",
                              best(runs)))
        # The LIBMF references of each figure: its best setting for that figure, with its
        # setup counted (as weft's planning is) and without.
        ref = best([f for c, _, f in libmf if c == "setup"])
        ref_iterations = best([f for c, _, f in libmf if c == "iterations"])
        rows += [(label, f) for _, label, f in libmf]
        generated = {}
        for sample, label in SAMPLES:
            for shape, shape_label in SHAPES:
                paths = [os.path.join(out, f"{sample}_{shape}_k{k}_r{r}.csv") for r in (1, 2)]
                f = best([weft_run(p, ratings) for p in paths if os.path.exists(p)])
                if f:
                    generated[(sample, shape)] = f
                    rows.append((f"{label}, {shape_label}", f))
        for name, f in rows:
            vs = f"{f['ups'] / ref['ups']:.2f}x" if ref else ""
            to = " ".join(f"{fmt_s(f['to'][t]):>7} ({f['epochs_to'][t] or '-':>2} ep)" for t in THRESHOLDS)
            print(f"{k:>3}  {name:56} {f['ups'] / 1e6:8.1f} {vs:>8} {to} {f['final']:10.4f}")

        def best_shape(sample):
            """Per figure, the better of the sample's two shapes."""
            return best([generated[(sample, s)] for s, _ in SHAPES if (sample, s) in generated])

        # mf-rowadagrad: per figure, its best shape and step, as LIBMF's best setting.
        mf, ada = best_shape("mf"), best_shape("mf_adagrad")
        row = best([f for f in (best_shape("mf_rowadagrad"), best_shape("mf_rowadagrad_lr0.35")) if f])
        if ref and row:
            for t in THRESHOLDS:
                mine = row["to"][t]
                if mine is None or ref["to"][t] is None:
                    verdicts.append(f"K={k}: mf-rowadagrad to {t}: {fmt_s(mine)}, LIBMF {fmt_s(ref['to'][t])}")
                    continue
                ratio = ref["to"][t] / mine
                other = ref_iterations["to"][t]
                verdicts.append(f"K={k}: generated mf-rowadagrad reaches {t} {ratio:.2f}x sooner than LIBMF "
                                f"({mine:.2f} s vs {ref['to'][t]:.2f} s, LIBMF's setup counted as weft's "
                                f"planning is; {'meets' if ratio >= 1.5 else 'misses'} 1.5x); "
                                f"{other / mine:.2f}x against LIBMF's iterations alone ({other:.2f} s)")
        if ref and mf and k == 32:
            ratio = mf["ups"] / ref["ups"]
            verdicts.append(f"K=32: generated mf runs {ratio:.2f}x LIBMF's updates/s "
                            f"({'meets' if ratio >= 1.5 else 'misses'} 1.5x)")
        if mf and ada:
            ratio = ada["ups"] / mf["ups"]
            verdicts.append(f"K={k}: generated mf-adagrad runs {ratio:.2f}x generated mf's updates/s "
                            f"({'meets' if ratio >= 0.8 else 'misses'} 0.8x)")
    print()
    for v in verdicts:
        print(v)


if __name__ == "__main__":
    main()
