// mf_rotation_bench: SGD matrix factorization with a hand-called weft::rt::rotation_2d,
// against the serial loop of samples/mf/mf.cpp, on the same data, in the same run, built
// with the same flags (-O3 -march=native).
//
//   mpirun -np 2 --bind-to none mf_rotation_bench --train PATH --test PATH
//          [--epochs 12] [--target 0.42] [--k 16,32]
//
// Configurations, for each rank K: the serial loop (mf.cpp's body: a scalar dot product,
// one latency-bound chain) on one process; rotation_2d on 2 processes x 1 thread; on
// 1 process x 2 threads; and, to show what each part brings, the serial loop with the
// vectorized body and rotation_2d on one process and thread (cache blocking alone); last,
// rotation_2d with mf.cpp's own body on 2 x 1 and 1 x 2, the calls weftc's rewrite of
// mf.cpp makes (the baseline of bench/e2e). The vectorized body updates a pair of rows with vector
// operations (GCC vector extensions; the dot product is summed as a tree, so its rounding differs
// from the serial chain). Every configuration starts from mf.cpp's initial factors.
//
// Printed per configuration: updates per second of the training loops (epochs after
// the first; the first includes rotation_2d's one-time planning, shown apart), the
// training seconds until the test RMSE first reaches the target (evaluation excluded,
// as in mf.cpp's "seconds" column), the final test RMSE, and the ratio to the serial
// loop, and how many cores the loops kept busy on average (CPU time / wall time: on a
// shared machine, fewer than the configuration's threads). Needs exactly 2 processes;
// run with --bind-to none so that one process can use both cores.
#include <weft/rt/rotation_2d.h>
#include <weft/rt/session.h>
#include <weft/weft.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr float kLr = 0.03f, kReg = 0.01f, kInitScale = 0.1f; // mf.cpp's defaults
constexpr std::uint64_t kSeed = 1;

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU time of this process (all its threads), to tell a slow loop from a loop that did
// not get its cores (the machine may be shared).
double process_cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Args {
  std::string train, test;
  int epochs = 12;
  double target = 0.42;
  std::vector<int> ranks = {16, 32};
  bool serial = true; // --serial no: parallel configurations only (tuning runs; no ratios)
};

struct Result {
  std::string name;
  double first_epoch_seconds = 0; // includes planning for rotation_2d
  double later_seconds = 0;       // epochs 2..E
  std::int64_t later_updates = 0;
  double seconds_to_target = -1; // training time until test RMSE <= target
  int epoch_to_target = -1;
  double final_rmse = 0;
  double eval_seconds = 0; // evaluation incl. making the factors whole
  double cpu_seconds = 0;  // CPU time of the training loops, all threads of this process
  double updates_per_second() const {
    return later_seconds > 0 ? later_updates / later_seconds : 0;
  }
};

// The body of mf.cpp's training loop, exactly.
inline float serial_update(weft::DistArray<float, 2> &W, weft::DistArray<float, 2> &H,
                           const weft::Entry<float, 2> &e, int K) {
  const std::int64_t u = e.key[0], i = e.key[1];
  float err = e.value;
  for (int k = 0; k < K; ++k)
    err -= W(u, k) * H(i, k);
  for (int k = 0; k < K; ++k) {
    const float w = W(u, k);
    W(u, k) += kLr * (err * H(i, k) - kReg * w);
    H(i, k) += kLr * (err * w - kReg * H(i, k));
  }
  return err;
}

// The same update on a pair of rows of K = 16 V floats, with vector operations.
typedef float Vec16 __attribute__((vector_size(64)));

inline float sum_lanes(Vec16 v) {
  float t[16];
  std::memcpy(t, &v, sizeof t);
  // A tree: 4 dependent adds instead of 15.
  for (int width = 8; width > 0; width /= 2) {
    for (int l = 0; l < width; ++l)
      t[l] += t[l + width];
  }
  return t[0];
}

template <int V>
inline float vector_update(float *__restrict w, float *__restrict h, float rating) {
  Vec16 wv[V], hv[V];
  std::memcpy(wv, w, sizeof wv);
  std::memcpy(hv, h, sizeof hv);
  Vec16 dot = wv[0] * hv[0];
  for (int v = 1; v < V; ++v)
    dot += wv[v] * hv[v];
  const float err = rating - sum_lanes(dot);
  for (int v = 0; v < V; ++v) {
    const Vec16 w0 = wv[v];
    wv[v] = w0 + kLr * (err * hv[v] - kReg * w0);
    hv[v] = hv[v] + kLr * (err * w0 - kReg * hv[v]);
  }
  std::memcpy(w, wv, sizeof wv);
  std::memcpy(h, hv, sizeof hv);
  return err;
}

template <int V>
inline float fast_update(weft::DistArray<float, 2> &W, weft::DistArray<float, 2> &H,
                         const weft::Entry<float, 2> &e) {
  return vector_update<V>(&W(e.key[0], 0), &H(e.key[1], 0), e.value);
}

double test_rmse(const weft::SparseArray<float, 2> &T, const weft::DistArray<float, 2> &W,
                 const weft::DistArray<float, 2> &H, int K) {
  double sq = 0;
  for (const auto &e : T) {
    float err = e.value;
    for (int k = 0; k < K; ++k)
      err -= W(e.key[0], k) * H(e.key[1], k);
    sq += static_cast<double>(err) * err;
  }
  return std::sqrt(sq / static_cast<double>(T.size()));
}

struct Data {
  weft::SparseArray<float, 2> train, test;
  std::int64_t users = 0, items = 0;
};

// Runs `epochs` epochs of `epoch(W, H)` from mf.cpp's initial factors.
template <class Epoch>
Result train(const char *name, const Data &d, const Args &args, int K, Epoch &&epoch) {
  Result r;
  r.name = name;
  weft::DistArray<float, 2> W({d.users, K}), H({d.items, K});
  W.randomize(kSeed, -kInitScale, kInitScale);
  H.randomize(kSeed + 1, -kInitScale, kInitScale);
  double trained = 0;
  for (int e = 0; e < args.epochs; ++e) {
    const auto start = Clock::now();
    const double cpu_start = process_cpu_seconds();
    epoch(W, H);
    const double s = seconds_since(start);
    if (e > 0)
      r.cpu_seconds += process_cpu_seconds() - cpu_start;
    trained += s;
    if (e == 0) {
      r.first_epoch_seconds = s;
    } else {
      r.later_seconds += s;
      r.later_updates += d.train.size();
    }
    const auto eval = Clock::now();
    r.final_rmse = test_rmse(d.test, W, H, K);
    r.eval_seconds += seconds_since(eval);
    if (r.epoch_to_target < 0 && r.final_rmse <= args.target) {
      r.epoch_to_target = e + 1;
      r.seconds_to_target = trained;
    }
  }
  return r;
}

Result serial(const Data &d, const Args &args, int K) {
  return train("serial loop (mf.cpp body)", d, args, K,
               [&](weft::DistArray<float, 2> &W, weft::DistArray<float, 2> &H) {
                 for (const auto &e : d.train)
                   serial_update(W, H, e, K);
               });
}

template <int V> Result serial_vectorized(const Data &d, const Args &args) {
  return train("serial loop, vectorized body", d, args, 16 * V,
               [&](weft::DistArray<float, 2> &W, weft::DistArray<float, 2> &H) {
                 for (const auto &e : d.train)
                   fast_update<V>(W, H, e);
               });
}

template <int V>
Result rotation(weft::rt::Session &s, const char *name, const Data &d, const Args &args) {
  return train(
      name, d, args, 16 * V, [&](weft::DistArray<float, 2> &W, weft::DistArray<float, 2> &H) {
        weft::rt::rotation_2d(s, d.train, /*space*/ 0, /*time*/ 1,
                              weft::rt::Footprint().write(W, 0).write(H, 1),
                              [&](const weft::Entry<float, 2> &e) { fast_update<V>(W, H, e); });
      });
}

// rotation_2d with mf.cpp's own body: what weftc's rewrite of mf.cpp calls (bench/e2e
// compares the generated program with these).
Result rotation_mf_body(weft::rt::Session &s, const char *name, const Data &d, const Args &args,
                        int K) {
  return train(name, d, args, K, [&](weft::DistArray<float, 2> &W, weft::DistArray<float, 2> &H) {
    weft::Accumulator<double> sq_err(0.0); // mf.cpp's training RMSE
    weft::rt::rotation_2d(s, d.train, /*space*/ 0, /*time*/ 1,
                          weft::rt::Footprint().write(W, 0).write(H, 1).reduce(sq_err),
                          [&](const weft::Entry<float, 2> &e) {
                            const float err = serial_update(W, H, e, K);
                            sq_err += err * err;
                          });
  });
}

// `cpu` is the CPU seconds of every process of the configuration (epochs after the
// first), printed as the cores the loops kept busy on average.
void print(const Result &r, const Result &base, const Args &args, double cpu) {
  char to_target[64];
  if (r.epoch_to_target > 0) {
    std::snprintf(to_target, sizeof to_target, "%6.2f s (epoch %2d)", r.seconds_to_target,
                  r.epoch_to_target);
  } else {
    std::snprintf(to_target, sizeof to_target, "not in %d epochs  ", args.epochs);
  }
  std::printf("  %-38s %7.1f M/s  %5.2fx  (%.2f cores busy)  first epoch %5.2f s  to RMSE %.2f: %s "
              " final %.4f\n",
              r.name.c_str(), r.updates_per_second() / 1e6,
              base.updates_per_second() > 0 ? r.updates_per_second() / base.updates_per_second()
                                            : 0.0,
              r.later_seconds > 0 ? cpu / r.later_seconds : 0.0, r.first_epoch_seconds, args.target,
              to_target, r.final_rmse);
  std::fflush(stdout);
}

Args parse(int argc, char **argv) {
  Args a;
  for (int n = 1; n + 1 < argc; n += 2) {
    const std::string flag = argv[n], value = argv[n + 1];
    if (flag == "--train")
      a.train = value;
    else if (flag == "--test")
      a.test = value;
    else if (flag == "--epochs")
      a.epochs = std::atoi(value.c_str());
    else if (flag == "--target")
      a.target = std::atof(value.c_str());
    else if (flag == "--serial")
      a.serial = value != "no";
    else if (flag == "--k") {
      a.ranks.clear();
      std::stringstream list(value);
      for (std::string k; std::getline(list, k, ',');)
        a.ranks.push_back(std::atoi(k.c_str()));
    } else {
      std::fprintf(stderr, "mf_rotation_bench: unknown argument %s\n", flag.c_str());
      std::exit(2);
    }
  }
  if (a.train.empty() || a.test.empty() || a.epochs < 1) {
    std::fprintf(stderr,
                 "usage: mpirun -np 2 --bind-to none mf_rotation_bench --train PATH --test PATH "
                 "[--epochs 12] [--target 0.42] [--k 16,32] [--serial no]\n");
    std::exit(2);
  }
  for (int k : a.ranks) {
    if (k != 16 && k != 32) {
      std::fprintf(stderr, "mf_rotation_bench: --k takes 16 and/or 32\n");
      std::exit(2);
    }
  }
  return a;
}

template <int V> void run_rank(weft::rt::Session &world, const Data &d, const Args &args) {
  const int K = 16 * V;
  const bool root = world.rank() == 0;
  if (root)
    std::printf("K = %d\n", K);
  Result base;
  // One process alone (the other waits, asleep): the serial loops.
  if (root && args.serial) {
    base = serial(d, args, K);
    print(base, base, args, base.cpu_seconds);
    const Result v = serial_vectorized<V>(d, args);
    print(v, base, args, v.cpu_seconds);
  }
  world.transport().barrier();
  {
    std::unique_ptr<weft::rt::Session> alone = world.split(root ? 0 : -1, 1);
    if (alone) {
      const Result r = rotation<V>(*alone, "rotation_2d, 1 process x 1 thread", d, args);
      print(r, base, args, r.cpu_seconds);
    }
  }
  world.transport().barrier();
  {
    std::unique_ptr<weft::rt::Session> two = world.split(0, 1);
    const Result r = rotation<V>(*two, "rotation_2d, 2 processes x 1 thread", d, args);
    double cpu = r.cpu_seconds;
    two->transport().allreduce_sum(&cpu, 1);
    if (root)
      print(r, base, args, cpu);
  }
  {
    std::unique_ptr<weft::rt::Session> one = world.split(root ? 0 : -1, 2);
    if (one) {
      const Result r = rotation<V>(*one, "rotation_2d, 1 process x 2 threads", d, args);
      print(r, base, args, r.cpu_seconds);
    }
  }
  world.transport().barrier();
  {
    std::unique_ptr<weft::rt::Session> two = world.split(0, 1);
    const Result r = rotation_mf_body(*two, "mf.cpp body: 2 processes x 1 thread", d, args, K);
    double cpu = r.cpu_seconds;
    two->transport().allreduce_sum(&cpu, 1);
    if (root)
      print(r, base, args, cpu);
  }
  {
    std::unique_ptr<weft::rt::Session> one = world.split(root ? 0 : -1, 2);
    if (one) {
      const Result r = rotation_mf_body(*one, "mf.cpp body: 1 process x 2 threads", d, args, K);
      print(r, base, args, r.cpu_seconds);
    }
  }
  world.transport().barrier();
}

} // namespace

int main(int argc, char **argv) {
  weft::rt::Session world(argc, argv);
  const Args args = parse(argc, argv);
  if (world.size() != 2) {
    if (world.rank() == 0)
      std::fprintf(stderr, "mf_rotation_bench: run it on 2 processes (mpirun -np 2)\n");
    return 2;
  }
  Data d;
  const auto load = Clock::now();
  try {
    d.train = weft::load_triples<float, 2>(args.train);
    d.test = weft::load_triples<float, 2>(args.test);
  } catch (const weft::Error &e) {
    std::fprintf(stderr, "mf_rotation_bench: rank %d: %s\n", world.rank(), e.what());
    return 1;
  }
  d.users = std::max(d.train.shape()[0], d.test.shape()[0]);
  d.items = std::max(d.train.shape()[1], d.test.shape()[1]);
  if (world.rank() == 0) {
    std::printf(
        "mf_rotation_bench: %lld training ratings, %lld test, %lld users x %lld items, %d epochs, "
        "lr %g reg %g (loaded in %.1f s)\n",
        static_cast<long long>(d.train.size()), static_cast<long long>(d.test.size()),
        static_cast<long long>(d.users), static_cast<long long>(d.items), args.epochs, kLr, kReg,
        seconds_since(load));
  }
  for (int k : args.ranks) {
    if (k == 16)
      run_rank<1>(world, d, args);
    if (k == 32)
      run_rank<2>(world, d, args);
  }
  return 0;
}
