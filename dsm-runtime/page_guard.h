// Page protection of partitioned DistArrays and the fault handler that materializes
// them (see include/weft/rt/distribution.h). Internal to dsm-runtime.
#pragma once

#include <cstddef>
#include <cstdint>

namespace weft::rt {

class ArrayRecord;

// Whether pages can be protected at the granularity of weft's storage alignment.
bool page_protection_available();

// Makes [begin, begin + bytes) inaccessible; a fault there calls
// record->materialize_after_fault() on the main thread. begin and bytes are multiples
// of detail::kPageBytes. Throws weft::Error if mprotect fails.
void protect_pages(std::byte *begin, std::int64_t bytes, ArrayRecord *record);
// Makes the range accessible again and forgets it.
void unprotect_pages(std::byte *begin, std::int64_t bytes);

// While set, a fault in a protected range is a runtime bug (the runtime touched an
// array it had not opened), reported as such.
class RuntimeSection {
public:
  RuntimeSection();
  ~RuntimeSection();
  RuntimeSection(const RuntimeSection &) = delete;
  RuntimeSection &operator=(const RuntimeSection &) = delete;
};

} // namespace weft::rt
