// weft::Error, the one exception type of the user API.
#pragma once

#include <stdexcept>

namespace weft {

// Thrown for bad user input (a malformed data file, a negative extent, an index out of
// bounds, an invalid argument); the message says what is wrong and where.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

} // namespace weft
