// AtomicFile: a file that appears at its path complete or not at all. Writes go to
// "<path>.tmp.<pid>" through a 1 MiB buffer; commit() flushes, closes and renames it to
// <path>; destroying an uncommitted AtomicFile removes the temporary file.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace weft::datagen {

class AtomicFile {
public:
  // Throws std::runtime_error "cannot create <temp path>: <reason>".
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile &) = delete;
  AtomicFile &operator=(const AtomicFile &) = delete;

  // Room for at least `bytes` more bytes at the returned pointer; call written() after.
  char *reserve(std::size_t bytes);
  void written(std::size_t bytes) { used_ += bytes; }
  void write(std::string_view text);

  // Throws std::runtime_error naming the path on a write, close or rename failure.
  void commit();

  const std::string &path() const { return path_; }

private:
  void flush();

  std::string path_;
  std::string temp_path_;
  std::FILE *file_ = nullptr;
  std::unique_ptr<char[]> buffer_;
  std::size_t used_ = 0;
  bool committed_ = false;
};

} // namespace weft::datagen
