#!/usr/bin/env python3
"""Differential soundness check of weftc: random programs, serial against parallel.

For every program that gen_programs.py writes (a few independent cases, each with one
annotated loop), this script
  1. builds the program serially (the pragmas mean nothing) and runs it: the reference;
  2. asks weftc for its verdicts (--emit=report) and for the parallel source;
  3. builds the parallel source against the runtime (MPI x TBB) and runs it with mpirun
     on each of the configured process x thread counts;
  4. compares each case's printed state with the serial one.
The generated loops give the same final state under every serial order of their
iterations (see gen_programs.py), so a parallel run that prints anything else ran a loop
in a way no serial order explains: weftc's verdict (or the runtime) is unsound.

Also counted as failures: weftc crashing or rejecting a valid program, a rewritten file
that does not compile, a parallel program that crashes, fails or hangs. A batch that
fails is re-checked case by case, so that each finding names one case and keeps a
minimal reproducer (--findings DIR).

Exit status 0 when every case matches, 1 otherwise. --perturb checks the checker: it
drops the written arrays from every Footprint weftc wrote (so the runtime no longer
gathers what the loop wrote, as after a verdict that missed those writes); the check
must then report differences. --program FILE checks a given program (its whole output)
instead of generated ones; --verdicts-only only tabulates weftc's verdicts by construct.

  check_programs.py --weftc build/tools/weftc/weftc --include include \\
      --runtime-lib build/dsm-runtime/libweft_dsm.a --seed 1 --count 24 --work /tmp/sound
"""
import argparse
import difflib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_programs  # noqa: E402

CRASH_WORDS = ("internal error", "Assertion", "LLVM ERROR", "Stack dump", "Segmentation fault")


def run(cmd, timeout, cwd=None):
    """(returncode, stdout, stderr, timed_out); the whole process group is killed on timeout."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace", cwd=cwd, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err, False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return -signal.SIGKILL, out, err, True


def sections(stdout):
    """{case id: its printed lines} from a program's output."""
    found, current = {}, None
    for line in stdout.splitlines():
        m = re.match(r"case (\d+)$", line)
        if m:
            current = int(m.group(1))
            found[current] = []
        elif current is not None:
            found[current].append(line)
    return found


def case_blocks(source):
    """{case id: its namespace block} of a (rewritten) program."""
    blocks = {}
    for m in re.finditer(r"^namespace case_(\d+) \{\n(.*?)^\}  // namespace case_\1$", source, re.S | re.M):
        blocks[int(m.group(1))] = m.group(2)
    return blocks


EXECUTOR = re.compile(r"weft::rt::(data_parallel|partition_1d|rotation_2d|wavefront|relaxed)\(")


def perturb(source):
    """The parallel source with every `.write(A, d)` / `.write(A)` dropped from footprints."""
    return re.sub(r"\.write\([^()]*\)", "", source)


class Checker:
    def __init__(self, args):
        self.args = args
        self.counts = {"cases": 0, "programs": 0, "parallel verdicts": 0, "rewritten loops": 0,
                       "differences": 0, "build failures after weftc": 0, "weftc crashes": 0,
                       "weftc errors": 0, "parallel run failures": 0, "generator errors": 0}
        self.verdicts = {}
        self.findings = []
        self.mpi_compile, self.mpi_link = self.mpi_flags()

    def mpi_flags(self):
        a = self.args
        if a.mpi_include or a.mpi_lib:
            return ["-isystem" + d for d in a.mpi_include], list(a.mpi_lib)
        compile_flags = subprocess.run([a.mpicxx, "--showme:compile"], capture_output=True, text=True).stdout.split()
        link_flags = subprocess.run([a.mpicxx, "--showme:link"], capture_output=True, text=True).stdout.split()
        return compile_flags, link_flags

    # -- one program -----------------------------------------------------------------
    def weftc_cmd(self, src, extra):
        return [self.args.weftc] + extra + [src, "--", "-std=c++17", "-I" + self.args.include]

    def check(self, src, cids, pragma_lines, isolated):
        """Checks one program; returns a list of (kind, case ids, detail). With isolated
        False a batch-level failure is returned as kind 'batch'."""
        a = self.args
        work = os.path.splitext(src)[0]
        serial, parallel_src, parallel = work + ".serial", work + ".parallel.cpp", work + ".parallel"
        problems = []

        rc, out, err, _ = run([a.cxx, "-std=c++17", "-O0", "-I" + a.include, "-Wno-unknown-pragmas",
                               src, "-o", serial], a.timeout)
        if rc != 0:
            return [("generator error", cids, "the serial program does not compile:\n" + err[-3000:])]
        rc, expected_out, err, timed_out = run([serial], a.timeout)
        if rc != 0:
            return [("generator error", cids, "the serial program fails (rc %d):\n%s" % (rc, err[-2000:]))]
        expected = sections(expected_out)

        # Verdicts.
        rc, out, err, timed_out = run(self.weftc_cmd(src, ["--emit=report"]), a.timeout)
        verdicts = {}  # case id -> [loop reports]
        failure = self.weftc_failure(rc, err, timed_out, "--emit=report")
        if failure:
            return [failure[:1] + (cids,) + failure[2:]] if isolated or len(cids) == 1 else [("batch", cids, failure[2])]
        try:
            for loop in json.loads(out)["loops"]:
                cid = pragma_lines.get(loop["line"])
                if cid is not None:
                    verdicts.setdefault(cid, []).append(loop)
        except (ValueError, KeyError) as e:
            return [("weftc error", cids, "--emit=report did not write the expected JSON: %s\n%s" % (e, out[:2000]))]

        if a.verdicts_only:
            self.record_verdicts(cids, verdicts, {})
            return []

        # The parallel source.
        rc, out, err, timed_out = run(self.weftc_cmd(src, ["-o", parallel_src]), a.timeout)
        failure = self.weftc_failure(rc, err, timed_out, "--emit=source")
        if failure:
            return [failure[:1] + (cids,) + failure[2:]] if isolated or len(cids) == 1 else [("batch", cids, failure[2])]
        with open(parallel_src) as f:
            source = f.read()
        if a.perturb:
            source = perturb(source)
            with open(parallel_src, "w") as f:
                f.write(source)
        blocks = case_blocks(source) if not a.program else {cids[0]: source}
        rewritten = {cid: bool(EXECUTOR.search(blocks.get(cid, ""))) for cid in cids}
        self.record_verdicts(cids, verdicts, rewritten)

        rc, out, err, timed_out = run([a.cxx, "-std=c++17", "-O0", "-I" + a.include] + self.mpi_compile +
                                      [parallel_src, a.runtime_lib] + self.mpi_link + a.link + ["-o", parallel],
                                      a.timeout * 2)
        if rc != 0:
            detail = "the rewritten program does not compile:\n" + "\n".join(
                l for l in err.splitlines() if "error" in l)[:4000]
            return [("build failure", cids, detail)] if isolated or len(cids) == 1 else [("batch", cids, detail)]

        differing = {}  # case id -> [(configuration, diff)]
        for ranks, threads in a.runs:
            cmd = [a.mpirun, "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", str(ranks),
                   parallel, "--weft-threads=%d" % threads]
            rc, got_out, err, timed_out = run(cmd, a.run_timeout)
            config = "%d processes x %d threads" % (ranks, threads)
            if rc != 0:
                what = "hangs (killed after %d s)" % a.run_timeout if timed_out else "fails with status %d" % rc
                detail = "the parallel program %s on %s:\n%s" % (what, config, err[-3000:])
                if not (isolated or len(cids) == 1):
                    return [("batch", cids, detail)]
                problems.append(("parallel run failure", cids, detail))
                continue
            got = sections(got_out)
            for cid in cids:
                if got.get(cid) != expected.get(cid):
                    diff = "\n".join(difflib.unified_diff(expected.get(cid, []), got.get(cid, []),
                                                          "serial", "parallel on " + config, lineterm="", n=0))
                    differing.setdefault(cid, []).append((config, diff))
            if not differing and got_out != expected_out:
                differing.setdefault(cids[0], []).append((config, "the output differs outside the cases:\n" + "\n".join(
                    difflib.unified_diff(expected_out.splitlines(), got_out.splitlines(), "serial", "parallel",
                                         lineterm="", n=0))))
        for cid, diffs in sorted(differing.items()):
            problems.append(("difference", [cid], "differs on %s:\n%s" % (
                ", ".join(config for config, _ in diffs), diffs[0][1])))
        return problems

    def weftc_failure(self, rc, err, timed_out, what):
        if timed_out:
            return ("weftc crash", None, "weftc %s hangs (killed after %d s)" % (what, self.args.timeout))
        if rc < 0 or rc >= 128 or any(w in err for w in CRASH_WORDS):
            return ("weftc crash", None, "weftc %s exits with %d:\n%s" % (what, rc, err[-3000:]))
        if rc != 0:
            return ("weftc error", None, "weftc %s rejects a valid program (exit %d):\n%s" % (what, rc, err[-3000:]))
        return None

    def record_verdicts(self, cids, verdicts, rewritten):
        """Per case: its verdicts joined by '+' (one per annotated loop), whether its
        block has an executor call, and weftc's reports of its loops."""
        for cid in cids:
            loops = verdicts.get(cid, [])
            verdict = "+".join(l["verdict"] for l in loops) if loops else "missing"
            self.verdicts[cid] = (verdict, rewritten.get(cid, False), loops)

    # -- the whole run ---------------------------------------------------------------
    def single_case(self, cid):
        path = os.path.join(self.args.work, "case_%d.cpp" % cid)
        text, pragmas = gen_programs.program(self.args.seed, [cid])
        with open(path, "w") as f:
            f.write(text)
        return path, pragmas

    def report(self, kind, cids, detail, src):
        a = self.args
        key = {"difference": "differences", "build failure": "build failures after weftc",
               "weftc crash": "weftc crashes", "weftc error": "weftc errors",
               "parallel run failure": "parallel run failures", "generator error": "generator errors"}[kind]
        self.counts[key] += len(cids) if kind == "difference" else 1
        for cid in cids:
            kind_of_case, tags = ("given", ["program"]) if a.program else gen_programs.case_tags(a.seed, cid)
            verdict = self.verdicts.get(cid, ("?",))[0]
            label = "UNSOUND" if kind == "difference" else kind.upper()
            print("%s: case %d (seed %d, %s: %s), verdict %s, program %s" % (
                label, cid, a.seed, kind_of_case, " ".join(tags), verdict, src))
        print("  " + detail.replace("\n", "\n  "))
        for loop in self.verdicts.get(cids[0], (None, None, []))[2]:
            print("  weftc report, line %s: verdict %s%s%s" % (
                loop.get("line"), loop.get("verdict"),
                ", reasons %s" % [r.get("reason") for r in loop.get("reasons", [])] if loop.get("reasons") else "",
                ", why: %s" % loop.get("why") if loop.get("why") else ""))
        self.findings.append((kind, cids, src))
        if a.findings:
            self.save(kind, cids, src, detail)

    def save(self, kind, cids, src, detail):
        a = self.args
        name = "%s-seed%d-case%s" % (kind.replace(" ", "-"), a.seed, "-".join(str(c) for c in cids[:3]))
        d = os.path.join(a.findings, name)
        os.makedirs(d, exist_ok=True)
        shutil.copy(src, os.path.join(d, "prog.cpp"))
        par = os.path.splitext(src)[0] + ".parallel.cpp"
        if os.path.exists(par):
            shutil.copy(par, os.path.join(d, "prog.parallel.cpp"))
        inc = a.include
        with open(os.path.join(d, "repro.sh"), "w") as f:
            f.write("#!/bin/sh\n# %s: %s\nset -x\n" % (kind, detail.splitlines()[0] if detail else ""))
            f.write("WEFTC=${WEFTC:-%s}\n" % a.weftc)
            f.write("g++ -std=c++17 -I%s -Wno-unknown-pragmas prog.cpp -o serial && ./serial > serial.txt\n" % inc)
            f.write("$WEFTC --emit=report prog.cpp -- -std=c++17 -I%s > report.json\n" % inc)
            f.write("$WEFTC prog.cpp -o out.cpp -- -std=c++17 -I%s\n" % inc)
            f.write("g++ -std=c++17 -I%s %s out.cpp %s %s -o parallel\n" % (
                inc, " ".join(map(shlex.quote, self.mpi_compile)), a.runtime_lib,
                " ".join(map(shlex.quote, self.mpi_link + a.link))))
            for ranks, threads in a.runs:
                f.write("mpirun --allow-run-as-root --oversubscribe --bind-to none -np %d ./parallel "
                        "--weft-threads=%d > parallel-%dx%d.txt; diff serial.txt parallel-%dx%d.txt\n" % (
                            ranks, threads, ranks, threads, ranks, threads))
        with open(os.path.join(d, "finding.txt"), "w") as f:
            f.write("%s (seed %d, cases %s)\n%s\n" % (kind, a.seed, cids, detail))

    def main(self):
        a = self.args
        os.makedirs(a.work, exist_ok=True)
        if a.program:
            # Given programs: each is one case (number 0), compared as a whole.
            manifest = []
            for k, path in enumerate(a.program):
                with open(path) as f:
                    text = f.read()
                copy = os.path.join(a.work, "given_%d.cpp" % k)
                with open(copy, "w") as f:
                    f.write(text)
                pragmas = {n + 1: 0 for n, line in enumerate(text.split("\n"))
                           if line.strip().startswith("#pragma weft")}
                manifest.append({"path": copy, "cases": [0], "pragma_lines": pragmas})
        else:
            manifest = gen_programs.write_programs(a.seed, a.count, a.per_file, a.work, a.first, a.cases)
        for entry in manifest:
            src, cids = entry["path"], entry["cases"]
            pragma_lines = {int(k): v for k, v in entry["pragma_lines"].items()}
            self.counts["programs"] += 1
            self.counts["cases"] += len(cids)
            problems = self.check(src, cids, pragma_lines, isolated=False)
            if any(kind == "batch" for kind, _, _ in problems):
                # Re-check each case alone: the finding names its case, the reproducer is minimal.
                problems = []
                for cid in cids:
                    path, pragmas = self.single_case(cid)
                    for kind, cs, detail in self.check(path, [cid], pragmas, isolated=True):
                        self.report(kind, cs, detail, path)
            else:
                for kind, cs, detail in problems:
                    path = src
                    if kind == "difference" and len(cs) == 1 and len(cids) > 1 and not a.perturb:
                        # Confirm alone, for a minimal reproducer.
                        single, pragmas = self.single_case(cs[0])
                        alone = [p for p in self.check(single, cs, pragmas, isolated=True) if p[0] == "difference"]
                        if alone:
                            path, detail = single, alone[0][2]
                        else:
                            detail += "\n(only in the batch: the case alone matches)"
                    self.report(kind, cs, detail, path)
            summary = ", ".join("case %d %s%s" % (cid, self.verdicts.get(cid, ("?",))[0],
                                                  " (rewritten)" if self.verdicts.get(cid, (0, False))[1] else "")
                                for cid in cids)
            print("%s: %s" % (os.path.basename(src), summary), flush=True)
        for cid, (verdict, rewritten, loops) in self.verdicts.items():
            if any(l["verdict"] != "sequential" for l in loops):
                self.counts["parallel verdicts"] += 1
            if rewritten:
                self.counts["rewritten loops"] += 1
        by_verdict = {}
        for _, _, loops in self.verdicts.values():
            for l in loops:
                by_verdict[l["verdict"]] = by_verdict.get(l["verdict"], 0) + 1
        print("verdicts of the loops: " + ", ".join("%s %d" % kv for kv in sorted(by_verdict.items())))
        reasons = {}
        for _, _, loops in self.verdicts.values():
            for r in [r for l in loops for r in l.get("reasons", [])]:
                name = r.get("reason", "?") if isinstance(r, dict) else str(r)
                reasons[name] = reasons.get(name, 0) + 1
        if reasons:
            print("reasons given: " + ", ".join("%s %d" % kv for kv in sorted(reasons.items())))
        print("%d cases in %d programs, %d with a parallel verdict, %d with a rewritten loop" % (
            self.counts["cases"], self.counts["programs"], self.counts["parallel verdicts"],
            self.counts["rewritten loops"]))
        print("%d differences, %d build failures after weftc, %d weftc crashes or hangs, %d weftc errors, "
              "%d parallel run failures, %d generator errors" % tuple(self.counts[k] for k in (
                  "differences", "build failures after weftc", "weftc crashes", "weftc errors",
                  "parallel run failures", "generator errors")))
        if a.verdicts_only:
            by_tag = {}
            for cid, (_, _, loops) in self.verdicts.items():
                for tag in set(gen_programs.case_tags(a.seed, cid)[1]):
                    row = by_tag.setdefault(tag, [0, 0])
                    row[0] += 1
                    row[1] += any(l["verdict"] != "sequential" for l in loops)
            for tag, (n, par) in sorted(by_tag.items()):
                print("  %-28s %4d cases, %4d parallel" % (tag, n, par))
        if a.perturb and not self.counts["rewritten loops"]:
            print("--perturb: no loop was rewritten, so nothing was perturbed: choose other cases")
            return 1
        bad = sum(self.counts[k] for k in ("differences", "build failures after weftc", "weftc crashes",
                                            "weftc errors", "parallel run failures", "generator errors"))
        return 1 if bad else 0


def parse_runs(text):
    runs = []
    for item in text.split(","):
        ranks, _, threads = item.partition("x")
        runs.append((int(ranks), int(threads or 1)))
    return runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weftc", required=True)
    parser.add_argument("--include", required=True, help="weft's include/ directory")
    parser.add_argument("--runtime-lib", required=True, help="libweft_dsm.a")
    parser.add_argument("--work", required=True, help="scratch directory (programs and builds)")
    parser.add_argument("--findings", help="directory to save a reproducer per finding")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=16, help="cases")
    parser.add_argument("--first", type=int, default=0, help="number of the first case")
    parser.add_argument("--program", action="append", default=[],
                        help="check this program (as one case, whole output compared) instead of generated ones")
    parser.add_argument("--cases", type=lambda t: [int(x) for x in t.split(",")],
                        help="only these cases (comma-separated numbers), instead of --first/--count")
    parser.add_argument("--per-file", type=int, default=4, help="cases per program")
    parser.add_argument("--runs", type=parse_runs, default=parse_runs("2x1,4x2"),
                        help="process x thread counts, e.g. 2x1,4x2")
    parser.add_argument("--cxx", default="g++")
    parser.add_argument("--mpicxx", default="mpicxx", help="asked for MPI's flags (--showme)")
    parser.add_argument("--mpi-include", action="append", default=[], help="instead of --mpicxx")
    parser.add_argument("--mpi-lib", action="append", default=[], help="instead of --mpicxx")
    parser.add_argument("--link", action="append", default=["-ltbb", "-lpthread"], help="more link arguments")
    parser.add_argument("--mpirun", default="mpirun")
    parser.add_argument("--timeout", type=int, default=120, help="seconds for weftc and each compile")
    parser.add_argument("--run-timeout", type=int, default=60, help="seconds for each program run")
    parser.add_argument("--perturb", action="store_true",
                        help="check the checker: drop the writes from weftc's footprints")
    parser.add_argument("--avoid", default="",
                        help="constructs not to generate (tags such as key_entry_copy, span_view), to look past a known bug")
    parser.add_argument("--verdicts-only", action="store_true",
                        help="only ask weftc for its verdicts (no parallel build or run), with a table by construct")
    args = parser.parse_args()
    if not os.access(args.weftc, os.X_OK):
        sys.exit("check_programs.py: %s is not an executable weftc" % args.weftc)
    gen_programs.AVOID.update(t for t in args.avoid.split(",") if t)
    args.include = os.path.abspath(args.include)
    args.runtime_lib = os.path.abspath(args.runtime_lib)
    args.work = os.path.abspath(args.work)
    return Checker(args).main()


if __name__ == "__main__":
    sys.exit(main())
