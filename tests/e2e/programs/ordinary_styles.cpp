// A training program written the way people write C++, not the way the samples do:
// arrays passed by reference to a train() function (once as different arrays, once as
// the same array twice), factors kept as members of a model struct, keys taken apart
// with structured bindings and references, element references and a helper that takes
// them, a struct and an Accumulator declared inside the body, inner loops without
// braces, keys counted from 1 (W(e.key[0] - 1, k)) and rows written backwards
// (W(n - 1 - e.key[0], k), M(n - 1 - i, k)), arrays as members of a class updated by a
// method, and output printed by a static object's constructor before main. Every value is a small integer in double, so every sum is
// exact, and every update commutes with the others (each iteration's step depends on its
// keys and value only): whatever order of iterations a parallel schedule picks, the
// parallel program must print the serial program's numbers digit for digit, on any
// number of processes.
//
//   ordinary_styles [--n N] [--epochs E]
#include <weft/weft.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr int K = 4;

struct Model {
  weft::DistArray<double, 2> W, H;
};

// Adds to both elements: a helper with reference parameters, bound to the elements.
void nudge(double &w, double &h, double by) {
  w += by;
  h -= by;
}

double checksum(const weft::DistArray<double, 2> &a) {
  double sum = 0.0;
  for (int64_t i = 0; i < a.shape()[0]; ++i)
    for (int64_t j = 0; j < a.shape()[1]; ++j)
      sum += static_cast<double>((i + 1) * (j + 2)) * a(i, j);
  return sum;
}

// Arrays by reference: rotation_2d when W and H are different arrays, the loop as
// written when they are the same one.
void train(const weft::SparseArray<double, 2> &R, weft::DistArray<double, 2> &W,
           weft::DistArray<double, 2> &H, weft::Accumulator<double> &total) {
#pragma weft parallel_for
  for (const auto &e : R) {
    const auto [u, i] = e.key;
    const double step = e.value > 0 ? 1.0 : -1.0;
    for (int k = 0; k < K; ++k)
      nudge(W(u, k), H(i, k), step * static_cast<double>((u + i + k) % 3));
    total += step;
  }
}

// A model struct, a key reference, an element reference, and locals declared in the body.
void refine(const weft::SparseArray<double, 2> &R, Model &m) {
#pragma weft parallel_for
  for (const auto &e : R) {
    const auto &key = e.key;
    struct Pair {
      double a = 0.0, b = 0.0;
    } p;
    for (int k = 0; k < K; ++k) {
      double &w = m.W(key[0], k);
      p.a += w;
      w = static_cast<double>(((static_cast<int64_t>(w) + key[1]) % 5 + 5) % 5);
    }
    weft::Accumulator<double> local(0.0);
    local += p.a;
    m.W(key[0], 0) += p.b;
  }
}

// Keys counted from 1: R1's users are 1..n. Each step depends on the row's value before
// it, so the rows' updates must run in R1's order per user (partition_1d by key[0]).
void one_based(const weft::SparseArray<double, 2> &R1, weft::DistArray<double, 2> &W) {
#pragma weft parallel_for
  for (const auto &e : R1)
    for (int k = 0; k < K; ++k)
      W(e.key[0] - 1, k) = static_cast<double>(
          (static_cast<int64_t>(W(e.key[0] - 1, k)) * 3 + e.key[1] + k + static_cast<int64_t>(e.value) + 7) % 11);
}

// Rows written backwards: user u's factors live in row n - 1 - u.
void reversed(const weft::SparseArray<double, 2> &R, weft::DistArray<double, 2> &V, int64_t n) {
#pragma weft parallel_for
  for (const auto &e : R)
    for (int k = 0; k < K; ++k)
      V(n - 1 - e.key[0], k) = V(n - 1 - e.key[0], k) * 0.5 + e.value * static_cast<double>(k + 1);
}

// A counted loop that writes its rows backwards.
void mirror(const weft::DistArray<double, 2> &from, weft::DistArray<double, 2> &to, int64_t n) {
#pragma weft parallel_for
  for (int64_t i = 0; i < n; ++i)
    for (int k = 0; k < K; ++k)
      to(n - 1 - i, k) = from(i, k) + static_cast<double>(k);
}

// Factors as members of a class, updated by a method: `U` through the implicit this,
// `this->V` through an explicit one, and a scalar field read in every iteration.
class Factors {
public:
  explicit Factors(int64_t n) : U({n, K}), V({n, K}) {
    for (int64_t i = 0; i < n; ++i)
      for (int k = 0; k < K; ++k) {
        U(i, k) = static_cast<double>((i + 2 * k) % 5);
        V(i, k) = static_cast<double>((3 * i + k) % 4);
      }
  }
  void sweep(const weft::SparseArray<double, 2> &R) {
#pragma weft parallel_for
    for (const auto &e : R)
      for (int k = 0; k < K; ++k) {
        U(e.key[0], k) += step_ * e.value;
        this->V(e.key[1], k) -= step_ * static_cast<double>(k);
      }
  }
  double sum() const { return checksum(U) + 2.0 * checksum(V); }

private:
  weft::DistArray<double, 2> U, V;
  double step_ = 2.0;
};

int64_t parse(const char *flag, const char *value) {
  char *end = nullptr;
  const long long v = std::strtoll(value, &end, 10);
  if (end == value || *end != '\0' || v < 1 || v > 100000) {
    std::fprintf(stderr, "ordinary_styles: error: %s needs an integer in [1, 100000]\n", flag);
    std::exit(2);
  }
  return v;
}

// The CSV header, printed by a static object's constructor before main: once, as the
// serial program prints it, on any number of processes.
struct Header {
  Header() { std::printf("epoch,seconds,w,h,shared,total,one_based,reversed,mirrored,members\n"); }
} header;

} // namespace

int main(int argc, char **argv) {
  int64_t n = 300, epochs = 3;
  for (int a = 1; a < argc; a += 2) {
    if (a + 1 >= argc || (std::strcmp(argv[a], "--n") != 0 && std::strcmp(argv[a], "--epochs") != 0)) {
      std::fprintf(stderr, "usage: ordinary_styles [--n N] [--epochs E]\n");
      return 2;
    }
    (std::strcmp(argv[a], "--n") == 0 ? n : epochs) = parse(argv[a], argv[a + 1]);
  }
  std::vector<weft::Entry<double, 2>> entries;
  for (int64_t u = 0; u < n; ++u)
    for (int64_t v = (u * 3) % 5; v < n; v += 5 + u % 4)
      entries.push_back({{u, v}, static_cast<double>((u + 2 * v) % 7 - 3)});
  std::vector<weft::Entry<double, 2>> shifted;
  for (const auto &e : entries)
    shifted.push_back({{e.key[0] + 1, e.key[1]}, e.value});
  const weft::SparseArray<double, 2> R(std::move(entries));
  const weft::SparseArray<double, 2> R1(std::move(shifted));
  Model model{weft::DistArray<double, 2>({n, K}), weft::DistArray<double, 2>({n, K})};
  weft::DistArray<double, 2> shared({n, K}), ones({n, K}), back({n, K}), mirrored({n, K});
  Factors factors(n);
  for (int64_t i = 0; i < n; ++i)
    for (int k = 0; k < K; ++k) {
      model.W(i, k) = static_cast<double>((i + k) % 3);
      model.H(i, k) = static_cast<double>((2 * i + k) % 3);
      shared(i, k) = static_cast<double>((i * k) % 4);
      ones(i, k) = static_cast<double>((i + 2 * k) % 11);
    }

  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    weft::Accumulator<double> total(0.0);
    train(R, model.W, model.H, total);
    train(R, shared, shared, total); // the same array twice: runs as written
    refine(R, model);
    one_based(R1, ones);
    reversed(R, back, n);
    mirror(back, mirrored, n);
    factors.sweep(R);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%lld,%.3f,%.1f,%.1f,%.1f,%.1f,%.1f,%.17g,%.17g,%.1f\n", static_cast<long long>(epoch + 1),
                seconds, checksum(model.W), checksum(model.H), checksum(shared), total.value(), checksum(ones),
                checksum(back), checksum(mirrored), factors.sum());
  }
  return 0;
}
