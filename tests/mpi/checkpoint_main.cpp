// checkpoint_main --epochs E --out PATH [--kill-after EPOCH --kill-rank R]
//   (+ --weft-checkpoint-every=N --weft-checkpoint-dir=D [--weft-restart])
// SGD-MF with rotation_2d on synthetic ratings, checkpointed each N epochs. With
// --kill-after, process R kills itself (SIGKILL) after that epoch, as a crashed node
// would. Rank 0 writes the final factors W and H, as raw floats, to PATH. The fault test
// (checkpoint_restart.sh) compares an uninterrupted run with a killed and restarted one.
#include <weft/rt/checkpoint.h>
#include <weft/rt/rotation_2d.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char **argv) {
  weft::rt::Session session(argc, argv);
  int epochs = 6, kill_after = -1, kill_rank = -1;
  std::string out;
  for (int n = 1; n + 1 < argc; n += 2) {
    const std::string flag = argv[n];
    if (flag == "--epochs")
      epochs = std::atoi(argv[n + 1]);
    else if (flag == "--out")
      out = argv[n + 1];
    else if (flag == "--kill-after")
      kill_after = std::atoi(argv[n + 1]);
    else if (flag == "--kill-rank")
      kill_rank = std::atoi(argv[n + 1]);
  }
  constexpr int users = 600, items = 400, K = 8;
  weft::SparseArray<float, 2> ratings;
  for (std::uint64_t n = 0; n < 30000; ++n) {
    const std::uint64_t x = weft::detail::splitmix64_at(5, n);
    const int u = static_cast<int>(x % users), i = static_cast<int>((x >> 20) % items);
    ratings.add({u, i}, static_cast<float>((u % 7) * 0.3 - (i % 5) * 0.2));
  }
  // (Repeated pairs are fine for SGD; keys need not be unique for this test.)
  const weft::SparseArray<float, 2> &R = ratings;
  weft::DistArray<float, 2> W({users, K}), H({items, K});
  W.randomize(1, -0.1f, 0.1f);
  H.randomize(2, -0.1f, 0.1f);
  std::uint64_t seed_state = 12345; // a tracked value: changes every epoch

  weft::rt::Checkpoint checkpoint(session, "mf");
  checkpoint.track(W).track(H).track_value(seed_state);
  const int first = checkpoint.resume();
  if (session.rank() == 0)
    std::printf("starting at epoch %d\n", first);
  for (int epoch = first; epoch < epochs; ++epoch) {
    const float lr = 0.02f + 0.001f * static_cast<float>(seed_state % 7);
    weft::rt::rotation_2d(session, R, 0, 1, weft::rt::Footprint().write(W, 0).write(H, 1),
                          [&](const weft::Entry<float, 2> &e) {
                            float err = e.value;
                            for (int k = 0; k < K; ++k)
                              err -= W(e.key[0], k) * H(e.key[1], k);
                            for (int k = 0; k < K; ++k) {
                              const float w = W(e.key[0], k);
                              W(e.key[0], k) += lr * (err * H(e.key[1], k) - 0.01f * w);
                              H(e.key[1], k) += lr * (err * w - 0.01f * H(e.key[1], k));
                            }
                          });
    seed_state = seed_state * 6364136223846793005ULL + 1442695040888963407ULL;
    checkpoint.end_epoch(epoch);
    if (epoch == kill_after && session.rank() == kill_rank) {
      std::fprintf(stderr, "rank %d: killing itself after epoch %d\n", session.rank(), epoch);
      std::raise(SIGKILL);
    }
  }
  const float *w = W.data();
  const float *h = H.data();
  if (session.rank() == 0 && !out.empty()) {
    std::FILE *f = std::fopen(out.c_str(), "wb");
    if (!f)
      return 1;
    std::fwrite(w, sizeof(float), static_cast<std::size_t>(W.size()), f);
    std::fwrite(h, sizeof(float), static_cast<std::size_t>(H.size()), f);
    std::fwrite(&seed_state, sizeof seed_state, 1, f);
    std::fclose(f);
  }
  return 0;
}
