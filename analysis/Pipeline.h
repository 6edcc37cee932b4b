//===- Pipeline.h - Layers and legal cut points of a pipeline loop -------===//
#ifndef WEFT_ANALYSIS_PIPELINE_H
#define WEFT_ANALYSIS_PIPELINE_H

#include "Dependences.h"
#include "LoopModel.h"
#include "Reason.h"

#include <string>
#include <vector>

namespace weft {

/// A group of the loop body's top-level statements that one stage must run together:
/// a layer's forward operation, its backward operation and the updates of its state.
struct PipelineLayer {
  std::vector<unsigned> statements; ///< indices into LoopModel::statements, in source order
};

/// Why a cut point is refused: the array that crosses it and two statements, one on
/// each side, that touch it.
struct CutRefusal {
  Reason reason;
  std::string array;
  unsigned first = 0, second = 0; ///< statements: `first` before the cut, `second` after
  std::string detail;             ///< the refusal in words, naming the array and statements
  std::string fix;
};

/// The cut between layer `after` and layer `after + 1` (0-based): the stage before it
/// runs layers [0, after], the stage after it the rest.
struct PipelineCut {
  unsigned after = 0;
  bool legal = false;
  std::string activation; ///< legal cuts: the array that crosses forward (may be empty)
  std::string gradient;   ///< legal cuts: the array that crosses backward (may be empty)
  std::vector<CutRefusal> refusals;
};

/// How the pipeline executor (include/weft/rt/pipeline.h) runs the loop: what each item
/// of the body is, what part each array plays, and what the rewrite wraps.
struct PipelineExecution {
  /// Why the executor cannot run the loop, in words; empty when it can.
  std::string why_not;
  unsigned why_statement = 0; ///< the statement `why_not` is about

  enum class Part { Forward, Backward, Update };
  struct Item {
    std::vector<unsigned> statements; ///< one top-level statement of the body
    unsigned layer = 0;
    Part part = Part::Forward;
  };
  std::vector<Item> items; ///< in source order

  enum class ArrayPart { Examples, Gradient, State };
  struct Array {
    unsigned array = 0; ///< index in LoopModel::arrays
    ArrayPart part = ArrayPart::Examples;
    unsigned layer = 0; ///< the layer whose statements write it
    /// State that forward or backward operations read (weights): an asynchronous
    /// schedule keeps its older versions.
    bool weights = false;
  };
  std::vector<Array> arrays;
  std::vector<unsigned> accumulators; ///< Accumulator arrays the body adds to
  /// rows(...) views of arrays the loop does not write, bound to a rows parameter: the
  /// rewrite narrows them to the current microbatch.
  std::vector<clang::SourceRange> microbatch_views;
  /// Calls whose value or argument is a mean over the rows, and the text of their
  /// mean_rows argument (the loss's gradient): the rewrite scales them per microbatch.
  struct RowMean {
    clang::SourceRange call;
    std::string gradient; ///< may be empty
    bool value = false;   ///< the call's value is the mean (else it has none, or no role)
    bool returns_void = false;
  };
  std::vector<RowMean> row_means;
};

struct PipelinePlan {
  std::vector<PipelineLayer> layers; ///< empty when the dependence analysis was incomplete
  std::vector<PipelineCut> cuts;     ///< one per pair of consecutive layers
  /// Names of arrays in different layers that may be one object (references weft cannot
  /// follow) and were taken to be distinct: a pipeline executor must check them at run
  /// time, as the other executors do, before it runs the stages apart.
  std::vector<std::pair<std::string, std::string>> assumed_distinct;
  PipelineExecution execution;
};

/// The layers of a `#pragma weft pipeline` loop body and, for each cut point between
/// consecutive layers, whether it is legal (docs/design.md, "Pipelines"). A cut is
/// legal iff, over the arrays touched on both sides of it,
///   - no array that iterations carry (a flow from one iteration to a later one: a
///     weight, an optimizer state) is touched on both sides,
///   - no statement of one side that updates carried state touches the other side's
///     arrays, and no call weft summarized from its body (not a weft::nn operation)
///     touches arrays of both sides,
///   - at most one array is written before the cut and read after it (the activation)
///     and at most one is written after it and read before it (its gradient), and no
///     array is written on both sides (scalars that every stage can compute for itself
///     from the step number and invariants are not counted);
/// and the loop has no statement with effects weft cannot see, no other obstacle
/// (Dependences::obstacles) and no `continue` of its own.
PipelinePlan plan_pipeline(const LoopModel &model, const Dependences &deps);

} // namespace weft

#endif // WEFT_ANALYSIS_PIPELINE_H
