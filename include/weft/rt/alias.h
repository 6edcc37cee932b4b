// weft/rt/alias.h — the run-time half of weft's aliasing rule (docs/design.md,
// "Aliasing"). weftc assumes that two names of the same array type (two reference
// parameters DistArray<float, 2>& W, DistArray<float, 2>& H) are different arrays, and
// guards the parallel loop with this check: when the names are the same object, the
// loop runs as written, serially, and the program says so once.
#pragma once

#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "weft/rt/session.h"

namespace weft::rt {

// True when the two objects of every pair are different objects. Otherwise prints,
// once per `where` and on the first process only, that the loop at `where` runs
// serially, and returns false. Every process evaluates the same pairs, so all agree.
inline bool distinct(std::initializer_list<std::pair<const void *, const void *>> pairs,
                     const char *where) {
  for (const auto &[a, b] : pairs) {
    if (a != b)
      continue;
    static std::mutex mutex;
    static std::set<std::string> told;
    std::lock_guard<std::mutex> lock(mutex);
    if (told.insert(where).second && Session::current().rank() == 0) {
      std::fprintf(stderr,
                   "weft: %s: the loop runs serially: two of its array names are the same array, "
                   "which weft assumed they are not\n",
                   where);
    }
    return false;
  }
  return true;
}

} // namespace weft::rt
