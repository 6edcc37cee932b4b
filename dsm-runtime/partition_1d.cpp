// partition_1d: the parts of its schedule that do not depend on the entry type.
#include "weft/rt/partition_1d.h"

namespace weft::rt::partition_1d_detail {

Layout layout_for(const std::vector<std::int64_t> &bounds, const Footprint::Use &use) {
  std::vector<int> owners(bounds.size() - 1);
  for (std::size_t k = 0; k < owners.size(); ++k)
    owners[k] = static_cast<int>(k);
  return row_layout(part_rows(bounds, use.map, use.handle.geometry.rows), owners,
                    use.handle.geometry.cols);
}

std::string plan_key(const char *executor, int dim, const Session &session,
                     const Footprint &footprint) {
  std::string key = std::string(executor) + ";d=" + std::to_string(dim) +
                    ";P=" + std::to_string(session.size()) +
                    ";t=" + std::to_string(session.threads()) + ";rows=";
  // The maps and the row counts decide the key extent (writes) and the rows read (reads:
  // the keys name rows through the map, and rows outside the array are left out).
  for (const auto &w : footprint.writes()) {
    key += std::to_string(w.handle.geometry.rows) + ":" + std::to_string(w.map.scale) + ":" +
           std::to_string(w.map.offset) + ",";
  }
  key += ";reads=";
  for (const auto &r : footprint.reads()) {
    key += std::to_string(r.key_dim) + ":" + std::to_string(r.handle.geometry.rows) + ":" +
           std::to_string(r.map.scale) + ":" + std::to_string(r.map.offset) + ",";
  }
  return key;
}

std::vector<std::int64_t> chunk_bounds(const std::vector<std::int64_t> &counts, std::int64_t begin,
                                       std::int64_t end, int chunks) {
  return histogram_bounds_within(counts, begin, end, chunks);
}

void check_write_dims(const char *executor, const Footprint &footprint, int dim, std::size_t rank) {
  if (dim < 0 || static_cast<std::size_t>(dim) >= rank) {
    usage_error(executor,
                "dimension " + std::to_string(dim) + " is not a key dimension of the loop");
  }
  for (const auto &w : footprint.writes()) {
    if (w.key_dim != dim) {
      usage_error(executor, "the loop writes the DistArray of shape " + w.handle.shape +
                                " at rows named by key " + "dimension " +
                                std::to_string(w.key_dim) +
                                ", but it is partitioned by dimension " + std::to_string(dim) +
                                " (two processes could write the same row)");
    }
  }
}

} // namespace weft::rt::partition_1d_detail
