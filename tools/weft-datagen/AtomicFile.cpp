#include "AtomicFile.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace weft::datagen {
namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 20;

std::runtime_error io_error(const std::string &what, const std::string &path) {
  return std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

} // namespace

AtomicFile::AtomicFile(std::string path)
    : path_(std::move(path)), temp_path_(path_ + ".tmp." + std::to_string(::getpid())),
      buffer_(new char[kBufferBytes]) {
  errno = 0;
  file_ = std::fopen(temp_path_.c_str(), "wb");
  if (!file_)
    throw io_error("cannot create", temp_path_);
}

AtomicFile::~AtomicFile() {
  if (file_)
    std::fclose(file_);
  if (!committed_)
    std::remove(temp_path_.c_str());
}

char *AtomicFile::reserve(std::size_t bytes) {
  if (bytes > kBufferBytes)
    throw std::logic_error("AtomicFile::reserve: more than the buffer holds");
  if (kBufferBytes - used_ < bytes)
    flush();
  return buffer_.get() + used_;
}

void AtomicFile::write(std::string_view text) {
  while (!text.empty()) {
    const std::size_t n = std::min(text.size(), kBufferBytes);
    std::memcpy(reserve(n), text.data(), n);
    written(n);
    text.remove_prefix(n);
  }
}

void AtomicFile::flush() {
  errno = 0;
  if (used_ > 0 && std::fwrite(buffer_.get(), 1, used_, file_) != used_)
    throw io_error("cannot write", temp_path_);
  used_ = 0;
}

void AtomicFile::commit() {
  flush();
  errno = 0;
  const int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0)
    throw io_error("cannot write", temp_path_);
  errno = 0;
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0)
    throw io_error("cannot rename " + temp_path_ + " to", path_);
  committed_ = true;
}

} // namespace weft::datagen
