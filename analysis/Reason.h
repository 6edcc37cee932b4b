//===- Reason.h - Why a loop stays sequential ----------------------------===//
//
// Each reason has one message; each has a negative lit test in tests/lit/analysis/
// whose file name is the reason's spelling (reason_name).
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_ANALYSIS_REASON_H
#define WEFT_ANALYSIS_REASON_H

namespace weft {

enum class Reason {
  /// Unordered loop: two iterations touch one element and one of them writes it, and
  /// no partitioning of the iteration space keeps such iterations apart.
  Conflict,
  /// Ordered loop: a dependence between iterations that no schedule weft knows
  /// (partition, unimodular wavefront) can preserve while running iterations at once.
  CarriedDependence,
  /// A variable declared outside the loop is written by every iteration.
  SharedScalar,
  /// A conflict involves a subscript that is not affine, so any element may be touched.
  UnknownSubscript,
  /// Two names may denote the same storage (reference parameters, pointers).
  MayAlias,
  /// A call whose effects weft cannot see.
  UnknownCall,
  /// An expression whose effects weft does not model (a write through a returned
  /// reference, a conversion or expression kind outside the closed list).
  UnknownEffect,
  /// break, return, goto or throw leaves the loop early.
  EarlyExit,
  /// The annotated loop's own iteration space is not understood.
  UnknownIterationSpace,
  /// The accumulator is read inside the loop, where its value is partial.
  AccumulatorRead,
  /// The analysis needed more isl operations than the limit allows.
  AnalysisLimit,
  /// A statement runs in more loop dims than the analysis takes (Options::max_loop_dims).
  ModelTooLarge,
  /// `#pragma weft pipeline`: the body has fewer than two layers, or no cut point between
  /// its layers is legal (analysis/Pipeline.h).
  NotAPipeline,
  /// Pipeline cut: a weight (state that iterations carry) is read on both sides (tied
  /// weights).
  PipelineTiedWeights,
  /// Pipeline cut: more than the activation forward and its gradient backward crosses
  /// (a loss reading an early activation), or an array is written on both sides.
  PipelineExtraFlow,
  /// Pipeline cut: a statement that updates state of one side touches the other side's
  /// arrays (an optimizer step over two stages).
  PipelineSplitUpdate,
  /// Pipeline cut: a call that is not a weft::nn operation touches arrays of both sides.
  PipelineCallSpansStages,
  /// Pipeline cut: a statement has effects weft cannot see, so it may touch any stage.
  PipelineUnknownEffect,
  /// Pipeline cut: a `continue` of the loop makes whether later statements run depend on
  /// a value one stage computes.
  PipelineControlFlow,
};

/// The reason's stable spelling, used in the JSON report ("conflict", "may_alias", ...).
const char *reason_name(Reason reason);

/// The reason in words, completing "loop stays sequential: ...".
const char *reason_message(Reason reason);

} // namespace weft

#endif // WEFT_ANALYSIS_REASON_H
