#!/usr/bin/env python3
"""Turns the MovieLens ratings of the R package dslabs (data set `movielens`) into the
triple files of the mf sample, without R.

    movielens.py --package-dir DIR --out-dir OUT [--seed S] [--test-fraction F]

DIR is an installed dslabs package (the directory holding DESCRIPTION and data/). The
data set is read from the package's lazy-load database data/Rdata.rdb + Rdata.rdx, or
from data/movielens.rda where a package has no database, by scripts/rdata.py (a reader
of R's serialization format).

Writes OUT/movielens.train and OUT/movielens.test (creating OUT if missing): lines
"user movie rating" under one "#" header line, each file complete or not at all
(written to "<path>.tmp.<pid>", then renamed).

Users and movies are numbered densely from 0 in the order of their sorted userId and
movieId: user u is the u-th smallest userId that rated anything.

The split is a pure function of (data, seed, test fraction), the same on every Python
version: ratings are visited in an order shuffled by splitmix64(seed), and a visited
rating joins the test set while the test set has fewer than round(F * ratings) ratings
and its user and its movie both keep another rating in the training set. So every test
user and movie also occurs in training (a factor model cannot predict the others), and
the test set has round(F * ratings) ratings unless too few qualify. Both files list
their ratings in the data set's row order.

Exit status: 0; 1 if the package's data cannot be read or is not what is expected;
2 on bad arguments.
"""

import argparse
import math
import os
import sys

sys.dont_write_bytecode = True  # importing rdata must not write scripts/__pycache__
import rdata
from rdata import DataError


# ---------------------------------------------------------------------------------
# From the data frame to the triple files.
# ---------------------------------------------------------------------------------

def numeric_columns(frame, names, where):
    """The values of the numeric, non-factor columns `names` of data frame `frame`, as a
    dict name -> list."""
    columns, _ = rdata.data_frame_columns(frame, where, names)
    for name, column in columns.items():
        if column.kind not in ("integer", "double"):
            raise DataError(f"{where}: column '{name}' is not numeric")
        if column.attributes.get("levels") is not None:
            raise DataError(f"{where}: column '{name}' is a factor, expected numbers")
    return {name: column.values for name, column in columns.items()}


def integer_ids(values, column, where):
    ids = []
    for row, v in enumerate(values, start=1):
        if v is None:
            raise DataError(f"{where}: row {row}: {column} is NA")
        if not math.isfinite(v) or v != int(v) or v < 0:
            raise DataError(f"{where}: row {row}: {column} {v!r} is not a non-negative integer")
        ids.append(int(v))
    return ids


def dense_numbering(ids):
    """Maps each distinct id to its rank among the sorted distinct ids."""
    return {id_: n for n, id_ in enumerate(sorted(set(ids)))}


MASK64 = (1 << 64) - 1


class SplitMix64:
    """splitmix64 (Steele, Lea, Flood 2014): the same stream on every Python version."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        """An integer in [0, n): the high 64 bits of next() * n."""
        return (self.next() * n) >> 64


def split_test_rows(users, movies, test_fraction, seed):
    """The set of rows in the test set (see the module comment for the rule)."""
    n = len(users)
    target = int(math.floor(test_fraction * n + 0.5))
    order = list(range(n))
    rng = SplitMix64(seed)
    for i in range(n - 1, 0, -1):  # Fisher-Yates
        j = rng.below(i + 1)
        order[i], order[j] = order[j], order[i]
    train_count_of_user = {}
    train_count_of_movie = {}
    for u, m in zip(users, movies):
        train_count_of_user[u] = train_count_of_user.get(u, 0) + 1
        train_count_of_movie[m] = train_count_of_movie.get(m, 0) + 1
    test = set()
    for row in order:
        if len(test) == target:
            break
        u, m = users[row], movies[row]
        if train_count_of_user[u] > 1 and train_count_of_movie[m] > 1:
            train_count_of_user[u] -= 1
            train_count_of_movie[m] -= 1
            test.add(row)
    return test, target


def format_rating(r):
    return repr(float(r)) if r != int(r) else str(int(r))


def write_atomically(path, lines):
    temp = f"{path}.tmp.{os.getpid()}"
    try:
        with open(temp, "w", encoding="ascii", newline="\n") as f:
            f.writelines(lines)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="movielens.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--package-dir", required=True, help="the installed dslabs package")
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--seed", default="1")
    parser.add_argument("--test-fraction", default="0.1")
    args = parser.parse_args(argv)
    try:
        seed = int(args.seed, 10)
        if not 0 <= seed <= MASK64:
            raise ValueError
    except ValueError:
        parser.error(f"--seed needs an integer between 0 and {MASK64}, got '{args.seed}'")
    try:
        fraction = float(args.test_fraction)
        if not 0.0 <= fraction < 1.0:
            raise ValueError
    except ValueError:
        parser.error(f"--test-fraction needs a number in [0, 1), got '{args.test_fraction}'")
    args.seed = seed
    args.test_fraction = fraction
    return args


def read_ratings(package_dir):
    """(userId, movieId, rating) lists of the data set, checked: ids are non-negative
    integers, ratings finite, and no user rates a movie twice."""
    where = f"dslabs data set 'movielens' in {package_dir}"
    frame = rdata.load_dataset(package_dir, "movielens")
    columns = numeric_columns(frame, ["userId", "movieId", "rating"], where)
    user_ids = integer_ids(columns["userId"], "userId", where)
    movie_ids = integer_ids(columns["movieId"], "movieId", where)
    ratings = columns["rating"]
    if not ratings:
        raise DataError(f"{where}: has no ratings")
    for row, r in enumerate(ratings, start=1):
        if r is None or not math.isfinite(r):
            raise DataError(f"{where}: row {row}: rating {r!r} is not a finite number")
    first_row_of = {}
    for row, key in enumerate(zip(user_ids, movie_ids), start=1):
        if key in first_row_of:
            raise DataError(f"{where}: rows {first_row_of[key]} and {row} both rate "
                            f"movieId {key[1]} by userId {key[0]}")
        first_row_of[key] = row
    return user_ids, movie_ids, ratings


def main(argv):
    args = parse_arguments(argv)
    try:
        user_ids, movie_ids, ratings = read_ratings(args.package_dir)
    except (DataError, OSError) as e:
        print(f"movielens.py: error: {e}", file=sys.stderr)
        return 1
    user_of = dense_numbering(user_ids)
    movie_of = dense_numbering(movie_ids)
    users = [user_of[u] for u in user_ids]
    movies = [movie_of[m] for m in movie_ids]
    test_rows, target = split_test_rows(users, movies, args.test_fraction, args.seed)

    header = (f"# dslabs movielens --seed {args.seed} --test-fraction {args.test_fraction!r} "
              "({} split; lines: user movie rating; user, movie: rank of the userId, movieId "
              "among the sorted ids)\n")
    lines = {"train": [header.format("train")], "test": [header.format("test")]}
    for row, (u, m, r) in enumerate(zip(users, movies, ratings)):
        lines["test" if row in test_rows else "train"].append(f"{u} {m} {format_rating(r)}\n")
    try:
        os.makedirs(args.out_dir, exist_ok=True)
        for split in ("train", "test"):
            write_atomically(os.path.join(args.out_dir, "movielens." + split), lines[split])
    except OSError as e:
        print(f"movielens.py: error: cannot write: {e}", file=sys.stderr)
        return 1

    print(f"movielens: {len(ratings)} ratings, {len(user_of)} users, {len(movie_of)} movies, "
          f"ratings {min(ratings):g}..{max(ratings):g}")
    for split in ("train", "test"):
        print(f"movielens: {split} {len(lines[split]) - 1} ratings -> "
              + os.path.join(args.out_dir, "movielens." + split))
    if len(test_rows) < target:
        print(f"movielens: warning: the test set has {len(test_rows)} ratings, not {target}: too "
              "few ratings have a user and a movie with other ratings", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
