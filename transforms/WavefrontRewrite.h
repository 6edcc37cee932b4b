//===- WavefrontRewrite.h - A wavefront nest into a wavefront call --------===//
//
// The parts of the rewrite that only the wavefront executor has: its two loop headers
// (the annotated loop and the one counted loop perfectly nested in it, from the loop
// model's levels) and the weft::rt::wavefront(...) call: the iteration space in
// ascending ranges with the order each loop runs in (Order::Descending for a loop that
// counts down), the inner range as a lambda of the outer variable when its bounds name
// it (a triangle), and the halos read from the schedule's distance bounds (halo_cols the
// greatest column distance, skew_cols minus the least, both in the order the loops run).
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_TRANSFORMS_WAVEFRONTREWRITE_H
#define WEFT_TRANSFORMS_WAVEFRONTREWRITE_H

#include "Footprint.h"
#include "LoopHeaders.h"
#include "Rewrite.h"
#include "SourceText.h"

#include <string>
#include <variant>
#include <vector>

namespace weft {
namespace rewrite {

/// The headers of the wavefront's two loops, outer first, or why the executor cannot
/// run the nest.
std::variant<std::vector<Header>, Refused>
wavefront_headers(clang::ASTContext &context, const AnalyzedLoop &loop, const Text &text);

/// The call up to its footprint argument ("weft::rt::wavefront(session, ...") for the
/// nest whose headers are `headers`, or why the executor cannot run it.
std::variant<std::string, Refused> wavefront_call(const AnalyzedLoop &loop,
                                                  const std::vector<Header> &headers,
                                                  const FootprintText &fp,
                                                  const std::string &session);

} // namespace rewrite
} // namespace weft

#endif // WEFT_TRANSFORMS_WAVEFRONTREWRITE_H
