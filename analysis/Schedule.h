//===- Schedule.h - The strongest valid schedule of one loop -------------===//
#ifndef WEFT_ANALYSIS_SCHEDULE_H
#define WEFT_ANALYSIS_SCHEDULE_H

#include "Dependences.h"
#include "LoopModel.h"
#include "Pipeline.h"
#include "Reason.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace weft {

/// In order of preference: the first that is valid is chosen (DESIGN.md section 2).
enum class Verdict {
  DataParallel, ///< no dependence between iterations of the annotated loop
  Partition1D,  ///< every dependence stays within one value of a dim: partition by it
  Rotation2D,   ///< no conflict differs in both of two dims (Orion: space and time)
  Wavefront,    ///< ordered: a unimodular skew whose first row every dependence advances
  Relaxed,      ///< the only conflicts are Buffer updates, allowed to be stale
  Pipeline,     ///< `#pragma weft pipeline`: a cut between layers is legal (Pipeline.h)
  Sequential,   ///< none of the above; `refusals` say why
};

const char *verdict_name(Verdict verdict);

/// Why a loop stays sequential, with what to show the user.
struct Refusal {
  Reason reason;
  int dependence = -1; ///< index into Dependences::deps, or -1
  int obstacle = -1;   ///< index into Dependences::obstacles, or -1
  std::string fix;     ///< what the user can change, or empty
  /// Pipeline loops: the refused cut (index into Schedule::pipeline.cuts) and its
  /// refusal, or -1.
  int cut = -1, cut_refusal = -1;
};

struct Schedule {
  Verdict verdict = Verdict::Sequential;
  /// The loop dims the schedule talks about, as users name them ("i", "key[0]"): the
  /// annotated loop's dims, or for ordered nests the band of perfectly nested counted
  /// levels starting at the annotated loop.
  std::vector<std::string> dims;
  unsigned partition_dim = 0;           ///< Partition1D: index into dims
  unsigned space_dim = 0, time_dim = 0; ///< Rotation2D: indices into dims
  /// Wavefront: unimodular matrix over dims; row 0 is the time hyperplane (every
  /// dependence distance d has row0 . d >= 1), the other rows are parallel.
  std::vector<std::vector<int64_t>> skew;
  /// Wavefront: per band dim, the least and the greatest component of the dependence
  /// distances between band points, over every parameter value, in the order the loops
  /// run (the component of a loop that counts down is negated, so every distance is
  /// lexicographically positive); absent when unbounded. The executor's halos.
  struct DistanceBounds {
    std::optional<int64_t> min, max;
  };
  std::vector<DistanceBounds> distances;
  std::vector<std::string> reductions; ///< accumulators combined across iterations
  std::vector<std::string> buffers;    ///< Buffers whose updates may be stale
  std::vector<Refusal> refusals;       ///< Sequential: every reason found, most telling first
  PipelinePlan pipeline;               ///< `#pragma weft pipeline` loops: layers and cuts
  std::string why;                     ///< the verdict explained in one sentence
};

/// Picks the strongest verdict valid for `deps` (Verdict's order), proving each with isl.
Schedule choose_schedule(const LoopModel &model, const Dependences &deps);

} // namespace weft

#endif // WEFT_ANALYSIS_SCHEDULE_H
