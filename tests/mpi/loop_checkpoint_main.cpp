// loop_checkpoint_main [--epochs E] [--users U] [--items I] [--k K] [--entries M] [--data-seed S]
//   (+ --weft-checkpoint-every=N --weft-checkpoint-dir=D [--weft-restart])
// A training program the way weftc writes them: its loops call the executors on
// weft::rt::Session::current() and it has no checkpoint code, so checkpoints are the
// runtime's own (LoopCheckpoints, checkpoint.h). Each epoch runs three loops:
//   1. partition_1d over the users: X(u) = X(u) / 2 + bias(u) + W(u, 0), folding into a
//      per-epoch Accumulator and into `visits`, which lives across epochs;
//   2. rotation_2d over the ratings: an SGD step of W and H, folding the squared error;
//   3. relaxed over the ratings: G(i) += W(u, 0) / 1000 through a Buffer.
// `bias` is an input array (no loop writes it), made from the data seed like the ratings.
// Prints "epoch,x,err,g,visits" per epoch and a last line "final,<hash of W, H, X, G>",
// all exact (%a), on rank 0. Exit status 1 on a weft::Error.
#include <weft/rt/data_parallel.h>
#include <weft/rt/partition_1d.h>
#include <weft/rt/relaxed.h>
#include <weft/rt/rotation_2d.h>
#include <weft/weft.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

template <class T, std::size_t N>
std::uint64_t hash_of(const weft::DistArray<T, N> &a, std::uint64_t h) {
  const unsigned char *p = reinterpret_cast<const unsigned char *>(a.data());
  for (std::int64_t i = 0; i < a.size() * static_cast<std::int64_t>(sizeof(T)); ++i)
    h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

int run(int argc, char **argv) {
  int epochs = 8, k = 4;
  std::int64_t users = 300, items = 120, entries = 6000;
  std::uint64_t data_seed = 7;
  for (int n = 1; n + 1 < argc; n += 2) {
    const std::string flag = argv[n];
    const char *v = argv[n + 1];
    if (flag == "--epochs")
      epochs = std::atoi(v);
    else if (flag == "--users")
      users = std::atoll(v);
    else if (flag == "--items")
      items = std::atoll(v);
    else if (flag == "--k")
      k = std::atoi(v);
    else if (flag == "--entries")
      entries = std::atoll(v);
    else if (flag == "--data-seed")
      data_seed = std::strtoull(v, nullptr, 10);
    else {
      std::fprintf(stderr, "loop_checkpoint_main: unknown argument '%s'\n", argv[n]);
      return 2;
    }
  }
  weft::SparseArray<float, 2> ratings;
  for (std::int64_t n = 0; n < entries; ++n) {
    const std::uint64_t x = weft::detail::splitmix64_at(data_seed, static_cast<std::uint64_t>(n));
    const std::int64_t u = static_cast<std::int64_t>(x % static_cast<std::uint64_t>(users));
    const std::int64_t i = static_cast<std::int64_t>((x >> 24) % static_cast<std::uint64_t>(items));
    ratings.add({u, i}, static_cast<float>((x >> 40) % 1000) / 500.0f - 1.0f);
  }
  const weft::SparseArray<float, 2> &R = ratings;
  weft::DistArray<float, 1> bias_init({users});
  bias_init.randomize(data_seed + 1, -0.5f, 0.5f);
  const weft::DistArray<float, 1> bias = bias_init;
  weft::DistArray<float, 2> W({users, k}), H({items, k});
  W.randomize(1, -0.1f, 0.1f);
  H.randomize(2, -0.1f, 0.1f);
  weft::DistArray<double, 1> X({users});
  weft::DistArray<float, 1> G({items});
  weft::Buffer<float, 1> dG(G, weft::apply_add, 64);
  weft::Accumulator<long long> visits(0);

  std::printf("epoch,x,err,g,visits\n");
  for (int epoch = 0; epoch < epochs; ++epoch) {
    weft::Accumulator<double> x_sum(0.0);
    weft::rt::partition_1d(
        weft::rt::Session::current(), weft::rt::IndexRange{0, users},
        weft::rt::Footprint().write(X, 0).read(bias, 0).read(W, 0).reduce(x_sum).reduce(visits),
        [&](std::int64_t u) {
          X(u) = X(u) / 2 + bias(u) + W(u, 0);
          x_sum += X(u);
          visits += 1;
        });
    weft::Accumulator<double> err(0.0);
    const float lr = 0.05f;
    weft::rt::rotation_2d(weft::rt::Session::current(), R, 0, 1,
                          weft::rt::Footprint().write(W, 0).write(H, 1).reduce(err),
                          [&, lr](const auto &e) {
                            const std::int64_t u = e.key[0], i = e.key[1];
                            float d = e.value;
                            for (int c = 0; c < k; ++c)
                              d -= W(u, c) * H(i, c);
                            for (int c = 0; c < k; ++c) {
                              const float w = W(u, c);
                              W(u, c) += lr * (d * H(i, c) - 0.01f * w);
                              H(i, c) += lr * (d * w - 0.01f * H(i, c));
                            }
                            err += static_cast<double>(d) * d;
                          });
    weft::rt::relaxed(weft::rt::Session::current(), R, weft::rt::Footprint().read(W, 0).buffer(dG),
                      [&](const auto &e) { dG(e.key[1]) += W(e.key[0], 0) / 1000.0f; });
    double g = 0;
    for (std::int64_t i = 0; i < items; ++i)
      g += G(i);
    std::printf("%d,%a,%a,%a,%lld\n", epoch + 1, x_sum.value(), err.value(), g, visits.value());
    std::fflush(stdout);
  }
  std::uint64_t h = 0xcbf29ce484222325ULL;
  h = hash_of(W, h);
  h = hash_of(H, h);
  h = hash_of(X, h);
  h = hash_of(G, h);
  std::printf("final,%016llx\n", static_cast<unsigned long long>(h));
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  weft::rt::Session session(argc, argv, weft::rt::Output::Root);
  try {
    return run(argc, argv);
  } catch (const weft::Error &e) {
    std::fprintf(stderr, "loop_checkpoint_main: error: %s\n", e.what());
    return 1;
  }
}
