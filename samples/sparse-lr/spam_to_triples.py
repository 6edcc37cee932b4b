#!/usr/bin/env python3
"""Converts the spam data set of Debian's r-cran-kernlab package (kernlab/data/spam.rda,
the UCI Spambase collection: 4601 e-mails, 57 numeric features, 1813 of them spam) into
sparse-lr's format, without R:

    apt-get download r-cran-kernlab
    dpkg-deb -x r-cran-kernlab_*.deb kernlab
    python3 samples/sparse-lr/spam_to_triples.py \\
        kernlab/usr/lib/R/site-library/kernlab/data/spam.rda \\
        --train data/spam_train.txt --test data/spam_test.txt

Output lines are "example feature value": feature 0 is the label (1 spam, 0 not spam),
features 1..57 the data frame's columns in order, zeros left out. The features are
frequencies and run lengths of very different ranges, so each becomes
log(1 + x) / m, where m is the largest log(1 + x) of that column in the train split:
train values lie in [0, 1], and zeros stay zeros (the data stay sparse). Each e-mail goes
to the test file with probability --test-fraction (default 0.2; Python's random.Random
seeded with --seed, default 1), and the train examples are written in shuffled order.
Examples are numbered from 0 in each file. Files are written atomically.

The .rda file (R's XDR serialization, format version 2 or 3, compressed with gzip, bzip2
or xz) is read by scripts/rdata.py, the reader scripts/movielens.py uses too.
"""
import argparse
import math
import os
import random
import sys

# R's data files are read by scripts/rdata.py (shared with scripts/movielens.py); importing
# it must not write scripts/__pycache__.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")))
import rdata


def spam_examples(path):
    """(column names, rows of 57 floats, labels 0/1) of kernlab's spam data frame."""
    where = "%s: 'spam'" % path
    columns, _ = rdata.data_frame_columns(rdata.load_from_rda(path, "spam"), where)
    if "type" not in columns:
        raise rdata.DataError("%s: the spam data frame has no column 'type'" % path)
    kind = columns["type"]
    levels = kind.attribute_strings("levels")
    if "spam" not in levels:
        raise rdata.DataError("%s: column 'type' has no level 'spam' (levels: %s)" % (path, levels))
    spam_code = levels.index("spam") + 1  # factor codes count from 1
    labels = [1 if code == spam_code else 0 for code in kind.values]
    feature_names = [n for n in columns if n != "type"]
    for n in feature_names:
        if columns[n].kind not in ("double", "integer"):
            raise rdata.DataError("%s: column '%s' is not numeric" % (path, n))
        if None in columns[n].values:
            raise rdata.DataError("%s: column '%s' row %d is NA"
                                  % (path, n, columns[n].values.index(None) + 1))
    rows = [[float(columns[n].values[i]) for n in feature_names] for i in range(len(labels))]
    return feature_names, rows, labels


def write_atomically(path, lines):
    temp = "%s.tmp.%d" % (path, os.getpid())
    try:
        with open(temp, "w") as f:
            f.writelines(lines)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


def triples(rows, labels, scale, header):
    yield header
    for i, (row, label) in enumerate(zip(rows, labels)):
        yield "%d 0 %d\n" % (i, label)
        for f, x in enumerate(row):
            if x != 0.0:
                yield "%d %d %.6g\n" % (i, f + 1, math.log1p(x) / scale[f])


def main():
    parser = argparse.ArgumentParser(description="kernlab's spam.rda -> sparse-lr triples")
    parser.add_argument("rda", help="path of kernlab/data/spam.rda")
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 0.0 <= args.test_fraction <= 1.0:
        parser.error("--test-fraction must be between 0 and 1")
    if args.train == args.test:
        parser.error("--train and --test must be different files")
    try:
        names, rows, labels = spam_examples(args.rda)
    except (OSError, rdata.DataError) as e:
        print("spam_to_triples: error: %s" % e, file=sys.stderr)
        return 1

    rng = random.Random(args.seed)
    train, test = [], []
    for row, label in zip(rows, labels):
        (test if rng.random() < args.test_fraction else train).append((row, label))
    rng.shuffle(train)
    if any(x < 0.0 for row, _ in train + test for x in row):
        print("spam_to_triples: error: negative feature values", file=sys.stderr)
        return 1
    scale = [max([math.log1p(row[f]) for row, _ in train] + [0.0]) or 1.0 for f in range(len(names))]

    header = "# kernlab spam (UCI Spambase), %s split, seed %d, test fraction %g; " \
             "lines: example feature value; feature 0: 1 spam / 0 not; features 1..%d: %s\n"
    for path, part, split in ((args.train, train, "train"), (args.test, test, "test")):
        write_atomically(path, triples([r for r, _ in part], [l for _, l in part], scale,
                                       header % (split, args.seed, args.test_fraction, len(names),
                                                 " ".join(names))))
    print("spam_to_triples: %d e-mails (%d spam), %d features: %d train -> %s, %d test -> %s"
          % (len(labels), sum(labels), len(names), len(train), args.train, len(test), args.test),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
