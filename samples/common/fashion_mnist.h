// Where the samples find Fashion-MNIST: the Debian package dataset-fashion-mnist installs
// its four gzip-compressed IDX files in kFashionMnistDir; --data-dir names another
// directory with the same file names.
#pragma once

#include <weft/nn.h>
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

// The images of a split ("train" or "t10k") of the data in `dir`.
inline weft::DistArray<float, 2> fashion_mnist_images(const std::string &dir, const char *split) {
  return weft::nn::load_idx_images(
      fashion_mnist_file(dir, (std::string(split) + "-images-idx3-ubyte.gz").c_str()));
}

// The labels of a split, one per row of its `images`, or a weft::Error that the image and
// label files disagree.
inline weft::nn::Labels fashion_mnist_labels(const std::string &dir, const char *split,
                                             const weft::DistArray<float, 2> &images) {
  weft::nn::Labels labels = weft::nn::load_idx_labels(
      fashion_mnist_file(dir, (std::string(split) + "-labels-idx1-ubyte.gz").c_str()));
  if (labels.shape()[0] != images.shape()[0]) {
    throw weft::Error(dir + ": the " + split +
                      " image and label files disagree on the number "
                      "of examples (" +
                      std::to_string(images.shape()[0]) + " images, " +
                      std::to_string(labels.shape()[0]) + " labels)");
  }
  return labels;
}

} // namespace weft_samples
