// Where the samples find Fashion-MNIST: the Debian package dataset-fashion-mnist installs
// its four gzip-compressed IDX files in kFashionMnistDir; --data-dir names another
// directory with the same file names.
#pragma once

#include <weft/weft.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/stat.h>

namespace weft_samples {

inline const char *const kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// The path of the Fashion-MNIST file `name` in `dir`, or a weft::Error that names the path,
// why it cannot be read, and which package provides it.
inline std::string fashion_mnist_file(const std::string &dir, const char *name) {
  const std::string path = dir + "/" + name;
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    throw weft::Error("no Fashion-MNIST data in '" + dir + "' (" + path + ": " +
                      std::strerror(errno) +
                      "); install the Debian package dataset-fashion-mnist "
                      "(apt-get install dataset-fashion-mnist) or give --data-dir");
  }
  return path;
}

} // namespace weft_samples
