// A program that keeps a pointer to an array's storage from before its annotated loop and
// gives it to system calls after the loop: fwrite writes the array to a file, read(2)
// reads a changed copy of the file back into it, and the next epoch's loop starts from
// what read(2) put there. The parallel program built from it must print the serial
// program's numbers digit for digit on any number of processes (all values are exact in
// float and double). Each process uses temporary files of its own (mkstemp).
//
//   escaped_pointer [--n N] [--epochs E]
#include <weft/weft.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr int K = 16;

// A new temporary file, already unlinked; exits with status 1 on failure.
int temporary_file() {
  const char* base = std::getenv("TMPDIR");
  std::vector<char> path(std::strlen(base && *base ? base : "/tmp") + 32);
  std::snprintf(path.data(), path.size(), "%s/weft-escaped-XXXXXX", base && *base ? base : "/tmp");
  const int fd = mkstemp(path.data());
  if (fd < 0) {
    std::perror("escaped_pointer: mkstemp");
    std::exit(1);
  }
  unlink(path.data());
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 2000;
  int epochs = 3;
  for (int k = 1; k + 1 < argc; k += 2) {
    if (std::strcmp(argv[k], "--n") == 0) n = std::atoll(argv[k + 1]);
    else if (std::strcmp(argv[k], "--epochs") == 0) epochs = std::atoi(argv[k + 1]);
  }
  if (n < 1 || n > 1000000 || epochs < 1) {
    std::fprintf(stderr, "usage: escaped_pointer [--n N in 1..1000000] [--epochs E >= 1]\n");
    return 2;
  }
  weft::DistArray<float, 2> W({n, K});
  float* const p = W.data();  // kept across every loop below
  const std::size_t count = static_cast<std::size_t>(n) * K;
  std::vector<float> file(count);

  std::printf("epoch,seconds,file_sum,read_sum\n");
  for (int epoch = 0; epoch < epochs; ++epoch) {
    #pragma weft parallel_for
    for (int64_t i = 0; i < n; ++i) {
      for (int k = 0; k < K; ++k) W(i, k) = static_cast<float>((i + k + epoch) % 97) + 0.5f * W(i, k);
    }

    // fwrite through the pointer taken before the loop, and the file's contents.
    std::FILE* out = std::tmpfile();
    if (out == nullptr || std::fwrite(p, sizeof(float), count, out) != count) {
      std::perror("escaped_pointer: fwrite");
      return 1;
    }
    std::rewind(out);
    if (std::fread(file.data(), sizeof(float), count, out) != count) {
      std::fprintf(stderr, "escaped_pointer: the file is shorter than the array\n");
      return 1;
    }
    std::fclose(out);
    double file_sum = 0.0;
    for (std::size_t m = 0; m < count; ++m) file_sum += static_cast<double>(m % 7 + 1) * file[m];

    // read(2) a changed copy of the file back through the pointer.
    for (float& v : file) v = v * 0.25f + 1.0f;
    const int fd = temporary_file();
    const ssize_t bytes = static_cast<ssize_t>(count * sizeof(float));
    if (pwrite(fd, file.data(), count * sizeof(float), 0) != bytes || pread(fd, p, count * sizeof(float), 0) != bytes) {
      std::perror("escaped_pointer: read");
      return 1;
    }
    close(fd);
    double read_sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      for (int k = 0; k < K; ++k) read_sum += static_cast<double>(k + 1) * W(i, k);
    }
    std::printf("%d,0.000,%.3f,%.3f\n", epoch + 1, file_sum, read_sum);
  }
  return 0;
}
