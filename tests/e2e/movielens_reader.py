#!/usr/bin/env python3
"""usage: movielens_reader.py <scripts/movielens.py> <scratch dir>

Checks, without the network, the reader of R's data files scripts/rdata.py (next to
movielens.py) and its two users, scripts/movielens.py and
samples/sparse-lr/spam_to_triples.py.

movielens.py: it writes small dslabs-like packages whose `movielens` data frame is
serialized by hand (XDR, versions 2 and 3) into each storage R uses (a lazy-load
database with zlib, bzip2, xz or uncompressed blocks; a gzip, bzip2 or xz .rda file),
and checks that the helper writes the expected triple files from each, and that it
exits 1 with a message naming the problem on streams it must refuse (ASCII format,
version 4, ALTREP, truncation, a bad reference, a missing column, an NA id, a repeated
(user, movie) pair) and 2 on bad arguments.

rdata.py directly, on what kernlab's spam.rda holds and movielens does not: an .rda
file (serialization version 2, several objects) with a data frame of double and
integer columns, a factor and character row.names, next to a closure (global
environment, a missing-argument formal, a call as body), a promise and an expression
vector; and its refusals (an unsupported type, named with its byte offset; an ASCII
.rda; a missing object; a non-data-frame; a short column). spam_to_triples.py: the
triples of a hand-made spam.rda, and the refusal of one without the column `type`.
"""

import bz2
import gzip
import lzma
import os
import shutil
import struct
import subprocess
import sys
import zlib

helper, scratch = sys.argv[1], sys.argv[2]
scripts_dir = os.path.dirname(os.path.abspath(helper))
spam_to_triples = os.path.join(scripts_dir, "..", "samples", "sparse-lr", "spam_to_triples.py")
sys.path.insert(0, scripts_dir)
sys.dont_write_bytecode = True  # no scripts/__pycache__ in the source tree
import rdata

failures = []

# --- a writer for the part of R's XDR serialization the helper reads -------------------
HAS_TAG, HAS_ATTR, IS_OBJECT = 1 << 10, 1 << 9, 1 << 8
NIL = struct.pack(">i", 254)
NA_INTEGER = -(2 ** 31)


def ints32(*values):
    return struct.pack(f">{len(values)}i", *values)


class Writer:
    """Serializes R objects, keeping R's reference table so that a symbol seen before
    is written as a REFSXP."""

    def __init__(self):
        self.symbols = []

    def symbol(self, name):
        if name in self.symbols:
            return ints32(((self.symbols.index(name) + 1) << 8) | 255)
        self.symbols.append(name)
        return ints32(1) + self.chars(name)

    @staticmethod
    def chars(text):
        raw = text.encode()
        return ints32(9 | (64 << 12), len(raw)) + raw  # CHARSXP marked ASCII

    def attributes(self, attrs):
        out = b""
        for name, value in attrs:
            out += ints32(2 | HAS_TAG) + self.symbol(name) + value
        return out + NIL

    def vector(self, header_type, body, length, attrs=(), is_object=False):
        flags = header_type | (HAS_ATTR if attrs else 0) | (IS_OBJECT if is_object else 0)
        return ints32(flags, length) + body + (self.attributes(attrs) if attrs else b"")

    def integers(self, values, attrs=(), is_object=False):
        return self.vector(13, ints32(*values), len(values), attrs, is_object)

    def doubles(self, values):
        return self.vector(14, struct.pack(f">{len(values)}d", *values), len(values))

    def logicals(self, values):
        return self.vector(10, ints32(*[int(v) for v in values]), len(values))

    def strings(self, values):
        return self.vector(16, b"".join(self.chars(v) for v in values), len(values))

    def named_list(self, items, attrs=(), is_object=False):
        names = self.strings([name for name, _ in items])
        body = b"".join(value for _, value in items)
        return self.vector(19, body, len(items), (("names", names),) + tuple(attrs), is_object)

    def data_frame(self, columns, factors=("genres",), row_names=None):
        """A data frame: `factors` name factor columns (as genres in dslabs); row.names
        are compact (1..n) unless `row_names` gives strings."""
        rows = len(columns[0][1])
        encoded = []
        for name, values in columns:
            if name in factors:
                levels = sorted(set(values))
                codes = [levels.index(v) + 1 for v in values]
                attrs = (("levels", self.strings(levels)), ("class", self.strings(["factor"])))
                encoded.append((name, self.integers(codes, attrs, is_object=True)))
            elif all(isinstance(v, int) for v in values):
                encoded.append((name, self.integers(values)))
            else:
                encoded.append((name, self.doubles(values)))
        row_names = (self.integers([NA_INTEGER, -rows]) if row_names is None
                     else self.strings(row_names))
        attrs = (("class", self.strings(["data.frame"])), ("row.names", row_names))
        return self.named_list(encoded, attrs, is_object=True)


def stream(body_of, version=3):
    """A serialization stream; body_of(writer) gives the item."""
    header = b"X\n" + ints32(version, 0x040301, 0x030500 if version == 3 else 0x020300)
    if version == 3:
        header += ints32(5) + b"UTF-8"
    return header + body_of(Writer())


# --- the data: 3 users x 2 movies, every pair rated ------------------------------------
USER_IDS = [5, 5, 1, 1, 9, 9]
MOVIE_IDS = [70, 30, 70, 30, 30, 70]
RATINGS = [4.5, 3.0, 0.5, 5.0, 2.0, 3.5]
# Dense numbers: users by sorted userId (1, 5, 9), movies by sorted movieId (30, 70).
EXPECTED = sorted(f"{[1, 5, 9].index(u)} {[30, 70].index(m)} {r:g}"
                  for u, m, r in zip(USER_IDS, MOVIE_IDS, RATINGS))


def movielens_frame(user_ids=USER_IDS, rating_column="rating"):
    """The item of a dslabs-like data frame (a factor column, then the ids and ratings)."""
    def body(w):
        return w.data_frame([("movieId", MOVIE_IDS), ("genres", ["Drama", "Comedy"] * 3),
                             ("userId", user_ids), (rating_column, RATINGS)])
    return body


def package(name):
    path = os.path.join(scratch, name)
    os.makedirs(os.path.join(path, "data"))
    return path


def write_lazyload_db(path, serialized, scheme, kind=None):
    """data/Rdata.rdb + Rdata.rdx holding `movielens` (and one other object first)."""
    def block(data):
        if scheme == 0:
            return data
        head = struct.pack(">I", len(data))
        if scheme == 1:
            return head + zlib.compress(data)
        if kind == b"2":
            return head + kind + bz2.compress(data)
        if kind == b"Z":
            filters = [{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME}]
            return head + kind + lzma.compress(data, format=lzma.FORMAT_RAW, filters=filters)
        if kind == b"1":
            return head + kind + zlib.compress(data)
        return head + b"0" + data
    other = block(stream(lambda w: w.doubles([1.0, 2.0])))
    mine = block(serialized)
    with open(os.path.join(path, "data", "Rdata.rdb"), "wb") as f:
        f.write(other + mine)

    def index(w):
        variables = w.named_list([("na_example", w.integers([0, len(other)])),
                                  ("movielens", w.integers([len(other), len(mine)]))])
        compressed = w.logicals([True]) if scheme == 1 else w.integers([scheme])
        return w.named_list([("variables", variables), ("references", w.named_list([])),
                             ("compressed", compressed)])
    with open(os.path.join(path, "data", "Rdata.rdx"), "wb") as f:
        f.write(gzip.compress(stream(index)))


def write_rda_file(file_path, objects, compress, version=3):
    """An .rda file of `objects`, a list of (name, body_of)."""
    def saved(w):  # a pairlist: name = object, ...
        return b"".join(ints32(2 | HAS_TAG) + w.symbol(name) + body_of(w)
                        for name, body_of in objects) + NIL
    magic = b"RDX3\n" if version == 3 else b"RDX2\n"
    with open(file_path, "wb") as f:
        f.write(compress(magic + stream(saved, version)))


def write_rda(path, body_of, compress, version=3):
    write_rda_file(os.path.join(path, "data", "movielens.rda"), [("movielens", body_of)],
                   compress, version)


def run_helper(path, *extra):
    out = os.path.join(scratch, "out-" + os.path.basename(path))
    result = subprocess.run([sys.executable, helper, "--package-dir", path, "--out-dir", out,
                             *extra], capture_output=True, text=True)
    return result, out


def expect_triples(what, path):
    result, out = run_helper(path, "--seed", "3", "--test-fraction", "0.5")
    if result.returncode != 0:
        failures.append(f"{what}: exit status {result.returncode}: {result.stderr.strip()}")
        return
    lines = {}
    for split in ("train", "test"):
        with open(os.path.join(out, "movielens." + split)) as f:
            lines[split] = [line.strip() for line in f if not line.startswith("#")]
    got = sorted(lines["train"] + lines["test"])
    test_users = {line.split()[0] for line in lines["test"]}
    train_users = {line.split()[0] for line in lines["train"]}
    train_movies = {line.split()[1] for line in lines["train"]}
    if got != EXPECTED:
        failures.append(f"{what}: ratings {got}, expected {EXPECTED}")
    elif len(lines["test"]) != 3 or not test_users <= train_users or len(train_movies) != 2:
        failures.append(f"{what}: bad split: train {lines['train']}, test {lines['test']}")
    else:
        print(f"ok: {what}: {result.stdout.splitlines()[0]}")


def expect_refused(what, path, status, message):
    result, out = run_helper(path)
    if result.returncode != status or message not in result.stderr:
        failures.append(f"{what}: exit status {result.returncode}, expected {status} and "
                        f"'{message}' in: {result.stderr.strip()}")
    elif os.path.exists(out):
        failures.append(f"{what}: wrote {out}")
    else:
        print(f"ok: {what}: {result.stderr.strip().splitlines()[-1]}")


shutil.rmtree(scratch, ignore_errors=True)
os.makedirs(scratch)
frame = stream(movielens_frame())

for scheme, kind, label in [(1, None, "zlib"), (2, b"2", "bzip2"), (3, b"Z", "xz"),
                            (2, b"1", "type-1 zlib"), (3, b"0", "stored"), (0, None, "raw")]:
    path = package(f"rdb-{label.replace(' ', '-')}")
    write_lazyload_db(path, frame, scheme, kind)
    expect_triples(f"lazy-load database, {label} blocks", path)

for label, compress in [("gzip", gzip.compress), ("bzip2", bz2.compress), ("xz", lzma.compress),
                        ("uncompressed", lambda data: data)]:
    path = package(f"rda-{label}")
    write_rda(path, movielens_frame(), compress)
    expect_triples(f".rda, {label}", path)
path = package("rda-version-2")
write_rda(path, movielens_frame(), gzip.compress, version=2)
expect_triples(".rda, serialization version 2", path)

refusals = [
    ("ASCII format", b"A\n" + frame[2:], "only XDR"),
    ("version 4", frame[:2] + ints32(4) + frame[6:], "serialization version 4"),
    ("truncated stream", frame[:-40], "truncated"),
    ("ALTREP column", frame.replace(ints32(13, 6) + ints32(*USER_IDS), ints32(238) + NIL),
     "ALTREP_SXP"),
    ("reference to an unknown symbol",
     frame.replace(ints32((2 << 8) | 255), ints32((9 << 8) | 255), 1), "reference 9"),
]
for what, data, message in refusals:
    path = package("bad-" + what.replace(" ", "-"))
    write_lazyload_db(path, data, 1)
    expect_refused(what, path, 1, message)

for what, body, message in [
        ("no rating column", movielens_frame(rating_column="score"),
         "no element 'rating'"),
        ("NA userId", movielens_frame(user_ids=[5, NA_INTEGER, 1, 1, 9, 9]), "userId is NA"),
        ("repeated pair", movielens_frame(user_ids=[5, 5, 5, 1, 9, 9]), "rows 1 and 3 both rate movieId 70 by userId 5")]:
    path = package("bad-" + what.replace(" ", "-"))
    write_rda(path, body, gzip.compress)
    expect_refused(what, path, 1, message)
expect_refused("package without data", package("empty"), 1, "has neither data/Rdata.rdb")

path = os.path.join(scratch, "rdb-zlib")
for args, message in [(["--seed", "x"], "--seed"), (["--test-fraction", "1"], "--test-fraction"),
                      (["--test-fraction", "nan"], "--test-fraction")]:
    result, _ = run_helper(path, *args)
    if result.returncode != 2 or message not in result.stderr:
        failures.append(f"{args}: exit status {result.returncode}, expected 2: {result.stderr}")
    else:
        print(f"ok: {' '.join(args)}: {result.stderr.strip().splitlines()[-1]}")


# --- rdata.py directly: what spam.rda (kernlab) needs ----------------------------------
E = 2.718281828459045
SPAM_COLUMNS = [("make", [E - 1, 0.0, E ** 0.5 - 1, 0.0]),  # log1p: 1, 0, 0.5, 0
                ("capitalTotal", [0, 3, 0, 0]),
                ("type", ["spam", "nonspam", "nonspam", "spam"])]
SPAM_ROW_NAMES = ["1", "2", "3", "4"]


def spam_frame(columns=SPAM_COLUMNS):
    return lambda w: w.data_frame(columns, factors=("type",), row_names=SPAM_ROW_NAMES)


def closure(w):
    """function(x, y = 1) x + y, in the global environment."""
    formals = (ints32(2 | HAS_TAG) + w.symbol("x") + ints32(251)  # R_MissingArg
               + ints32(2 | HAS_TAG) + w.symbol("y") + w.doubles([1.0]) + NIL)
    body = (ints32(6) + w.symbol("+") + ints32(2) + w.symbol("x") + ints32(2) + w.symbol("y")
            + NIL)
    return ints32(3 | HAS_TAG) + ints32(253) + formals + body


def promise(w):
    """A promise of the code `x`, forced to 2, in the base environment."""
    return ints32(5 | HAS_TAG) + ints32(241) + w.doubles([2.0]) + w.symbol("x")


def expression(w):
    """expression(g(x, n = 1L))."""
    call = (ints32(6) + w.symbol("g") + ints32(2) + w.symbol("x")
            + ints32(2 | HAS_TAG) + w.symbol("n") + w.integers([1]) + NIL)
    return ints32(20, 1) + call


def check(what, ok, detail):
    if ok:
        print(f"ok: {what}")
    else:
        failures.append(f"{what}: {detail}")


def expect_data_error(what, read, *messages):
    try:
        value = read()
    except rdata.DataError as e:
        check(what, all(m in str(e) for m in messages), f"{messages} not all in: {e}")
    else:
        failures.append(f"{what}: read {value!r}, expected an error with {messages}")


def read_spam_rda(path):
    """What rdata.py returns for the objects of a spam-like .rda file (or a failure)."""
    objects = rdata.read_rda(path)
    names = list(objects)
    if names != ["f", "spam", "p", "e"]:
        return f"objects {names}"
    f, p, e = objects["f"], objects["p"], objects["e"]
    if not (isinstance(f, rdata.RClosure) and f.environment is rdata.MARKERS[253]
            and [name for name, _ in f.formals.items] == ["x", "y"]
            and f.formals.items[0][1] is rdata.MARKERS[251]
            and f.formals.items[1][1].values == [1.0]
            and f.body.kind == "language"
            and [v.name for _, v in f.body.items] == ["+", "x", "y"]):
        return "the closure f is not function(x, y = 1) x + y in R_GlobalEnv"
    if not (isinstance(p, rdata.RPromise) and p.environment.name == "R_BaseEnv"
            and p.value.values == [2.0] and p.code.name == "x"):
        return "the promise p is not x = 2 in R_BaseEnv"
    call = e.values[0] if e.kind == "expression" and len(e.values) == 1 else None
    if not (isinstance(call, rdata.RPairlist) and call.kind == "language"
            and [tag for tag, _ in call.items] == [None, None, "n"]
            and call.items[2][1].values == [1]):
        return "e is not expression(g(x, n = 1L))"
    columns, rows = rdata.data_frame_columns(objects["spam"], "spam")
    factor = columns["type"]
    got = {name: column.values for name, column in columns.items() if name != "type"}
    if (list(columns) != ["make", "capitalTotal", "type"] or rows != 4
            or got != dict(SPAM_COLUMNS[:2]) or columns["make"].kind != "double"
            or columns["capitalTotal"].kind != "integer"
            or factor.attribute_strings("levels") != ["nonspam", "spam"]
            or factor.values != [2, 1, 1, 2]):
        return f"data frame {list(columns)}, {rows} rows, values {got}"
    return None


others = [("f", closure), ("spam", spam_frame()), ("p", promise), ("e", expression)]
for label, compress, version in [("gzip, version 2", gzip.compress, 2),
                                 ("xz, version 3", lzma.compress, 3)]:
    path = os.path.join(scratch, f"spam-{version}.rda")
    write_rda_file(path, others, compress, version)
    try:
        problem = read_spam_rda(path)
    except rdata.DataError as e:
        problem = str(e)
    check(f"rdata.py: .rda ({label}) with a data frame of doubles, a factor and character "
          "row.names, a closure, a promise and an expression", problem is None, problem)

# A list of an integer vector and an object of an unsupported type: the error names the
# type and the offset of its flags, after the version-3 header (23 bytes), the list's
# flags and length (8) and the integer vector (8 + 4).
for code, name in [(15, "CPLXSXP (15)"), (4, "ENVSXP (4)"), (238, "ALTREP_SXP (238)")]:
    data = stream(lambda w: ints32(19, 2) + w.integers([7]) + ints32(code, 0))
    expect_data_error(f"rdata.py refuses {name}, naming its offset",
                      lambda: rdata.unserialize(data, "stream"),
                      f"unsupported R object type {name}: ", "(at byte 43 ")

path = os.path.join(scratch, "ascii.rda")
with open(path, "wb") as f:
    f.write(gzip.compress(b"RDA2\nA\n2\n"))
expect_data_error("rdata.py refuses an ASCII .rda", lambda: rdata.read_rda(path),
                  "not an R data file in XDR format")
path = os.path.join(scratch, "spam-2.rda")
expect_data_error("rdata.py: a missing object", lambda: rdata.load_from_rda(path, "spam2"),
                  "holds no object named 'spam2' (found: f, spam, p, e)")
expect_data_error("rdata.py: a list that is not a data frame",
                  lambda: rdata.data_frame_columns(rdata.load_from_rda(path, "e"), "e"),
                  "e: is not a data frame")
short = [("make", [1.0, 2.0, 3.0]), ("type", ["spam", "nonspam", "spam"])]
path = os.path.join(scratch, "short.rda")
write_rda_file(path, [("spam", spam_frame(short))], gzip.compress)
expect_data_error("rdata.py: a column shorter than row.names",
                  lambda: rdata.data_frame_columns(rdata.load_from_rda(path, "spam"), "spam"),
                  "column 'make' has 3 values, the data frame 4 rows")

# spam_to_triples.py (run from elsewhere: it finds rdata.py from its own location), all
# e-mails in training: per example its label (feature 0) and non-zeros, log(1 + x) / max.
path = os.path.join(scratch, "spam-2.rda")
train, test = os.path.join(scratch, "spam.train"), os.path.join(scratch, "spam.test")
result = subprocess.run([sys.executable, os.path.abspath(spam_to_triples), path, "--train",
                         train, "--test", test, "--test-fraction", "0"],
                        capture_output=True, text=True, cwd=scratch)
if result.returncode != 0:
    failures.append(f"spam_to_triples.py: exit status {result.returncode}: {result.stderr}")
else:
    examples = {}
    with open(train) as f:
        header = f.readline()
        for line in f:
            example, feature, value = line.split()
            examples.setdefault(example, []).append(f"{feature}:{value}")
    got = sorted(" ".join(features) for features in examples.values())
    expected = sorted(["0:1 1:1", "0:0 2:1", "0:0 1:0.5", "0:1"])
    check("spam_to_triples.py: triples of a hand-made spam.rda",
          got == expected and header.rstrip().endswith("features 1..2: make capitalTotal"),
          f"examples {got}, expected {expected}; header {header!r}")
path = os.path.join(scratch, "no-type.rda")
write_rda_file(path, [("spam", spam_frame(SPAM_COLUMNS[:2]))], gzip.compress)
result = subprocess.run([sys.executable, spam_to_triples, path, "--train", train, "--test",
                         test], capture_output=True, text=True)
check("spam_to_triples.py refuses a data frame without 'type'",
      result.returncode == 1 and "has no column 'type'" in result.stderr,
      f"exit status {result.returncode}: {result.stderr.strip()}")

if failures:
    for failure in failures:
        print("FAIL: " + failure, file=sys.stderr)
    sys.exit(1)
print("PASS: rdata.py reads R's lazy-load databases and .rda files and refuses what it "
      "cannot read; movielens.py and spam_to_triples.py use it")
