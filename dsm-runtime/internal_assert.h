// WEFT_RT_INTERNAL_ASSERT: a broken invariant of the runtime itself (never caused by user
// input, which gets a weft::Error naming what is wrong) throws std::logic_error with
// "weft: internal error: file:line: what".
#pragma once

#include <stdexcept>
#include <string>

#define WEFT_RT_INTERNAL_ASSERT(cond, what)                                                        \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      throw std::logic_error(std::string("weft: internal error: ") + __FILE__ + ":" +              \
                             std::to_string(__LINE__) + ": " + (what));                            \
  } while (0)
