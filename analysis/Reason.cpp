//===- Reason.cpp - Why a loop stays sequential --------------------------===//

#include "Reason.h"

namespace weft {

const char *reason_name(Reason reason) {
  switch (reason) {
  case Reason::Conflict:
    return "conflict";
  case Reason::CarriedDependence:
    return "carried_dependence";
  case Reason::SharedScalar:
    return "shared_scalar";
  case Reason::UnknownSubscript:
    return "unknown_subscript";
  case Reason::MayAlias:
    return "may_alias";
  case Reason::UnknownCall:
    return "unknown_call";
  case Reason::UnknownEffect:
    return "unknown_effect";
  case Reason::EarlyExit:
    return "early_exit";
  case Reason::UnknownIterationSpace:
    return "unknown_iteration_space";
  case Reason::AccumulatorRead:
    return "accumulator_read";
  case Reason::AnalysisLimit:
    return "analysis_limit";
  case Reason::ModelTooLarge:
    return "model_too_large";
  case Reason::NotAPipeline:
    return "not_a_pipeline";
  case Reason::PipelineTiedWeights:
    return "pipeline_tied_weights";
  case Reason::PipelineExtraFlow:
    return "pipeline_extra_flow";
  case Reason::PipelineSplitUpdate:
    return "pipeline_split_update";
  case Reason::PipelineCallSpansStages:
    return "pipeline_call_spans_stages";
  case Reason::PipelineUnknownEffect:
    return "pipeline_unknown_effect";
  case Reason::PipelineControlFlow:
    return "pipeline_control_flow";
  }
  return "?";
}

const char *reason_message(Reason reason) {
  switch (reason) {
  case Reason::Conflict:
    return "two iterations access the same element and one writes it, and no partitioning "
           "of the iterations keeps them apart";
  case Reason::CarriedDependence:
    return "a dependence between iterations must keep its order, and no partition or "
           "wavefront schedule preserves it";
  case Reason::SharedScalar:
    return "a variable declared outside the loop is written by every iteration";
  case Reason::UnknownSubscript:
    return "a subscript is not an affine expression, so the access may touch any element";
  case Reason::MayAlias:
    return "two names may refer to the same storage";
  case Reason::UnknownCall:
    return "a call may read or write memory weft cannot see";
  case Reason::UnknownEffect:
    return "an expression may read or write memory weft cannot name";
  case Reason::EarlyExit:
    return "the loop may be left early, so which iterations run depends on the data";
  case Reason::UnknownIterationSpace:
    return "the iterations of the loop are not known";
  case Reason::AccumulatorRead:
    return "an accumulator is read inside the loop, where its value is partial";
  case Reason::AnalysisLimit:
    return "the dependence analysis exceeded its operation limit";
  case Reason::ModelTooLarge:
    return "the loop has more dims than the dependence analysis takes";
  case Reason::NotAPipeline:
    return "the loop body is not a chain of stages";
  case Reason::PipelineTiedWeights:
    return "a weight is read by layers on both sides of the cut";
  case Reason::PipelineExtraFlow:
    return "more than the activation and its gradient crosses the cut";
  case Reason::PipelineSplitUpdate:
    return "an update of one stage's state touches the other stage's arrays";
  case Reason::PipelineCallSpansStages:
    return "a call that is not a weft::nn operation touches arrays of both stages";
  case Reason::PipelineUnknownEffect:
    return "a statement has effects weft cannot see, so it may touch any stage";
  case Reason::PipelineControlFlow:
    return "a 'continue' decides whether statements of both stages run";
  }
  return "?";
}

} // namespace weft
