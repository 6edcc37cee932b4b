// weft/detail/nn_arguments.h — the argument checks of weft::nn's operations, shared by the
// CPU library (nn/, weft::nn's views) and the device library (gpu-runtime/, weft::gpu's
// views): shapes and storage overlap, each failure a weft::Error that names the library
// and operation, the argument and both shapes. Only sizes and addresses are compared;
// no element is read, so device views are checked on the host. Internal to weft.
#pragma once

#include "weft/detail/error.h"

#include <cstdint>
#include <functional>
#include <string>

namespace weft {
namespace detail {

// M: a matrix view (rows(), cols(), data() as const float *); L: a label view (size()).
template <class M, class L> class NnArguments {
public:
  // `prefix` names the library ("weft::nn::"), `op` the operation ("linear").
  NnArguments(const char *prefix, const char *op) : prefix_(prefix), op_(op) {}

  // "64 x 784".
  static std::string shape_text(const M &m) {
    return std::to_string(m.rows()) + " x " + std::to_string(m.cols());
  }

  // Throws "<prefix><op>: <arg> is <shape> but <ref> is <shape> (<need>)".
  [[noreturn]] void shape_error(const char *arg, const M &a, const char *ref, const M &r,
                                const std::string &need) const {
    throw Error(where() + arg + " is " + shape_text(a) + " but " + ref + " is " + shape_text(r) +
                " (" + need + ")");
  }

  // arg.rows() == ref.rows(): "(<arg> needs <ref>'s <n> rows)".
  void same_rows(const char *arg, const M &a, const char *ref, const M &r) const {
    if (a.rows() != r.rows()) {
      shape_error(arg, a, ref, r,
                  std::string(arg) + " needs " + ref + "'s " + std::to_string(r.rows()) + " rows");
    }
  }

  // arg.cols() == ref.cols(): "(<arg> needs <ref>'s <n> columns)".
  void same_cols(const char *arg, const M &a, const char *ref, const M &r) const {
    if (a.cols() != r.cols()) {
      shape_error(arg, a, ref, r,
                  std::string(arg) + " needs " + ref + "'s " + std::to_string(r.cols()) +
                      " columns");
    }
  }

  // arg has ref's shape: "(<arg> needs <ref>'s shape)".
  void same_shape(const char *arg, const M &a, const char *ref, const M &r) const {
    if (a.rows() != r.rows() || a.cols() != r.cols())
      shape_error(arg, a, ref, r, std::string(arg) + " needs " + ref + "'s shape");
  }

  // A bias row for a layer with `outputs` outputs, one per `what` of ref: a is
  // 1 x outputs, "(<arg> needs 1 x <outputs>: one row, one column per <what>)".
  void bias_row(const char *arg, const M &a, const char *ref, const M &r, std::int64_t outputs,
                const char *what) const {
    if (a.rows() != 1 || a.cols() != outputs) {
      shape_error(arg, a, ref, r,
                  std::string(arg) + " needs 1 x " + std::to_string(outputs) +
                      ": one row, one column per " + what);
    }
  }

  // One label per row of Z: "<prefix><op>: labels has <k> entries but Z is <shape>
  // (labels needs one entry per row of Z)".
  void label_count(const L &labels, const M &z) const {
    if (labels.size() != z.rows()) {
      throw Error(where() + "labels has " + std::to_string(labels.size()) + " entries but Z is " +
                  shape_text(z) + " (labels needs one entry per row of Z)");
    }
  }

  // The storage of an output does not overlap that of another argument (a GEMM reads its
  // inputs while it writes its output): "<prefix><op>: <out> and <other> share storage
  // (<out> is an output; it must not overlap <other>)".
  void disjoint(const char *out, const M &o, const char *other, const M &m) const {
    if (overlap(o, m)) {
      throw Error(where() + out + " and " + other + " share storage (" + out +
                  " is an output; it must not overlap " + other + ")");
    }
  }

  // For elementwise operations that may work in place: true when the output is exactly
  // the input (same storage and shape), false when they are disjoint; a partial overlap
  // throws "<prefix><op>: <out> and <in> share storage but are not the same rows (<out>
  // may be <in>'s rows exactly, or storage of its own)".
  bool same_or_disjoint(const char *out, const M &o, const char *in, const M &m) const {
    if (o.data() == m.data() && o.rows() == m.rows() && o.cols() == m.cols())
      return true;
    if (overlap(o, m)) {
      throw Error(where() + out + " and " + in + " share storage but are not the same rows (" +
                  out + " may be " + in + "'s rows exactly, or storage of its own)");
    }
    return false;
  }

  // linear: X (n x in), W (out x in), b (1 x out), Y (n x out); Y overlaps no input.
  void linear(const M &X, const M &W, const M &b, const M &Y) const {
    same_cols("X", X, "W", W);
    bias_row("b", b, "W", W, W.rows(), "row of W");
    same_rows("Y", Y, "X", X);
    if (Y.cols() != W.rows()) {
      shape_error("Y", Y, "W", W,
                  "Y needs " + std::to_string(W.rows()) + " columns, one per row of W");
    }
    disjoint("Y", Y, "X", X);
    disjoint("Y", Y, "W", W);
    disjoint("Y", Y, "b", b);
  }

  // linear_backward: dY (n x out); dW, db, dX shaped as W, b, X; the outputs overlap
  // neither the inputs nor each other.
  void linear_backward(const M &X, const M &W, const M &dY, const M &dW, const M &db,
                       const M &dX) const {
    same_cols("X", X, "W", W);
    same_rows("dY", dY, "X", X);
    if (dY.cols() != W.rows()) {
      shape_error("dY", dY, "W", W,
                  "dY needs " + std::to_string(W.rows()) + " columns, one per row of W");
    }
    same_shape("dW", dW, "W", W);
    bias_row("db", db, "W", W, W.rows(), "row of W");
    same_shape("dX", dX, "X", X);
    const char *output_names[] = {"dW", "db", "dX"};
    const M outputs[] = {dW, db, dX};
    const char *input_names[] = {"X", "W", "dY"};
    const M inputs[] = {X, W, dY};
    for (int o = 0; o < 3; ++o) {
      for (int i = 0; i < 3; ++i)
        disjoint(output_names[o], outputs[o], input_names[i], inputs[i]);
      for (int p = o + 1; p < 3; ++p)
        disjoint(output_names[o], outputs[o], output_names[p], outputs[p]);
    }
  }

  // linear_backward_weights: dW (out x in) for dY (n x out) and X (n x in), db 1 x out.
  void linear_backward_weights(const M &X, const M &dY, const M &dW, const M &db) const {
    same_rows("dY", dY, "X", X);
    if (dW.rows() != dY.cols()) {
      shape_error("dW", dW, "dY", dY,
                  "dW needs " + std::to_string(dY.cols()) + " rows, one per column of dY");
    }
    same_cols("dW", dW, "X", X);
    bias_row("db", db, "dY", dY, dY.cols(), "column of dY");
    const char *output_names[] = {"dW", "db"};
    const M outputs[] = {dW, db};
    for (int o = 0; o < 2; ++o) {
      disjoint(output_names[o], outputs[o], "X", X);
      disjoint(output_names[o], outputs[o], "dY", dY);
    }
    disjoint("dW", dW, "db", db);
  }

private:
  const char *prefix_;
  const char *op_;

  std::string where() const { return std::string(prefix_) + op_ + ": "; }

  // [o, o + |o|) and [m, m + |m|) intersect iff both are non-empty and each starts before
  // the other ends; std::less orders pointers into different allocations.
  static bool overlap(const M &o, const M &m) {
    const std::int64_t o_size = o.rows() * o.cols(), m_size = m.rows() * m.cols();
    if (o_size == 0 || m_size == 0)
      return false;
    const std::less<const float *> before;
    return before(o.data(), m.data() + m_size) && before(m.data(), o.data() + o_size);
  }
};

} // namespace detail
} // namespace weft
