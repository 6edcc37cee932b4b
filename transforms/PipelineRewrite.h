//===- PipelineRewrite.h - A pipeline loop into the pipeline executor -----===//
//
// The call of weft::rt::pipeline::run (include/weft/rt/pipeline.h) that replaces a
// `#pragma weft pipeline` loop whose verdict is pipeline and that the executor can run
// (analysis/Pipeline.h, PipelineExecution): one lambda per layer and part with the
// body's statements as written (a rows(...) view of the data wrapped in microbatch(),
// a loss's call in row_mean()), the arrays' parts, the legal cuts, the accumulators.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_TRANSFORMS_PIPELINEREWRITE_H
#define WEFT_TRANSFORMS_PIPELINEREWRITE_H

#include "LoopHeaders.h"
#include "Rewrite.h"
#include "SourceText.h"

#include <string>
#include <variant>

namespace weft {
namespace rewrite {

/// The statement that replaces the loop (from `for` to its end), indented by `indent`,
/// or why the loop stays sequential. Reads the facts of loop.schedule->pipeline only.
std::variant<std::string, Refused> pipeline_call(const AnalyzedLoop &loop, const Header &header,
                                                 const Text &text, const std::string &indent);

} // namespace rewrite
} // namespace weft

#endif // WEFT_TRANSFORMS_PIPELINEREWRITE_H
