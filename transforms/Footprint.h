//===- Footprint.h - What an executor moves between processes ------------===//
//
// The Footprint argument of an executor call, from the loop model: the DistArrays the
// loop writes with the key that names their rows, the DistArrays it reads, its
// Accumulators and Buffers.
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

} // namespace rewrite
} // namespace weft

#endif // WEFT_TRANSFORMS_FOOTPRINT_H
