//===- Dependences.h - Exact dependences of one annotated loop -----------===//
//
// All sets and maps are isl objects over the spaces of frontend/LoopModel.h:
// statement instances S<id>[dims of the enclosing levels], the annotated loop's own
// iterations L[dims of levels[0]], and arrays A<index>[subscripts].
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_ANALYSIS_DEPENDENCES_H
#define WEFT_ANALYSIS_DEPENDENCES_H

#include "LoopModel.h"
#include "Options.h"
#include "Reason.h"

#include <isl/cpp.h>

#include <memory>
#include <string>
#include <vector>

namespace weft {

/// Owns the isl context the maps of one Dependences live in.
struct IslContext {
  explicit IslContext(unsigned long max_operations);
  ~IslContext();
  IslContext(const IslContext &) = delete;
  IslContext &operator=(const IslContext &) = delete;
  isl::ctx ctx;
};

/// Parses an isl set or map written by weft. Parsing runs outside the operation limit
/// (a limit hit there would surface as a syntax error); the texts weft writes name at
/// most Options::max_loop_dims dims per statement, which bounds that work.
isl::set parse_set(isl::ctx ctx, const std::string &text);
isl::map parse_map(isl::ctx ctx, const std::string &text);

enum class DependenceKind {
  Flow,     ///< ordered: a write, then a read of the value it wrote (value-based, with kills)
  Anti,     ///< ordered: a read, then a write of the same element
  Output,   ///< ordered: two writes of the same element
  Conflict, ///< unordered: two distinct iterations touch one element, one writes it
};

const char *dependence_kind_name(DependenceKind kind);

struct Dependence {
  DependenceKind kind = DependenceKind::Conflict;
  unsigned source = 0; ///< access index; for ordered loops it runs first, for conflicts it writes
  unsigned sink = 0;   ///< access index
  /// S<source stmt>[...] -> S<sink stmt>[...]: the related statement instances.
  isl::map relation;
  /// L[x] -> L[y]: the related iterations of the annotated loop. For conflicts x != y.
  isl::map loop_relation;
  bool carried = false; ///< relates distinct iterations of the annotated loop
  /// Per model level: carried by that level (equal dims in the levels around it,
  /// different dims in it). Only levels enclosing both accesses can carry.
  std::vector<bool> carried_by_level;
  /// Per dim of levels[0]: y - x over the carried pairs, an integer or "*" when it varies.
  std::vector<std::string> distance;
  /// Only a Buffer's updates and reads of the Buffer's target are involved: the user
  /// allowed these to see stale values (bounded by the Buffer's max_delay).
  bool relaxable = false;
  bool through_alias = false;     ///< the accesses name different arrays that may overlap
  bool unknown_subscript = false; ///< one access has a subscript that is not affine
};

/// Something that keeps a loop sequential by itself, whatever its dependences.
struct Obstacle {
  Reason reason;
  clang::SourceRange range; ///< the call, the jump, the loop header or the access
  std::string detail;       ///< what it is, in words
  std::string fix = {};     ///< how to remove it, where the reason's own fix would mislead
};

struct Dependences {
  std::shared_ptr<IslContext> isl; ///< destroyed after the maps below
  std::vector<Dependence> deps;
  std::vector<Obstacle> obstacles;
  /// Pairs of arrays (model indices) of one owning type, named differently, that the
  /// analysis took to be different objects (docs/design.md, "Aliasing"). A parallel
  /// loop with such pairs must check them at run time.
  std::vector<std::pair<unsigned, unsigned>> assumed_distinct;
};

/// Computes the dependences (ordered loops) or conflicts (unordered loops) of `model`
/// with isl, and the obstacles that no schedule can overcome. Ordered dependences are
/// also computed for unordered loops, for the levels nested inside the annotated one.
/// Work beyond options.isl_max_operations ends the analysis with an AnalysisLimit
/// obstacle instead of hanging; a statement in more than options.max_loop_dims loop
/// dims gets a ModelTooLarge obstacle and no isl work at all.
Dependences compute_dependences(const LoopModel &model, const Options &options);

/// Frees the isl objects of `deps` and their context (the relations of every
/// dependence become null); kinds, distances, carried levels and obstacles stay. Once
/// a loop's schedule is chosen only a wavefront's relations are needed (by the rewrite,
/// for its halo); a file's other loops need not hold their isl memory until the end.
void release_isl(Dependences &deps);

/// Whether `error`, thrown while working in `deps`' context, comes from the operation
/// limit: the limit itself, or an error that follows it (a null result a caller did
/// not expect).
bool operation_limit_reached(const isl::exception &error, const Dependences &deps);

/// The dependences of a loop whose analysis reached options.isl_max_operations: none,
/// and an AnalysisLimit obstacle, so that the loop stays sequential.
Dependences at_operation_limit(const LoopModel &model, const Options &options);

} // namespace weft

#endif // WEFT_ANALYSIS_DEPENDENCES_H
