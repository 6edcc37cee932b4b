// The argument checks every weft::nn operation makes before it touches data: shapes and
// storage overlap, each failure a weft::Error that names the operation, the argument and
// both shapes. Internal to weft_nn.
#pragma once

#include "weft/nn.h"

#include <cstdint>
#include <string>

namespace weft {
namespace nn {
namespace detail {

// "64 x 784".
std::string shape_text(ConstMatrix m);

// Throws "weft::nn::<op>: <arg> is <shape> but <ref> is <shape> (<need>)".
[[noreturn]] void throw_shape_error(const char *op, const char *arg, ConstMatrix a, const char *ref,
                                    ConstMatrix r, const std::string &need);

// arg.rows() == ref.rows(): "(<arg> needs <ref>'s <n> rows)".
void expect_same_rows(const char *op, const char *arg, ConstMatrix a, const char *ref,
                      ConstMatrix r);

// arg.cols() == ref.cols(): "(<arg> needs <ref>'s <n> columns)".
void expect_same_cols(const char *op, const char *arg, ConstMatrix a, const char *ref,
                      ConstMatrix r);

// arg has ref's shape: "(<arg> needs <ref>'s shape)".
void expect_same_shape(const char *op, const char *arg, ConstMatrix a, const char *ref,
                       ConstMatrix r);

// A bias row for a layer with `ref`'s `outputs`: a is 1 x outputs,
// "(<arg> needs 1 x <outputs>: one row, one column per <what>)".
void expect_bias_row(const char *op, const char *arg, ConstMatrix a, const char *ref, ConstMatrix r,
                     std::int64_t outputs, const char *what);

// A label vector with one label per row of Z: "weft::nn::<op>: labels has <k> entries but
// Z is <shape> (labels needs one entry per row of Z)".
void expect_label_count(const char *op, ConstLabels labels, ConstMatrix z);

// The storage of an output does not overlap that of another argument (a BLAS routine
// reads its inputs while it writes its output): "weft::nn::<op>: <out> and <other> share
// storage (<out> is an output; it must not overlap <other>)".
void expect_disjoint(const char *op, const char *out, ConstMatrix o, const char *other,
                     ConstMatrix m);

// For elementwise operations that may work in place: whether the output `o` is exactly the
// input `m` (the same storage and shape: true) or disjoint from it (false); a partial
// overlap throws "weft::nn::<op>: <out> and <in> share storage but are not the same rows
// (<out> may be <in>'s rows exactly, or storage of its own)".
bool same_or_disjoint(const char *op, const char *out, ConstMatrix o, const char *in,
                      ConstMatrix m);

} // namespace detail
} // namespace nn
} // namespace weft
