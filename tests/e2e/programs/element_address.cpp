// Serial code that uses an element's address after an annotated loop, the way ordinary
// programs do: the model saved with std::ofstream::write from &W(0, 0) and read back, a
// sum computed by a std::async task on another thread, and a SIGSEGV handler of the
// program's own installed after the first loop. Under the default materialization
// (eager: arrays whole at every loop's end) the parallel program built from it must print
// the serial program's numbers digit for digit on any number of processes (every value
// is exact in float and double). Each process saves to a temporary file of its own.
//
//   element_address [--n N] [--epochs E]
#include <weft/weft.h>

#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <string>
#include <vector>

namespace {

constexpr int K = 8;

extern "C" void on_crash(int) {
  const char message[] = "element_address: segmentation fault\n";
  (void)!write(2, message, sizeof message - 1);
  _exit(3);
}

// A path for a new temporary file; exits with status 1 on failure.
std::string temporary_path() {
  const char* base = std::getenv("TMPDIR");
  std::string path = std::string(base && *base ? base : "/tmp") + "/weft-element-XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0) {
    std::perror("element_address: mkstemp");
    std::exit(1);
  }
  close(fd);
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 3000;
  int epochs = 3;
  for (int k = 1; k + 1 < argc; k += 2) {
    if (std::strcmp(argv[k], "--n") == 0) n = std::atoll(argv[k + 1]);
    else if (std::strcmp(argv[k], "--epochs") == 0) epochs = std::atoi(argv[k + 1]);
  }
  if (n < 1 || n > 1000000 || epochs < 1) {
    std::fprintf(stderr, "usage: element_address [--n N in 1..1000000] [--epochs E >= 1]\n");
    return 2;
  }
  weft::DistArray<float, 2> W({n, K});
  W.fill(0.5f);
  const std::size_t count = static_cast<std::size_t>(n) * K;
  const std::string path = temporary_path();
  std::vector<float> back(count);

  std::printf("epoch,seconds,saved_sum,async_sum\n");
  for (int epoch = 0; epoch < epochs; ++epoch) {
    #pragma weft parallel_for
    for (int64_t i = 0; i < n; ++i) {
      for (int k = 0; k < K; ++k) W(i, k) = 0.5f * W(i, k) + static_cast<float>((i + k + epoch) % 13);
    }
    if (epoch == 0) std::signal(SIGSEGV, on_crash);  // the program's own crash reporter

    // Saved from the first element's address, then read back.
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(&W(0, 0)), static_cast<std::streamsize>(count * sizeof(float)));
      if (!out) {
        std::fprintf(stderr, "element_address: the model was not written to %s\n", path.c_str());
        return 1;
      }
    }
    std::ifstream in(path, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(back.data()), static_cast<std::streamsize>(count * sizeof(float)))) {
      std::fprintf(stderr, "element_address: %s is shorter than the model\n", path.c_str());
      return 1;
    }
    double saved_sum = 0.0;
    for (std::size_t m = 0; m < count; ++m) saved_sum += static_cast<double>(m % 5 + 1) * back[m];

    // Summed by another thread.
    auto task = std::async(std::launch::async, [&] {
      double s = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        for (int k = 0; k < K; ++k) s += static_cast<double>(k + 1) * W(i, k);
      }
      return s;
    });
    std::printf("%d,0.000,%.3f,%.3f\n", epoch + 1, saved_sum, task.get());
  }
  std::remove(path.c_str());
  return 0;
}
