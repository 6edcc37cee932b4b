#!/usr/bin/env python3
"""Soundness check of weftc's verdicts on random affine loop nests.

Writes a file of random two-deep nests over 2-D arrays (affine subscripts with small
coefficients, loops that count up or down, one or two statements, with and without
`ordered`), asks weftc for its report, then runs every nest by brute force for a
concrete size and checks that each parallel verdict keeps every dependence it must:
  unordered data_parallel: no two different i touch one element, one of them writing
  ordered data_parallel:   no dependence between different i
  ordered partition_1d d:  no dependence between different values of d
  wavefront (row h):       h . (y - x) >= 1 for every dependence x -> y between
                           different band points
The analysis is parametric in the size, so a violation at any size is a bug.
Exit 0 when every verdict holds; prints each violation otherwise. --claim-parallel
checks the checker itself: it pretends the sequential loops were data parallel, which
must be found unsound.
"""
import argparse
import json
import random
import subprocess
import sys
import tempfile

COEFFS = [-1, 0, 0, 1, 1, 2]
CONSTS = [-1, 0, 0, 1]


def affine(rng):
    return (rng.choice(COEFFS), rng.choice(COEFFS), rng.choice(CONSTS))


def text(e):
    ci, cj, c = e
    parts = []
    for coef, var in ((ci, "i"), (cj, "j")):
        if coef:
            parts.append(("" if coef == 1 else "-" if coef == -1 else "%d * " % coef) + var)
    expr = " + ".join(parts).replace("+ -", "- ") or "0"
    if c:
        expr += " + %d" % c if c > 0 else " - %d" % -c
    return expr


def evaluate(e, i, j):
    return e[0] * i + e[1] * j + e[2]


def random_nest(rng, index):
    ordered = rng.random() < 0.6
    down_i, down_j = rng.random() < 0.3, rng.random() < 0.3
    statements = []
    for _ in range(rng.choice([1, 1, 2])):
        write = (affine(rng), affine(rng))
        reads = [(affine(rng), affine(rng)) for _ in range(rng.choice([1, 2]))]
        statements.append((write, reads))
    return {"index": index, "ordered": ordered, "down": (down_i, down_j),
            "statements": statements}


def source(nests):
    out = ["#include <weft/weft.h>", ""]
    lines = {}
    for nest in nests:
        out.append("void nest_%d(int n) {" % nest["index"])
        out.append("  weft::DistArray<float, 2> A({4 * n + 8, 4 * n + 8});")
        out.append("  #pragma weft parallel_for" + (" ordered" if nest["ordered"] else ""))
        lines[len(out)] = nest
        down_i, down_j = nest["down"]
        out.append("  for (int i = n - 1; i >= 0; --i)" if down_i else
                   "  for (int i = 0; i < n; ++i)")
        out.append("    for (int j = n - 1; j >= 0; --j) {" if down_j else
                   "    for (int j = 0; j < n; ++j) {")
        for write, reads in nest["statements"]:
            rhs = " + ".join("A(%s, %s)" % (text(r[0]), text(r[1])) for r in reads)
            out.append("      A(%s, %s) = %s;" % (text(write[0]), text(write[1]), rhs))
        out.append("    }")
        out.append("}")
        out.append("")
    return "\n".join(out), lines


def accesses(nest, n):
    """Every access in serial order: (i, j, element, writes)."""
    down_i, down_j = nest["down"]
    events = []
    for i in (range(n - 1, -1, -1) if down_i else range(n)):
        for j in (range(n - 1, -1, -1) if down_j else range(n)):
            for write, reads in nest["statements"]:
                for r in reads:
                    events.append((i, j, (evaluate(r[0], i, j), evaluate(r[1], i, j)), False))
                events.append((i, j, (evaluate(write[0], i, j), evaluate(write[1], i, j)), True))
    return events


def violations(nest, loop, n):
    verdict = loop["verdict"]
    if verdict == "sequential":
        return []
    events = accesses(nest, n)
    found = []
    by_element = {}
    for t, (i, j, elem, writes) in enumerate(events):
        by_element.setdefault(elem, []).append((t, i, j, writes))
    for elem, uses in by_element.items():
        for a in range(len(uses)):
            for b in range(a + 1, len(uses)):
                (_, i1, j1, w1), (_, i2, j2, w2) = uses[a], uses[b]
                if not (w1 or w2):
                    continue
                bad = None
                if verdict == "data_parallel" and i1 != i2:
                    bad = "iterations i=%d and i=%d both touch %s" % (i1, i2, elem)
                elif verdict == "partition_1d":
                    dim = loop["partition_dim"]
                    if (dim == "i" and i1 != i2) or (dim == "j" and j1 != j2):
                        bad = "(%d,%d) and (%d,%d) in different %s parts touch %s" % (
                            i1, j1, i2, j2, dim, elem)
                elif verdict == "wavefront":
                    h = loop["skew"][0]
                    if (i1, j1) != (i2, j2) and h[0] * (i2 - i1) + h[1] * (j2 - j1) < 1:
                        bad = "(%d,%d) before (%d,%d) on %s, but h=%s does not advance" % (
                            i1, j1, i2, j2, elem, h)
                elif verdict not in ("data_parallel", "partition_1d", "wavefront"):
                    bad = "unexpected verdict %s" % verdict
                if bad:
                    found.append(bad)
                    return found
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weftc", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--loops", type=int, default=60)
    parser.add_argument("--size", type=int, default=6)
    parser.add_argument("--claim-parallel", action="store_true",
                        help="check the checker: treat sequential verdicts as data_parallel, "
                             "which must expose dependences")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    nests = [random_nest(rng, k) for k in range(args.loops)]
    code, lines = source(nests)
    with tempfile.NamedTemporaryFile("w", suffix=".cpp", delete=False) as f:
        f.write(code)
        path = f.name
    result = subprocess.run([args.weftc, "--emit=report", path], capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stderr)
        print("weftc failed with exit code %d" % result.returncode)
        return 1
    report = json.loads(result.stdout)
    counts, bad = {}, 0
    for loop in report["loops"]:
        nest = lines[loop["line"]]
        if args.claim_parallel and loop["verdict"] == "sequential":
            loop["verdict"] = "data_parallel"
        counts[loop["verdict"]] = counts.get(loop["verdict"], 0) + 1
        for v in violations(nest, loop, args.size):
            bad += 1
            print("%s:%d: %s verdict breaks a dependence: %s" % (path, loop["line"],
                                                                 loop["verdict"], v))
    print("verdicts: " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    print("%d loops checked, %d unsound" % (len(report["loops"]), bad))
    return 1 if bad or len(report["loops"]) != len(nests) else 0


if __name__ == "__main__":
    sys.exit(main())
