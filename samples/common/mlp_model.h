// The file of a trained multilayer perceptron (samples/mlp's 4-width network), written by
// `mlp --save` and read by `mlp --load` and samples/parity:
//
//   bytes 0..7    the magic "WEFTMLP1"
//   then          4 int64: the widths (input, hidden, hidden, classes)
//   then          float32: W1 (h1 x in), b1 (1 x h1), W2 (h2 x h1), b2 (1 x h2),
//                 W3 (classes x h2), b3 (1 x classes), each row-major
//
// in the machine's byte order (little-endian on the machines weft runs on), and nothing
// after. A file is written whole or not at all: to "<path>.tmp.<pid>", flushed to disk,
// then renamed over <path>. Reading checks the magic, the widths (1 to 2^20), the size
// (exactly what the widths need) and that every value is finite; each failure is a
// weft::Error that names the file and what is wrong. Only the standard library, POSIX
// and weft/weft.h are used.
#pragma once

#include <weft/weft.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

namespace weft_samples {

constexpr char kMlpMagic[8] = {'W', 'E', 'F', 'T', 'M', 'L', 'P', '1'};

// A model read from a file: its widths and its six parameter arrays, row-major.
struct MlpModel {
  std::array<std::int64_t, 4> widths{};
  std::array<std::vector<float>, 6> parameters; // W1, b1, W2, b2, W3, b3
};

// The element counts of W1, b1, W2, b2, W3, b3 for `widths`.
inline std::array<std::int64_t, 6> mlp_parameter_sizes(const std::array<std::int64_t, 4> &w) {
  return {w[1] * w[0], w[1], w[2] * w[1], w[2], w[3] * w[2], w[3]};
}

// Writes the model (the six arrays, shaped as the file layout says) to `path`.
inline void write_mlp_model(const std::string &path, const std::array<std::int64_t, 4> &widths,
                            const std::array<const weft::DistArray<float, 2> *, 6> &parameters) {
  const std::array<std::int64_t, 6> sizes = mlp_parameter_sizes(widths);
  for (std::size_t i = 0; i < 6; ++i) {
    if (parameters[i]->size() != sizes[i])
      throw weft::Error(path + ": internal error: parameter " + std::to_string(i) +
                        " does not have the widths' size");
  }
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  std::FILE *file = std::fopen(temp.c_str(), "wb");
  if (!file)
    throw weft::Error(path + ": cannot write the model: " + temp + ": " + std::strerror(errno));
  bool ok = std::fwrite(kMlpMagic, 1, sizeof kMlpMagic, file) == sizeof kMlpMagic &&
            std::fwrite(widths.data(), sizeof(std::int64_t), 4, file) == 4;
  for (std::size_t i = 0; ok && i < 6; ++i) {
    const auto count = static_cast<std::size_t>(sizes[i]);
    ok = std::fwrite(parameters[i]->data(), sizeof(float), count, file) == count;
  }
  ok = std::fflush(file) == 0 && ok;
  const int error = errno;
  ok = ok && ::fsync(::fileno(file)) == 0;
  ok = std::fclose(file) == 0 && ok;
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(ok ? errno : error);
    std::remove(temp.c_str());
    throw weft::Error(path + ": cannot write the model: " + reason);
  }
}

// Reads a model file (see above).
inline MlpModel read_mlp_model(const std::string &path) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    throw weft::Error(path + ": cannot open the model: " + std::strerror(errno));
  std::vector<char> bytes;
  char chunk[1 << 16];
  std::size_t got;
  while ((got = std::fread(chunk, 1, sizeof chunk, file)) > 0)
    bytes.insert(bytes.end(), chunk, chunk + got);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed)
    throw weft::Error(path + ": cannot read the model");

  const std::size_t header = sizeof kMlpMagic + 4 * sizeof(std::int64_t);
  if (bytes.size() < header || std::memcmp(bytes.data(), kMlpMagic, sizeof kMlpMagic) != 0) {
    throw weft::Error(path + ": not a model file of samples/mlp (it does not start with "
                             "WEFTMLP1 and four widths)");
  }
  MlpModel model;
  std::memcpy(model.widths.data(), bytes.data() + sizeof kMlpMagic, 4 * sizeof(std::int64_t));
  for (std::int64_t w : model.widths) {
    if (w < 1 || w > (1 << 20))
      throw weft::Error(path + ": a width of " + std::to_string(w) + " (widths are 1 to 2^20)");
  }
  const std::array<std::int64_t, 6> sizes = mlp_parameter_sizes(model.widths);
  std::size_t expected = header;
  for (std::int64_t s : sizes)
    expected += static_cast<std::size_t>(s) * sizeof(float);
  if (bytes.size() != expected) {
    throw weft::Error(path + ": " + std::to_string(bytes.size()) + " bytes, but widths " +
                      std::to_string(model.widths[0]) + "," + std::to_string(model.widths[1]) +
                      "," + std::to_string(model.widths[2]) + "," +
                      std::to_string(model.widths[3]) + " need " + std::to_string(expected) +
                      (bytes.size() < expected ? " (cut short?)" : " (trailing bytes)"));
  }
  std::size_t offset = header;
  for (std::size_t i = 0; i < 6; ++i) {
    std::vector<float> &values = model.parameters[i];
    values.resize(static_cast<std::size_t>(sizes[i]));
    std::memcpy(values.data(), bytes.data() + offset, values.size() * sizeof(float));
    offset += values.size() * sizeof(float);
    for (float v : values) {
      if (!std::isfinite(v))
        throw weft::Error(path + ": a parameter value is not finite");
    }
  }
  return model;
}

// Copies parameter i of `model` into `array`, whose size must be the parameter's.
inline void copy_parameter(const MlpModel &model, std::size_t i, weft::DistArray<float, 2> &array) {
  const std::vector<float> &values = model.parameters[i];
  if (static_cast<std::size_t>(array.size()) != values.size())
    throw weft::Error("internal error: a model parameter does not fit its array");
  std::memcpy(array.data(), values.data(), values.size() * sizeof(float));
}

} // namespace weft_samples
