// Instantiates every executor and runtime template the way hand-written and generated
// programs call them, so that compiling this file with -Wall -Wextra -Wpedantic -Wshadow
// -Werror checks the runtime's headers for warnings under GCC and Clang.
#include <weft/rt/checkpoint.h>
#include <weft/rt/comm_policy.h>
#include <weft/rt/comm_scheduler.h>
#include <weft/rt/comm_simulate.h>
#include <weft/rt/data_parallel.h>
#include <weft/rt/partition_1d.h>
#include <weft/rt/pipeline_partition.h>
#include <weft/rt/pipeline_profile.h>
#include <weft/rt/pipeline_schedule.h>
#include <weft/rt/relaxed.h>
#include <weft/rt/rotation_2d.h>
#include <weft/rt/sparse.h>
#include <weft/rt/transfer_scheduler.h>
#include <weft/rt/wavefront.h>
int main(int argc, char **argv) {
  weft::rt::Session s(argc, argv);
  const weft::SparseArray<float, 2> R;
  weft::DistArray<float, 2> W({4, 4}), H({4, 4});
  weft::Accumulator<double> acc(0.0);
  weft::Buffer<float, 2> b(W, weft::apply_add, 10);
  weft::rt::rotation_2d(s, R, 0, 1, weft::rt::Footprint().write(W, 0).write(H, 1).reduce(acc),
                        [&](const auto &e) {
                          W(e.key[0], 0) += e.value;
                          acc += 1.0;
                        });
  weft::rt::partition_1d(s, R, 0, weft::rt::Footprint().write(W, 0),
                         [&](const auto &e) { W(e.key[0], 0) += 1; });
  weft::rt::partition_1d(s, weft::rt::IndexRange{0, 4}, weft::rt::Footprint().write(H, 0).read(W),
                         [&](std::int64_t i) { H(i, 0) = W(i, 1); });
  weft::rt::data_parallel(s, R, weft::rt::Footprint().reduce(acc).read(H, 1),
                          [&](const auto &e) { acc += e.value; });
  weft::rt::relaxed(s, R, weft::rt::Footprint().buffer(b),
                    [&](const auto &e) { b(e.key[0], 0) += 1.0f; });
  weft::rt::wavefront(s, weft::rt::Wavefront{{1, 4}, {1, 4}}, weft::rt::Footprint().write(W, 0),
                      [&](std::int64_t i, std::int64_t j) { W(i, j) = W(i - 1, j) + W(i, j - 1); });
  const auto sliced = weft::rt::load_triples<double, 3>(s, argc > 1 ? argv[1] : "x.txt");
  (void)weft::rt::gather_to_root(s, sliced);
  weft::rt::Checkpoint c(s, "x");
  int epoch = 0;
  c.track(W).track_value(epoch);
  for (epoch = c.resume(); epoch < 2; ++epoch)
    c.end_epoch(epoch);
  return 0;
}
