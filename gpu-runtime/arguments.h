// The argument checks every weft::gpu operation makes before it enqueues work: shapes and
// storage overlap, each failure a weft::Error in weft::nn's words with the prefix
// "weft::gpu::<op>". Only addresses are compared; device memory is never read. Internal to
// weft_gpu.
#pragma once

#include "weft/gpu/device.h"

#include <cstdint>
#include <string>

namespace weft {
namespace gpu {
namespace detail {

// "64 x 784".
std::string shape_text(ConstMatrix m);

// Throws "weft::gpu::<op>: <arg> is <shape> but <ref> is <shape> (<need>)".
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

// a is 1 x outputs: "(<arg> needs 1 x <outputs>: one row, one column per <what>)".
void expect_bias_row(const char *op, const char *arg, ConstMatrix a, const char *ref, ConstMatrix r,
                     std::int64_t outputs, const char *what);

// One label per row of z: "weft::gpu::<op>: labels has <k> entries but Z is <shape> (labels
// needs one entry per row of Z)".
void expect_label_count(const char *op, ConstLabels labels, ConstMatrix z);

// The storage of output `o` does not overlap `m`: "weft::gpu::<op>: <out> and <other> share
// storage (<out> is an output; it must not overlap <other>)".
void expect_disjoint(const char *op, const char *out, ConstMatrix o, const char *other,
                     ConstMatrix m);

// For elementwise operations that may work in place: true when `o` is exactly `m` (same
// storage and shape), false when they are disjoint; a partial overlap throws
// "weft::gpu::<op>: <out> and <in> share storage but are not the same rows (<out> may be
// <in>'s rows exactly, or storage of its own)".
bool same_or_disjoint(const char *op, const char *out, ConstMatrix o, const char *in,
                      ConstMatrix m);

} // namespace detail
} // namespace gpu
} // namespace weft
