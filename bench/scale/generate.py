#!/usr/bin/env python3
"""Writes a C++ training program with N annotated loops for the scale benchmark.

Each loop is a realistic training step with several statements over weft::DistArrays and
weft::SparseArrays, cycling through: SGD matrix factorization with bias terms
(rotation_2d), logistic regression through a Buffer (relaxed), a per-user row update
(partition_1d by key[0]), dense gradient descent over rows (data_parallel), a
time-stepped moving average (ordered, partition_1d) and an edit-distance table
(wavefront). Between loops there is serial code (statistics, logging, schedules of the
learning rate) so that a file reaches about --bytes-per-loop bytes per loop.

  generate.py --loops N [--per-function M] [--bytes-per-loop B] > program.cpp

--per-function M puts M loops in each function (1: one function per loop; N: one
function holding every loop). The file compiles with any C++17 compiler against weft's
headers and has a main that calls every function.
"""
import argparse
import sys

# Each kernel's loop text; {n} is the loop's number, {ind} the function body's indent.
KERNELS = [
    # SGD matrix factorization with biases: rotation_2d (space key[0], time key[1]).
    """{ind}#pragma weft parallel_for
{ind}for (const auto &e : R) {{
{ind}  const int64_t u = e.key[0], i = e.key[1];
{ind}  float pred = mu + bu(u) + bi(i);
{ind}  for (int k = 0; k < K; ++k)
{ind}    pred += W(u, k) * H(i, k);
{ind}  const float err = e.value - pred;
{ind}  bu(u) += lr * (err - reg * bu(u));
{ind}  bi(i) += lr * (err - reg * bi(i));
{ind}  for (int k = 0; k < K; ++k) {{
{ind}    const float w = W(u, k);
{ind}    const float h = H(i, k);
{ind}    W(u, k) += lr * (err * h - reg * w);
{ind}    H(i, k) += lr * (err * w - reg * h);
{ind}  }}
{ind}  loss += err * err;
{ind}}}
""",
    # Logistic regression: gradient updates through a Buffer (relaxed).
    """{ind}#pragma weft parallel_for
{ind}for (const auto &e : X) {{
{ind}  const int64_t row = e.key[0], feature = e.key[1];
{ind}  const float margin = e.value * theta(feature, 0);
{ind}  const float p = 1.0f / (1.0f + margin * margin);
{ind}  const float g = (p - label(row, 0)) * e.value;
{ind}  grad(feature, 0) += -lr * g;
{ind}  grad(feature, 1) += -lr * g * p;
{ind}  logloss += p * (1.0f - p);
{ind}}}
""",
    # Per-user row update: partition_1d by key[0].
    """{ind}#pragma weft parallel_for
{ind}for (const auto &e : R) {{
{ind}  const int64_t u = e.key[0];
{ind}  float dot = 0.0f;
{ind}  for (int k = 0; k < K; ++k)
{ind}    dot += W(u, k) * W(u, k);
{ind}  const float scale = 1.0f / (1.0f + reg * dot);
{ind}  for (int k = 0; k < K; ++k)
{ind}    W(u, k) = scale * W(u, k) + lr * e.value;
{ind}  bu(u) = scale * bu(u);
{ind}}}
""",
    # Dense gradient descent over rows: data_parallel.
    """{ind}#pragma weft parallel_for
{ind}for (int64_t r = 0; r < rows; ++r) {{
{ind}  float norm = 0.0f;
{ind}  for (int k = 0; k < K; ++k)
{ind}    norm += G(r, k) * G(r, k);
{ind}  const float step = lr / (1.0f + norm);
{ind}  for (int k = 0; k < K; ++k) {{
{ind}    M1(r, k) = 0.9f * M1(r, k) + 0.1f * G(r, k);
{ind}    P(r, k) -= step * M1(r, k);
{ind}  }}
{ind}  total += norm;
{ind}}}
""",
    # Time-stepped moving average: ordered, partition_1d by the column.
    """{ind}#pragma weft parallel_for ordered
{ind}for (int t = 1; t < steps; ++t)
{ind}  for (int64_t c = 0; c < rows; ++c) {{
{ind}    const float previous = T(t - 1, c);
{ind}    T(t, c) = 0.75f * previous + 0.25f * T(t, c);
{ind}  }}
""",
    # Edit-distance table: wavefront.
    """{ind}#pragma weft parallel_for ordered
{ind}for (int64_t i = 1; i < steps; ++i)
{ind}  for (int64_t j = 1; j < steps; ++j) {{
{ind}    const int32_t substitute = D(i - 1, j - 1) + ((i + j) % 3 == 0 ? 0 : 1);
{ind}    D(i, j) = std::min(substitute, std::min(D(i - 1, j), D(i, j - 1)) + 1);
{ind}  }}
""",
]

DECLARATIONS = """{ind}weft::DistArray<float, 2> W({{users, K}}), H({{items, K}}), theta({{items, 2}});
{ind}weft::DistArray<float, 2> label({{users, 1}}), G({{rows, K}}), M1({{rows, K}}), P({{rows, K}});
{ind}weft::DistArray<float, 1> bu({{users}}), bi({{items}});
{ind}weft::DistArray<float, 2> T({{steps, rows}});
{ind}weft::DistArray<int32_t, 2> D({{steps, steps}});
{ind}weft::Buffer<float, 2> grad(theta, weft::apply_add, 64);
{ind}weft::Accumulator<double> loss(0.0), logloss(0.0), total(0.0);
{ind}const float mu = 3.5f, reg = 0.05f;
{ind}float lr = 0.01f;
"""

# Serial code between loops: statistics, logging and a learning-rate schedule.
FILLER = """{ind}// epoch {n}.{f}: decay the learning rate and report progress (serial)
{ind}lr = lr * 0.97f + 0.0001f * static_cast<float>({f} % 7);
{ind}{{
{ind}  double row_sum_{f} = 0.0;
{ind}  for (int64_t r = 0; r < rows; r += 97)
{ind}    row_sum_{f} += static_cast<double>(P(r, 0)) + static_cast<double>(T(0, r));
{ind}  if (row_sum_{f} > 1e30)
{ind}    std::printf("epoch %d.%d: diverged at %g (lr %g)\\n", {n}, {f}, row_sum_{f}, static_cast<double>(lr));
{ind}}}
"""


def function(index, loops, bytes_per_loop):
    ind = "  "
    out = ["// Training stage %d: %d annotated loops." % (index, len(loops)),
           "double stage_%d(weft::SparseArray<float, 2> &R, weft::SparseArray<float, 2> &X, "
           "int64_t users, int64_t items, int64_t rows, int steps, int K) {" % index,
           DECLARATIONS.format(ind=ind).rstrip("\n")]
    for n in loops:
        text = KERNELS[n % len(KERNELS)].format(ind=ind, n=n)
        out.append(text.rstrip("\n"))
        size = len(text)
        f = 0
        while size < bytes_per_loop:
            filler = FILLER.format(ind=ind, n=n, f=f)
            out.append(filler.rstrip("\n"))
            size += len(filler)
            f += 1
    out.append("  return loss.value() + logloss.value() + total.value() + static_cast<double>(lr);")
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loops", type=int, required=True)
    parser.add_argument("--per-function", type=int, default=1)
    parser.add_argument("--bytes-per-loop", type=int, default=10000)
    args = parser.parse_args()
    out = ["// Generated by bench/scale/generate.py --loops %d --per-function %d --bytes-per-loop %d"
           % (args.loops, args.per_function, args.bytes_per_loop),
           "#include <weft/weft.h>", "", "#include <algorithm>", "#include <cstdint>", "#include <cstdio>", ""]
    stages = 0
    for first in range(0, args.loops, args.per_function):
        out.append(function(stages, range(first, min(args.loops, first + args.per_function)),
                            args.bytes_per_loop))
        stages += 1
    out.append("int main(int argc, char **argv) {")
    out.append("  weft::SparseArray<float, 2> R, X;")
    out.append("  double sum = 0.0;")
    for s in range(stages):
        out.append("  sum += stage_%d(R, X, 64, 64, 64, 8 + argc, 4);" % s)
    out.append("  std::printf(\"%g\\n\", sum);")
    out.append("  return argv == nullptr;")
    out.append("}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
