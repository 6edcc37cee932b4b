#!/usr/bin/env python3
"""Line-ending helpers for the robustness tests.

  line_endings.py convert lf|crlf|cr IN OUT   writes IN with every line break converted
  line_endings.py check lf|crlf|cr FILE       prints "PASS: <n> line breaks, all <MODE>"
                                              or what breaks the convention
  line_endings.py same A B                    prints "PASS: same text" when A and B differ
                                              only in their line breaks
"""
import re
import sys

BREAKS = {"lf": b"\n", "crlf": b"\r\n", "cr": b"\r"}
ANY_BREAK = re.compile(rb"\r\n|\r|\n")


def lines(data):
    return ANY_BREAK.split(data)


def main():
    mode = sys.argv[1]
    if mode == "convert":
        with open(sys.argv[3], "rb") as f:
            data = f.read()
        with open(sys.argv[4], "wb") as f:
            f.write(BREAKS[sys.argv[2]].join(lines(data)))
    elif mode == "check":
        with open(sys.argv[3], "rb") as f:
            data = f.read()
        found = ANY_BREAK.findall(data)
        wrong = [b for b in found if b != BREAKS[sys.argv[2]]]
        if wrong:
            print("FAIL: %d of %d line breaks are not %s" % (len(wrong), len(found), sys.argv[2]))
        else:
            print("PASS: %d line breaks, all %s" % (len(found), sys.argv[2]))
    elif mode == "same":
        with open(sys.argv[2], "rb") as f:
            a = lines(f.read())
        with open(sys.argv[3], "rb") as f:
            b = lines(f.read())
        if a == b:
            print("PASS: same text")
        else:
            for k, (x, y) in enumerate(zip(a, b)):
                if x != y:
                    print("FAIL: line %d differs:\n  %r\n  %r" % (k + 1, x, y))
                    break
            else:
                print("FAIL: %d lines against %d" % (len(a), len(b)))
    else:
        sys.exit("line_endings.py: unknown mode " + mode)


if __name__ == "__main__":
    main()
