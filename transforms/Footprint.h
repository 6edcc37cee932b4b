//===- Footprint.h - What an executor moves between processes ------------===//
//
// The Footprint argument of an executor call, from the loop model: the DistArrays the
// loop writes with the key that names their rows, the DistArrays it reads, its
// Accumulators and Buffers; and a wavefront's halo, the largest dependence distance
// along its two loops.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_TRANSFORMS_FOOTPRINT_H
#define WEFT_TRANSFORMS_FOOTPRINT_H

#include "Dependences.h"
#include "LoopModel.h"
#include "SourceText.h"

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <variant>

namespace weft {
namespace rewrite {

/// The executor's Footprint: written DistArrays with the key dim naming their rows,
/// read DistArrays, accumulators, buffers.
struct FootprintText {
  std::string text;         ///< weft::rt::Footprint().write(W, 0)...
  bool buffers = false;     ///< the loop writes through a Buffer
  std::set<int> write_dims; ///< the key dims of the written arrays
};

/// The footprint of the loop `m` (`strided`: the executor's index is not the loop
/// variable, so no key names rows), or why the runtime cannot move what it touches.
std::variant<FootprintText, Refused> footprint(const LoopModel &m, bool strided);

/// Wavefront: the largest distance of any dependence along the two band dims, or why
/// the executor cannot run them (it needs every dependence to point up and to the left).
/// The isl work here has a budget of --isl-max-operations of its own; past it the loop
/// is refused, never an isl error.
std::variant<std::pair<int64_t, int64_t>, Refused> wavefront_halo(const Dependences &deps);

} // namespace rewrite
} // namespace weft

#endif // WEFT_TRANSFORMS_FOOTPRINT_H
