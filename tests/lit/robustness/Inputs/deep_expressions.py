#!/usr/bin/env python3
"""Writes a weft program whose annotated loop holds one very deep expression.

  deep_expressions.py KIND N > program.cpp

KIND:
  sum        x = a + a + ... + a, N terms, in the loop body (a left-leaning tree N deep)
  subscript  X(i + 1 + 1 + ... + 1) = ..., N terms in the subscript of a written element
  parens     ((...(a)...)), N parentheses in the loop body
  calls      f(f(...f(a)...)), N nested calls of a visible function
  subscript-parens  X(((...(i)...))) = ..., N parentheses in a subscript
  subscript-calls   X(g(g(...g(i)...))) = ..., N nested calls in a subscript
  ternary    c ? a : c ? a : ... : a, N conditional operators nested to the right
  ternary-lvalue  (c ? y : c ? y : ... : y) = a, the same chain as an assigned lvalue
  negations  - - ... - a, N unary minus signs
The program compiles with any C++17 compiler when N is within the compiler's limits
(clang nests at most 256 brackets by default).
"""
import sys


def expression(kind, n):
    if kind == "sum":
        return " + ".join(["a"] * n)
    if kind == "parens":
        return "(" * n + "a" + ")" * n
    if kind == "calls":
        return "f(" * n + "a" + ")" * n
    if kind == "ternary":
        return "c ? a : " * n + "a"
    if kind == "negations":
        return "- " * n + "a"
    raise SystemExit("deep_expressions.py: unknown kind " + kind)


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    out = ["#include <weft/weft.h>", "", "#include <cstdint>", "",
           "static float f(float v) { return v * 0.5f; }",
           "static int64_t g(int64_t v) { return v; }", "",
           "float deep(int64_t n, float a, bool c) {",
           "  weft::DistArray<float, 1> X({n + %d});" % (n + 1),
           "  #pragma weft parallel_for",
           "  for (int64_t i = 0; i < n; ++i) {"]
    if kind == "subscript":
        out.append("    X(i + %s) = a;" % " + ".join(["1"] * n))
    elif kind == "subscript-parens":
        out.append("    X(%si%s) = a;" % ("(" * n, ")" * n))
    elif kind == "subscript-calls":
        out.append("    X(%si%s) = a;" % ("g(" * n, ")" * n))
    elif kind == "ternary-lvalue":
        out.append("    float y = 0.0f;")
        out.append("    (%sy) = a;" % ("c ? y : " * n))
        out.append("    X(i) = y;")
    else:
        out.append("    const float x = %s;" % expression(kind, n))
        out.append("    X(i) = x;")
    out += ["  }", "  return X(0) + f(a) + static_cast<float>(c + g(0));", "}", "",
            "int main(int argc, char **argv) {",
            "  return static_cast<int>(deep(argc, 1.0f, argv != nullptr));", "}"]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
