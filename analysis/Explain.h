//===- Explain.h - Telling the user what weft decided, and why -----------===//
#ifndef WEFT_ANALYSIS_EXPLAIN_H
#define WEFT_ANALYSIS_EXPLAIN_H

#include "Dependences.h"
#include "LoopModel.h"
#include "Schedule.h"

#include <nlohmann/json.hpp>

namespace clang {
class ASTContext;
class SourceManager;
} // namespace clang

namespace weft {

/// A sequential loop gets a warning at its pragma with the main reason, notes at the
/// two accesses of the dependence that shows it (with the distance in words) and what
/// to change; further reasons follow as notes.
void explain_schedule(clang::ASTContext &context, const LoopModel &model, const Dependences &deps,
                      const Schedule &schedule);

/// weftc --explain: a remark at the loop's pragma saying how the generated program runs
/// it. `runs` is the executor the rewrite called, or empty when the loop stays as
/// written; `kept` says why when the schedule is parallel but the rewrite kept the loop
/// (its warning said so already). Without a rewrite (--emit=model) `runs` is the
/// schedule's own verdict.
void explain_outcome(clang::ASTContext &context, const LoopModel &model, const Schedule &schedule,
                     const std::string &runs, const std::string &kept);

/// The loop's entry of the report (DESIGN.md section 2): verdict and its dims,
/// per-level carries_dependence, dependences with kind and distance, reasons.
nlohmann::json report_loop(const LoopModel &model, const Dependences &deps,
                           const Schedule &schedule, const clang::SourceManager &sm);

} // namespace weft

#endif // WEFT_ANALYSIS_EXPLAIN_H
