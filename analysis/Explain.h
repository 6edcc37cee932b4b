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
/// to change; further reasons follow as notes. With `explain`, every loop also gets a
/// remark with its verdict and why.
void explain_schedule(clang::ASTContext &context, const LoopModel &model, const Dependences &deps,
                      const Schedule &schedule, bool explain);

/// The loop's entry of the report (DESIGN.md section 2): verdict and its dims,
/// per-level carries_dependence, dependences with kind and distance, reasons.
nlohmann::json report_loop(const LoopModel &model, const Dependences &deps,
                           const Schedule &schedule, const clang::SourceManager &sm);

} // namespace weft

#endif // WEFT_ANALYSIS_EXPLAIN_H
