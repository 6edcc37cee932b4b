// A loop that touches a DistArray which an earlier loop left partitioned, without passing
// it to its executor: under lazy materialization (run with --weft-materialize=lazy; the
// array stays partitioned and protected between the loops) the program must end with a
// message naming the array's shape (not read stale rows, not hang).
#include <weft/rt/data_parallel.h>
#include <weft/rt/partition_1d.h>

int main(int argc, char **argv) {
  weft::rt::Session session(argc, argv);
  weft::DistArray<float, 2> W({100, 4});
  weft::rt::partition_1d(session, weft::rt::IndexRange{0, 100}, weft::rt::Footprint().write(W, 0),
                         [&](std::int64_t u) { W(u, 0) = static_cast<float>(u); });
  weft::Accumulator<double> sum(0.0);
  // Reads W, but the footprint does not say so.
  weft::rt::data_parallel(session, weft::rt::IndexRange{0, 100}, weft::rt::Footprint().reduce(sum),
                          [&](std::int64_t u) { sum += W(99 - u, 0); });
  return sum.value() == 4950.0 ? 0 : 3;
}
