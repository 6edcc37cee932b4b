"""Checks that weftc's output equals its input outside the marked regions.

usage: check_rest_identical.py <input.cpp> <output.cpp>

The input marks each place weftc may change with a pair of /*rewrite*/ comments; the
text between a pair may differ in the output, every other byte (the markers included)
must be identical and in the same order.
"""
import re
import sys

MARK = "/*rewrite*/"


def main():
    source = open(sys.argv[1], encoding="utf-8").read()
    output = open(sys.argv[2], encoding="utf-8").read()
    parts = source.split(MARK)
    if len(parts) % 2 != 1:
        print(f"{sys.argv[1]}: the {MARK} markers must come in pairs")
        return 2
    pattern = ""
    for k, part in enumerate(parts):
        if k % 2 == 0:
            pattern += re.escape(part)
        else:
            pattern += re.escape(MARK) + "(.*?)" + re.escape(MARK)
    match = re.fullmatch(pattern, output, re.DOTALL)
    if not match:
        # Say where the first difference outside the regions is.
        at = 0
        for k, part in enumerate(parts):
            if k % 2 == 1:
                continue
            found = output.find(part, at)
            if found < 0:
                line = source[: source.find(part)].count("\n") + 1
                print(f"FAIL: the text from input line {line} is not in the output unchanged")
                return 1
            at = found + len(part)
        print("FAIL: the output differs from the input outside the marked regions")
        return 1
    changed = sum(1 for k, g in enumerate(match.groups()) if g != parts[2 * k + 1])
    print(f"PASS: identical outside {len(match.groups())} marked regions ({changed} rewritten)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
