#include "arguments.h"

#include <functional>

namespace weft {
namespace gpu {
namespace detail {

namespace {

std::int64_t element_count(ConstMatrix m) { return m.rows() * m.cols(); }

// [o, o + |o|) and [m, m + |m|) intersect iff both are non-empty and each starts before the
// other ends. std::less orders pointers into different allocations.
bool overlap(ConstMatrix o, ConstMatrix m) {
  const std::int64_t o_size = element_count(o), m_size = element_count(m);
  if (o_size == 0 || m_size == 0)
    return false;
  const std::less<const float *> before;
  return before(o.data(), m.data() + m_size) && before(m.data(), o.data() + o_size);
}

} // namespace

std::string shape_text(ConstMatrix m) {
  return std::to_string(m.rows()) + " x " + std::to_string(m.cols());
}

void throw_shape_error(const char *op, const char *arg, ConstMatrix a, const char *ref,
                       ConstMatrix r, const std::string &need) {
  throw Error(std::string("weft::gpu::") + op + ": " + arg + " is " + shape_text(a) + " but " +
              ref + " is " + shape_text(r) + " (" + need + ")");
}

void expect_same_rows(const char *op, const char *arg, ConstMatrix a, const char *ref,
                      ConstMatrix r) {
  if (a.rows() != r.rows()) {
    throw_shape_error(op, arg, a, ref, r,
                      std::string(arg) + " needs " + ref + "'s " + std::to_string(r.rows()) +
                          " rows");
  }
}

void expect_same_cols(const char *op, const char *arg, ConstMatrix a, const char *ref,
                      ConstMatrix r) {
  if (a.cols() != r.cols()) {
    throw_shape_error(op, arg, a, ref, r,
                      std::string(arg) + " needs " + ref + "'s " + std::to_string(r.cols()) +
                          " columns");
  }
}

void expect_same_shape(const char *op, const char *arg, ConstMatrix a, const char *ref,
                       ConstMatrix r) {
  if (a.rows() != r.rows() || a.cols() != r.cols())
    throw_shape_error(op, arg, a, ref, r, std::string(arg) + " needs " + ref + "'s shape");
}

void expect_bias_row(const char *op, const char *arg, ConstMatrix a, const char *ref, ConstMatrix r,
                     std::int64_t outputs, const char *what) {
  if (a.rows() != 1 || a.cols() != outputs) {
    throw_shape_error(op, arg, a, ref, r,
                      std::string(arg) + " needs 1 x " + std::to_string(outputs) +
                          ": one row, one column per " + what);
  }
}

void expect_label_count(const char *op, ConstLabels labels, ConstMatrix z) {
  if (labels.size() != z.rows()) {
    throw Error(std::string("weft::gpu::") + op + ": labels has " + std::to_string(labels.size()) +
                " entries but Z is " + shape_text(z) + " (labels needs one entry per row of Z)");
  }
}

void expect_disjoint(const char *op, const char *out, ConstMatrix o, const char *other,
                     ConstMatrix m) {
  if (overlap(o, m)) {
    throw Error(std::string("weft::gpu::") + op + ": " + out + " and " + other +
                " share storage (" + out + " is an output; it must not overlap " + other + ")");
  }
}

bool same_or_disjoint(const char *op, const char *out, ConstMatrix o, const char *in,
                      ConstMatrix m) {
  if (o.data() == m.data() && o.rows() == m.rows() && o.cols() == m.cols())
    return true;
  if (overlap(o, m)) {
    throw Error(std::string("weft::gpu::") + op + ": " + out + " and " + in +
                " share storage but are not the same rows (" + out + " may be " + in +
                "'s rows exactly, or storage of its own)");
  }
  return false;
}

} // namespace detail
} // namespace gpu
} // namespace weft
