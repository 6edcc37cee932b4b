//===- InternalError.h - Broken invariants of weftc itself ----------------===//
//
// A user's program never causes an InternalError: every input clang accepts gets a
// model, a verdict and a rewrite, or a diagnostic. An InternalError means weftc broke
// one of its own invariants; the driver reports it as "weftc: internal error: ..." with
// the loop it was working on and exits with status 1, instead of aborting.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_FRONTEND_INTERNALERROR_H
#define WEFT_FRONTEND_INTERNALERROR_H

#include <stdexcept>
#include <string>

namespace weft {

class InternalError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace weft

/// Checks an invariant of weftc: when `cond` is false, throws weft::InternalError
/// naming this source location and `what`.
#define WEFT_INTERNAL_ASSERT(cond, what)                                                           \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      throw ::weft::InternalError(std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": " +  \
                                  (what));                                                         \
  } while (0)

#endif // WEFT_FRONTEND_INTERNALERROR_H
