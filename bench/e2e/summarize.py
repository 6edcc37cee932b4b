"""Prints bench/e2e's figures from the CSVs and the hand-called runtime's output.

usage: summarize.py <results dir> <training triples file>

Updates per second count the epochs after the first (the first includes rotation_2d's
planning), as bench/runtime does; "to RMSE 0.42" is the training time (the CSV's seconds
column: evaluation excluded) until the test RMSE first reaches 0.42. Each configuration
ran in two rounds; the faster round counts (a shared machine's bursts of other work slow
single runs by tens of percent).
"""
import csv
import os
import re
import sys

TARGET_RMSE = 0.42
TARGETS = {16: 87e6, 32: 59e6}  # updates per second, the runtime bench's targets


def training_ratings(path):
    with open(path) as f:
        return sum(1 for line in f if line.strip() and not line.lstrip().startswith("#"))


def best_round(pattern, ratings):
    """The figures of the faster of the rounds <pattern % round>."""
    runs = [run_figures(pattern % r, ratings) for r in (1, 2) if os.path.exists(pattern % r)]
    if not runs:
        raise SystemExit(f"no results {pattern % 1}")
    return max(runs, key=lambda f: f["ups"])


def run_figures(path, ratings):
    rows = list(csv.DictReader(open(path)))
    if len(rows) < 2:
        raise SystemExit(f"{path}: fewer than 2 epochs")
    seconds = [float(r["seconds"]) for r in rows]
    rmse = [float(r["test_rmse"]) for r in rows]
    later = seconds[-1] - seconds[0]
    to_target = next((seconds[i] for i in range(len(rows)) if rmse[i] <= TARGET_RMSE), None)
    return {"ups": ratings * (len(rows) - 1) / later if later > 0 else 0.0,
            "first": seconds[0], "to_target": to_target, "final": rmse[-1]}


def hand_called(paths):
    """K -> {configuration: updates/s} for the "mf.cpp body" lines, the faster round."""
    figures = {}
    for path in paths:
        for k, configs in hand_called_round(path).items():
            for name, ups in configs.items():
                figures.setdefault(k, {})[name] = max(ups, figures.get(k, {}).get(name, 0.0))
    return figures


def hand_called_round(path):
    figures, k = {}, None
    for line in open(path):
        m = re.match(r"K = (\d+)", line)
        if m:
            k = int(m.group(1))
        m = re.match(r"\s+(mf\.cpp body: [^M]*?)\s+([\d.]+) M/s", line)
        if m and k is not None:
            figures.setdefault(k, {})[m.group(1).strip()] = float(m.group(2)) * 1e6
    return figures


def main():
    out, train = sys.argv[1], sys.argv[2]
    ratings = training_ratings(train)
    hand = hand_called([os.path.join(out, f"hand_called_r{r}.txt") for r in (1, 2)
                        if os.path.exists(os.path.join(out, f"hand_called_r{r}.txt"))])
    print(f"samples/mf on {ratings} training ratings, -O3 -march=native; M updates/s over epochs 2..E "
          "(faster of 2 rounds)")
    print(f"{'K':>3}  {'program':38} {'M upd/s':>8} {'vs serial':>9} {'vs hand':>8} "
          f"{'1st epoch':>9} {'to 0.42':>8} {'final RMSE':>10}")
    verdicts = []
    for k in (16, 32):
        serial = best_round(os.path.join(out, f"serial_k{k}_r%d.csv"), ratings)
        runs = [("serial sample", serial, None)]
        for shape, label in (("2x1", "2 processes x 1 thread"), ("1x2", "1 process x 2 threads")):
            runs.append((f"generated, {label}", best_round(os.path.join(out, f"generated_{shape}_k{k}_r%d.csv"), ratings),
                         hand.get(k, {}).get(f"mf.cpp body: {label}")))
        for name, f, h in runs:
            to = f"{f['to_target']:.2f} s" if f["to_target"] is not None else "never"
            vs_hand = f"{f['ups'] / h:.2f}x" if h else ""
            print(f"{k:>3}  {name:38} {f['ups'] / 1e6:8.1f} {f['ups'] / serial['ups']:8.2f}x {vs_hand:>8} "
                  f"{f['first']:8.2f}s {to:>8} {f['final']:10.4f}")
        for label, h in sorted(hand.get(k, {}).items()):
            print(f"{k:>3}  {'hand-called ' + label[len('mf.cpp body: '):]:38} {h / 1e6:8.1f} "
                  f"{h / serial['ups']:8.2f}x")
        best = max(runs[1:], key=lambda r: r[1]["ups"])
        verdicts.append(f"K={k}: best generated {best[1]['ups'] / 1e6:.1f}M updates/s "
                        f"({'meets' if best[1]['ups'] >= TARGETS[k] else 'misses'} {TARGETS[k] / 1e6:.0f}M)")
        for name, f, h in runs[1:]:
            if f["final"] > serial["final"]:
                verdicts.append(f"K={k}: {name} ends at RMSE {f['final']:.4f}, worse than serial {serial['final']:.4f}")
            if h and f["ups"] < 0.9 * h:
                verdicts.append(f"K={k}: {name} is more than 10% slower than the hand-called runtime")
        if k == 16:
            fastest = min((f["to_target"] for _, f, _ in runs[1:] if f["to_target"] is not None), default=None)
            verdicts.append(f"K=16: RMSE 0.42 after {fastest:.2f} s of training at best "
                            f"({'meets' if fastest is not None and fastest < 0.6 else 'misses'} 0.6 s)"
                            if fastest is not None else "K=16: RMSE 0.42 never reached")
    print()
    for v in verdicts:
        print(v)


if __name__ == "__main__":
    main()
