#!/usr/bin/env python3
"""Mutation fuzzing of weftc: it must never crash, hang, or write code that does not compile.

Seeds are the project's weftc inputs (tests/lit/**/*.cpp) and samples (samples/*/*.cpp).
Each mutant is a seed with one to three random textual mutations: delete, duplicate or
swap lines and tokens, change an operator, a number or an identifier (to another one of
the file), insert `#pragma weft parallel_for` (or a variant) before a random `for`,
convert the line endings to CR only or CRLF, nest an expression hundreds of levels deep,
change a SparseArray/DistArray rank or a key index, drop or add braces and early exits,
write main, the include or a loop header another valid way (function-try-block, comments,
line splices, a byte order mark, tabs), and valid changes that reach the analysis and the
rewrite (another subscript, a statement wrapped in a block, an if, a do-while or a lambda,
a cast).
weftc runs on each mutant twice, `--emit=report` and `-o out.cpp` (source), under a
timeout. A mutant is flagged when weftc
  - ends by a signal (exit status >= 128 or negative), or runs past the timeout (hang);
  - prints "internal error", "Assertion", "LLVM ERROR", "Stack dump" or "PLEASE submit";
  - writes a rewritten file that does not compile (clang++ -fsyntax-only against the
    runtime's headers) although the mutant itself compiles (clang++ -fsyntax-only against
    weft's headers) -- user errors are allowed to be rejected, valid C++ must give valid C++;
  - writes a program whose loops call the runtime but whose main creates no Session (it
    compiles, and fails at its first parallel loop).
What this proves for the sampled mutants: weftc's user-error paths are diagnostics (STYLE
7: never abort on user input), the isl operation bound stops pathological loops, and the
rewrite's edits keep a valid program valid.

Each flagged mutant is saved in --out (mutant.cpp, weftc's output, repro.sh). Mutants are
deterministic for --seed: mutant k of seed s is the same whatever --count.

  mutate.py --weftc build/tools/weftc/weftc --root . --seed 1 --count 40 --out /tmp/fuzz
Exit status 0 when nothing is flagged, 1 otherwise.
"""
import argparse
import glob
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time

CRASH_WORDS = ("internal error", "Assertion", "LLVM ERROR", "Stack dump", "PLEASE submit", "Segmentation fault")

TOKEN = re.compile(r"""[A-Za-z_][A-Za-z_0-9]*|0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][-+]?\d+)?[fFuUlL]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|::|->|\+\+|--|<<=?|>>=?|[-+*/%&|^!=<>]=|&&|\|\||[-+*/%&|^!~<>=?:;,.(){}\[\]#]""")
OPERATOR_SWAPS = {
    "+": ["-", "*"], "-": ["+", "/"], "*": ["/", "+"], "/": ["*", "%"], "%": ["/"],
    "<": ["<=", ">", "!="], "<=": ["<", ">="], ">": [">=", "<"], ">=": [">", "<="],
    "==": ["!="], "!=": ["=="], "+=": ["-=", "=", "*="], "-=": ["+="], "*=": ["/=", "+="],
    "=": ["+=", "=="], "++": ["--"], "--": ["++"], "&&": ["||"], "||": ["&&"],
    "&": ["*", "&&"], "->": ["."], ".": ["->"], "<<": [">>"], ">>": ["<<"],
}
NUMBERS = ["0", "1", "-1", "2", "3", "7", "64", "255", "256", "1000003", "2147483647", "2147483648",
           "4294967296", "9223372036854775807", "0x7fffffffffffffff", "1e300", "0.5", "-0"]
KEYWORD_LIKE = {"int", "float", "double", "const", "auto", "for", "if", "else", "return", "void", "struct",
                "class", "while", "do", "break", "continue", "static", "inline", "namespace", "template",
                "typename", "using", "include", "pragma", "weft", "true", "false", "char", "long", "unsigned"}
PRAGMAS = ["#pragma weft parallel_for", "#pragma weft parallel_for", "#pragma weft parallel_for ordered",
           "#pragma weft pipeline", "#pragma weft parallel_for ordered ordered", "#pragma weft",
           "#pragma weft parallel_for bogus", "_Pragma(\"weft parallel_for\")"]


# ---------------------------------------------------------------------------------------
# Mutations: each takes (rng, text) and returns (new text, description) or None when it
# does not apply to this text.

def lines_of(text):
    return text.split("\n")


def m_delete_line(rng, text):
    ls = lines_of(text)
    k = rng.randrange(len(ls))
    return "\n".join(ls[:k] + ls[k + 1:]), "delete line %d" % (k + 1)


def m_duplicate_line(rng, text):
    ls = lines_of(text)
    k = rng.randrange(len(ls))
    return "\n".join(ls[:k + 1] + [ls[k]] + ls[k + 1:]), "duplicate line %d" % (k + 1)


def m_swap_lines(rng, text):
    ls = lines_of(text)
    if len(ls) < 2:
        return None
    a = rng.randrange(len(ls) - 1)
    b = a + 1 if rng.random() < 0.7 else rng.randrange(len(ls))
    ls[a], ls[b] = ls[b], ls[a]
    return "\n".join(ls), "swap lines %d and %d" % (a + 1, b + 1)


def tokens(text):
    return [m for m in TOKEN.finditer(text)]


COMMENT = re.compile(r"//[^\n\r]*|/\*.*?\*/", re.S)


def body_tokens(text):
    """Tokens of the code after the first #include (not in comments: RUN and CHECK lines)."""
    comments = [(m.start(), m.end()) for m in COMMENT.finditer(text)]
    start = text.find("#include")

    def in_comment(pos):
        return any(a <= pos < b for a, b in comments)

    toks = [t for t in tokens(text) if t.start() > start and not in_comment(t.start())]
    return toks or tokens(text)


def m_delete_token(rng, text):
    toks = body_tokens(text)
    if not toks:
        return None
    t = rng.choice(toks)
    return text[:t.start()] + text[t.end():], "delete token '%s' at offset %d" % (t.group(), t.start())


def m_duplicate_token(rng, text):
    toks = body_tokens(text)
    if not toks:
        return None
    t = rng.choice(toks)
    return text[:t.end()] + " " + t.group() + text[t.end():], "duplicate token '%s' at offset %d" % (t.group(), t.start())


def m_swap_tokens(rng, text):
    toks = body_tokens(text)
    if len(toks) < 2:
        return None
    k = rng.randrange(len(toks) - 1)
    a, b = toks[k], toks[k + 1]
    return (text[:a.start()] + b.group() + text[a.end():b.start()] + a.group() + text[b.end():],
            "swap tokens '%s' and '%s' at offset %d" % (a.group(), b.group(), a.start()))


def m_change_operator(rng, text):
    toks = [t for t in body_tokens(text) if t.group() in OPERATOR_SWAPS]
    if not toks:
        return None
    t = rng.choice(toks)
    new = rng.choice(OPERATOR_SWAPS[t.group()])
    return text[:t.start()] + new + text[t.end():], "operator '%s' -> '%s' at offset %d" % (t.group(), new, t.start())


def m_change_number(rng, text):
    toks = [t for t in body_tokens(text) if t.group()[0].isdigit()]
    if not toks:
        return None
    t = rng.choice(toks)
    old = t.group()
    choices = NUMBERS[:]
    if old.isdigit():
        choices += [str(int(old) + 1), str(max(int(old) - 1, 0))]
    new = rng.choice(choices)
    return text[:t.start()] + new + text[t.end():], "number %s -> %s at offset %d" % (old, new, t.start())


def m_change_identifier(rng, text):
    toks = [t for t in body_tokens(text) if (t.group()[0].isalpha() or t.group()[0] == "_")]
    names = sorted({t.group() for t in toks})
    if len(names) < 2:
        return None
    t = rng.choice(toks)
    new = rng.choice([n for n in names if n != t.group()])
    return text[:t.start()] + new + text[t.end():], "identifier '%s' -> '%s' at offset %d" % (t.group(), new, t.start())


def fors(text):
    return [m.start() for m in re.finditer(r"(?m)^[ \t]*for\s*\(", text)] + \
           [m.start() for m in re.finditer(r"(?<=[;{)]) *for\s*\(", text)]


def m_insert_pragma(rng, text):
    places = sorted(set(fors(text)))
    if not places:
        return None
    at = rng.choice(places)
    pragma = rng.choice(PRAGMAS)
    return text[:at] + pragma + "\n" + text[at:], "insert '%s' before the for at offset %d" % (pragma, at)


def m_move_pragma(rng, text):
    pragmas = [m for m in re.finditer(r"(?m)^[ \t]*#pragma weft[^\n]*\n", text)]
    if not pragmas:
        return None
    p = rng.choice(pragmas)
    rest = text[:p.start()] + text[p.end():]
    ls = lines_of(rest)
    k = rng.randrange(len(ls) + 1)
    return "\n".join(ls[:k] + [p.group().rstrip("\n")] + ls[k:]), "move the pragma at offset %d to line %d" % (p.start(), k + 1)


def m_line_endings(rng, text):
    if rng.random() < 0.5:
        return text.replace("\n", "\r"), "CR-only line endings"
    return text.replace("\n", "\r\n"), "CRLF line endings"


def m_deep_nest(rng, text):
    """Wraps an expression (a subscript or a right-hand side) in many parentheses or unary minuses."""
    spots = [m for m in re.finditer(r"(?<=[(,=]) ?([A-Za-z_][A-Za-z_0-9.\[\]]*)(?=[,)]|;)", text)]
    if not spots:
        return None
    s = rng.choice(spots)
    depth = rng.choice([64, 256, 1024, 3000])
    expr = s.group(1)
    kind = rng.choice(["parens", "negate", "plus_zero"])
    if kind == "parens":
        new = "(" * depth + expr + ")" * depth
    elif kind == "negate":
        d = depth - depth % 2
        new = "-(" * d + expr + ")" * d
    else:
        new = "(" * depth + expr + " + 0)" * depth
    return (text[:s.start(1)] + new + text[s.end(1):],
            "nest '%s' at offset %d in %d levels of %s" % (expr, s.start(1), depth, kind))


def m_change_rank(rng, text):
    spots = [m for m in re.finditer(r"(SparseArray|DistArray|Entry|load_triples|Buffer)<([^<>,]+), (\d+)", text)]
    if not spots:
        return None
    s = rng.choice(spots)
    new = rng.choice(["0", "1", "2", "3", "4", "64"])
    return text[:s.start(3)] + new + text[s.end(3):], "%s rank %s -> %s at offset %d" % (s.group(1), s.group(3), new, s.start(3))


def m_change_key_index(rng, text):
    spots = [m for m in re.finditer(r"key\[(\d+)\]", text)]
    if not spots:
        return None
    s = rng.choice(spots)
    new = rng.choice(["0", "1", "2", "-1", "i", "k", "key[0]"])
    return text[:s.start(1)] + new + text[s.end(1):], "key[%s] -> key[%s] at offset %d" % (s.group(1), new, s.start(1))


def m_early_exit(rng, text):
    spots = [m.end() for m in re.finditer(r";[ \t]*\n", text)]
    if not spots:
        return None
    at = rng.choice(spots)
    stmt = rng.choice(["break;", "continue;", "return;", "return 0;", "goto done; done:;", "throw 1;",
                       "if (false) break;", "for (;;) break;", "while (false) {}", "do {} while (false);",
                       "switch (0) { default: break; }", "static int weft_fuzz_count = 0; ++weft_fuzz_count;"])
    return text[:at] + stmt + "\n" + text[at:], "insert '%s' at offset %d" % (stmt, at)


def m_braces(rng, text):
    opens = [m.start() for m in re.finditer(r"\{", text)]
    if not opens:
        return None
    at = rng.choice(opens)
    if rng.random() < 0.5:
        return text[:at] + text[at + 1:], "delete '{' at offset %d" % at
    return text[:at] + "{ {" + text[at + 1:] + "\n}", "double '{' at offset %d (closed at the end)" % at


def m_long_line(rng, text):
    spots = [m for m in re.finditer(r"\+= ([^;\n]+);", text)]
    if not spots:
        return None
    s = rng.choice(spots)
    n = rng.choice([50, 500, 5000])
    new = " + ".join([s.group(1)] * n)
    return text[:s.start(1)] + new + text[s.end(1):], "repeat the right-hand side at offset %d %d times" % (s.start(1), n)


ACCESS = re.compile(r"\b([A-Z][A-Za-z0-9_]*)\(([^()]*)\)")


def m_subscript(rng, text):
    """A valid change of one array access's subscripts: another name of the file's loop
    variables, +-1, or two subscripts swapped."""
    spots = [m for m in ACCESS.finditer(text) if m.group(2).strip() and not in_comment_at(text, m.start())]
    if not spots:
        return None
    s = rng.choice(spots)
    args = [a.strip() for a in s.group(2).split(",")]
    kind = rng.choice(["swap", "shift", "rename"])
    if kind == "swap" and len(args) >= 2:
        a, b = rng.sample(range(len(args)), 2)
        args[a], args[b] = args[b], args[a]
    elif kind == "shift":
        k = rng.randrange(len(args))
        args[k] = "%s %s 1" % (args[k], rng.choice(["+", "-"]))
    else:
        names = sorted(set(re.findall(r"\bfor\s*\(\s*(?:const\s+)?\w+\s+(\w+)", text))) or ["0"]
        k = rng.randrange(len(args))
        args[k] = rng.choice(names)
    new = "%s(%s)" % (s.group(1), ", ".join(args))
    return text[:s.start()] + new + text[s.end():], "access '%s' -> '%s' at offset %d" % (s.group(), new, s.start())


def m_wrap_statement(rng, text):
    """Wraps a statement of a loop body in a valid construct."""
    spots = [m for m in re.finditer(r"(?m)^([ \t]+)([A-Za-z_][^;{}\n]*;)[ \t]*$", text)
             if not in_comment_at(text, m.start(2))]
    if not spots:
        return None
    s = rng.choice(spots)
    form = rng.choice(["{ %s }", "if (true) { %s }", "do { %s } while (false);", "if (1 > 0) %s else {}",
                       "for (int weft_once = 0; weft_once < 1; ++weft_once) { %s }", "%s ;", "[&] { %s }();"])
    new = form % s.group(2)
    return text[:s.start(2)] + new + text[s.end(2):], "statement '%s' -> '%s'" % (s.group(2), new)


def m_add_cast(rng, text):
    spots = [m for m in re.finditer(r"(?<=[(,] )?\b([a-z][a-z0-9_]*)\b(?=\s*[,)])", text) if not in_comment_at(text, m.start())]
    if not spots:
        return None
    s = rng.choice(spots)
    form = rng.choice(["static_cast<int64_t>(%s)", "(%s)", "+%s", "(0, %s)", "int(%s)"])
    new = form % s.group(1)
    return text[:s.start(1)] + new + text[s.end(1):], "'%s' -> '%s' at offset %d" % (s.group(1), new, s.start(1))


def in_comment_at(text, pos):
    line_start = text.rfind("\n", 0, pos) + 1
    return "//" in text[line_start:pos]


def m_bom(rng, text):
    return "\ufeff" + text, "UTF-8 byte order mark"


def m_tabs(rng, text):
    return re.sub(r"(?m)^((?:  )+)", lambda m: "\t" * (len(m.group(1)) // 2), text), "indent with tabs"


def m_main_form(rng, text):
    m = re.search(r"\bint main\s*\([^)]*\)\s*\{", text)
    if not m:
        return None
    form = rng.choice(["int main(int argc, char* argv[]) {", "int main(int c, char** v) {", "int main() {",
                       "int main(void) {", "auto main(int argc, char** argv) -> int {", "try", "int main(int argc, char **argv)\n{",
                       "int main(int argc, char** argv, char** envp) {", "int\nmain(int argc, char** argv) {"])
    if form != "try":
        return text[:m.start()] + form + text[m.end():], "main written as '%s'" % form.replace("\n", "\\n")
    # A function-try-block: find main's closing brace.
    depth, k = 0, m.end() - 1
    while k < len(text):
        depth += {"{": 1, "}": -1}.get(text[k], 0)
        if depth == 0:
            break
        k += 1
    if k >= len(text):
        return None
    sig = text[m.start():m.end() - 1]
    return (text[:m.start()] + sig + "try {" + text[m.end():k + 1] + " catch (...) {\n  return 1;\n}" + text[k + 1:],
            "main as a function-try-block")


def m_comment_in_loop_header(rng, text):
    spots = [m for m in re.finditer(r"\bfor\s*\(([^;]*);([^;]*);([^)]*)\)", text)]
    if not spots:
        return None
    s = rng.choice(spots)
    pos = rng.choice([s.start(1), s.end(1) + 1, s.end(2) + 1, s.end(3), s.end()])
    note = rng.choice(["/* c */", "/**/", "// c\n", "\n", " \\\n"])
    return text[:pos] + note + text[pos:], "insert %r in a for header at offset %d" % (note, pos)


def m_line_splice(rng, text):
    toks = [t for t in body_tokens(text) if len(t.group()) >= 2 and not t.group().startswith(("\"", "'"))]
    if not toks:
        return None
    t = rng.choice(toks)
    cut = t.start() + rng.randrange(1, len(t.group()))
    return text[:cut] + "\\\n" + text[cut:], "line splice inside '%s' at offset %d" % (t.group(), t.start())


def m_include_form(rng, text):
    m = re.search(r"#include <weft/weft.h>", text)
    if not m:
        return None
    form = rng.choice(['#include "weft/weft.h"', "#  include <weft/weft.h>", "#include <weft/weft.h> // the API",
                       "#include <weft/weft.h>\n#include <weft/weft.h>", "#include <weft/../weft/weft.h>",
                       "#include <vector>\n#include <weft/weft.h>", "/* api */ #include <weft/weft.h>"])
    return text[:m.start()] + form + text[m.end():], "include written as %r" % form


MUTATIONS = [
    (m_delete_line, 3), (m_duplicate_line, 3), (m_swap_lines, 2), (m_delete_token, 4), (m_duplicate_token, 2),
    (m_swap_tokens, 2), (m_change_operator, 4), (m_change_number, 3), (m_change_identifier, 4),
    (m_insert_pragma, 4), (m_move_pragma, 2), (m_line_endings, 1), (m_deep_nest, 2), (m_change_rank, 2),
    (m_change_key_index, 2), (m_early_exit, 3), (m_braces, 1), (m_long_line, 1), (m_bom, 1), (m_tabs, 1),
    (m_main_form, 2), (m_comment_in_loop_header, 2), (m_line_splice, 2), (m_include_form, 2),
    (m_subscript, 5), (m_wrap_statement, 4), (m_add_cast, 3),
]


def mutant(seeds, seed, k, skip=()):
    """(seed path, mutated text, descriptions) of mutant k; mutations named in `skip`
    (without their m_ prefix) are replaced by others."""
    rng = random.Random("weft-mutant/%d/%d" % (seed, k))
    path = rng.choice(seeds)
    with open(path, newline="") as f:
        text = f.read()
    done = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        for _attempt in range(8):
            total = sum(w for _, w in MUTATIONS)
            x = rng.uniform(0, total)
            for f, w in MUTATIONS:
                x -= w
                if x <= 0:
                    break
            if f is m_line_endings and done:
                continue  # other mutations split lines on '\n': line endings go first
            if f.__name__[2:] in skip:
                continue
            result = f(rng, text)
            if result:
                text, what = result
                done.append(what)
                break
    return path, text, done


# ---------------------------------------------------------------------------------------
def run(cmd, timeout):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    start = time.time()
    try:
        out, err = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        timed_out = True
    return (proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), timed_out,
            time.time() - start)


class Fuzzer:
    def __init__(self, args):
        self.args = args
        root = args.root
        self.seeds = sorted(glob.glob(os.path.join(root, "tests", "lit", "**", "*.cpp"), recursive=True) +
                            glob.glob(os.path.join(root, "samples", "*", "*.cpp")))
        if not self.seeds:
            sys.exit("mutate.py: no seeds under %s" % root)
        self.counts = dict.fromkeys(["mutants", "crashes", "hangs", "internal errors", "uncompilable outputs", "missing sessions",
                                     "mutants clang accepts", "weftc rejections of them", "outputs compiled"], 0)
        self.flagged = []
        self.mpi = subprocess.run([args.mpicxx, "--showme:incdirs"], capture_output=True, text=True).stdout.split() \
            if not args.mpi_include else args.mpi_include

    def clang(self, path, include_dirs):
        a = self.args
        return [a.clang, "-std=c++17", "-fsyntax-only", "-w", "-I" + a.include] + ["-I" + d for d in include_dirs] + [path]

    def one(self, k):
        a = self.args
        seed_path, text, what = mutant(self.seeds, a.seed, k, a.skip)
        rel = os.path.relpath(seed_path, a.root)
        work = tempfile.mkdtemp(prefix="mutant%d-" % k, dir=a.scratch)
        src = os.path.join(work, os.path.basename(seed_path))
        with open(src, "w", newline="") as f:
            f.write(text)
        out = os.path.join(work, "out.cpp")
        weftc_args = ["--", "-std=c++17", "-I" + a.include, "-I" + os.path.dirname(seed_path)]
        flags = []
        results = {}
        for mode, cmd in (("report", [a.weftc, "--emit=report", src] + weftc_args),
                          ("source", [a.weftc, src, "-o", out] + weftc_args)):
            rc, so, se, timed_out, secs = run(cmd, a.timeout)
            results[mode] = (rc, cmd)
            if timed_out:
                flags.append(("hang", "weftc --emit=%s ran past %d s" % (mode, a.timeout), cmd))
            elif rc < 0 or rc >= 128:
                flags.append(("crash", "weftc --emit=%s ended with status %d: %s" % (mode, rc, tail(se)), cmd))
            elif any(w in so + se for w in CRASH_WORDS):
                flags.append(("internal error", "weftc --emit=%s printed: %s" % (mode, tail(se + so)), cmd))
        self.counts["mutants"] += 1
        rc_src = results["source"][0]
        if not flags:
            rc, _, se, _, _ = run(self.clang(src, [os.path.dirname(seed_path)]), a.timeout * 3)
            if rc == 0:
                self.counts["mutants clang accepts"] += 1
                if rc_src != 0:
                    self.counts["weftc rejections of them"] += 1
                elif os.path.exists(out):
                    self.counts["outputs compiled"] += 1
                    with open(out, errors="replace") as f:
                        rewritten = f.read()
                    # A program whose loops now call the runtime needs the Session in main.
                    if re.search(r"^[^/\n]*\bmain\s*\(", rewritten, re.M) and "Session::current()" in rewritten \
                            and "weft::rt::Session weft_session" not in rewritten:
                        flags.append(("missing session", "the output calls the runtime but its main creates no "
                                      "weft::rt::Session", [a.weftc, src, "-o", out] + weftc_args))
                    cmd = self.clang(out, [os.path.dirname(seed_path)] + self.mpi)
                    rc2, _, se2, timed_out, _ = run(cmd, a.timeout * 3)
                    if rc2 != 0:
                        flags.append(("uncompilable output", "the mutant compiles, weftc's output does not:\n" +
                                      "\n".join(l for l in se2.splitlines() if "error" in l)[:3000],
                                      [a.weftc, src, "-o", out] + weftc_args))
        kinds = {"hang": "hangs", "crash": "crashes", "internal error": "internal errors",
                 "uncompilable output": "uncompilable outputs", "missing session": "missing sessions"}
        for kind in sorted({f[0] for f in flags}):
            self.counts[kinds[kind]] += 1
        if flags:
            self.save(k, rel, src, out, what, flags)
        else:
            for name in os.listdir(work):
                os.remove(os.path.join(work, name))
            os.rmdir(work)
        return flags, rel, what

    def save(self, k, rel, src, out, what, flags):
        a = self.args
        kind = flags[0][0].replace(" ", "-")
        d = os.path.join(a.out, "%s-%05d" % (kind, k))
        os.makedirs(d, exist_ok=True)
        with open(src, "rb") as f:
            data = f.read()
        name = os.path.basename(src)
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        if os.path.exists(out):
            with open(out, "rb") as f, open(os.path.join(d, "out.cpp"), "wb") as g:
                g.write(f.read())
        with open(os.path.join(d, "what.txt"), "w") as f:
            f.write("mutant %d of seed %d: %s with %s\n" % (k, a.seed, rel, "; ".join(what)))
            for kind, detail, _ in flags:
                f.write("%s: %s\n" % (kind, detail))
        with open(os.path.join(d, "repro.sh"), "w") as f:
            f.write("#!/bin/sh\n# %s\ncd \"$(dirname \"$0\")\"\n" % flags[0][1].splitlines()[0])
            for _, _, cmd in flags:
                f.write(" ".join(shlex.quote(c.replace(src, name).replace(os.path.dirname(src) + "/", ""))
                                 for c in cmd) + "\n")
        self.flagged.append((k, kind, d))

    def main(self):
        a = self.args
        os.makedirs(a.out, exist_ok=True)
        a.scratch = tempfile.mkdtemp(prefix="weft-mutants-")
        start = time.time()
        for k in range(a.first, a.first + a.count):
            flags, rel, what = self.one(k)
            for kind, detail, _ in flags:
                print("FLAGGED %s: mutant %d (%s: %s): %s" % (kind.upper(), k, rel, "; ".join(what),
                                                             detail.replace("\n", "\n  ")), flush=True)
            if a.verbose:
                print("mutant %d: %s: %s" % (k, rel, "; ".join(what)), flush=True)
            if (k - a.first + 1) % 100 == 0:
                print("... %d mutants, %.0f s, %s" % (k - a.first + 1, time.time() - start, self.summary()), flush=True)
        os.rmdir(a.scratch) if not os.listdir(a.scratch) else None
        print("%d mutants of %d seeds (seed %d, from %d) in %.0f s" % (
            self.counts["mutants"], len(self.seeds), a.seed, a.first, time.time() - start))
        print(self.summary())
        print("(%d mutants compile; weftc rejected %d of them; %d outputs compiled)" % (
            self.counts["mutants clang accepts"], self.counts["weftc rejections of them"], self.counts["outputs compiled"]))
        if self.flagged:
            print("flagged mutants saved under %s" % a.out)
        return 1 if self.flagged else 0

    def summary(self):
        return "%d crashes, %d hangs, %d internal errors, %d uncompilable outputs, %d missing sessions" % (
            self.counts["crashes"], self.counts["hangs"], self.counts["internal errors"],
            self.counts["uncompilable outputs"], self.counts["missing sessions"])


def tail(s, n=1500):
    s = s.strip()
    return s if len(s) <= n else "..." + s[-n:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weftc", required=True)
    parser.add_argument("--root", required=True, help="weft's source tree (seeds: tests/lit, samples)")
    parser.add_argument("--include", help="weft's include/ (default: ROOT/include)")
    parser.add_argument("--out", required=True, help="where flagged mutants are saved")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--first", type=int, default=0, help="number of the first mutant")
    parser.add_argument("--timeout", type=int, default=20, help="seconds for each weftc run")
    parser.add_argument("--clang", default="clang++-14")
    parser.add_argument("--mpicxx", default="mpicxx", help="asked for MPI's include directories")
    parser.add_argument("--mpi-include", action="append", default=[], help="instead of --mpicxx")
    parser.add_argument("--verbose", action="store_true", help="print every mutant")
    parser.add_argument("--skip", type=lambda t: t.split(","), default=[],
                        help="mutations not to make, e.g. line_endings,deep_nest (to look past a known bug)")
    args = parser.parse_args()
    if not os.access(args.weftc, os.X_OK):
        sys.exit("mutate.py: %s is not an executable weftc" % args.weftc)
    args.root = os.path.abspath(args.root)
    args.include = os.path.abspath(args.include or os.path.join(args.root, "include"))
    args.out = os.path.abspath(args.out)
    return Fuzzer(args).main()


if __name__ == "__main__":
    sys.exit(main())
