// serve::Group: the k + 1 results of one group and its k answers.
#include "weft/serve.h"

#include <algorithm>
#include <string>

namespace weft {
namespace serve {

Group::Group(std::int64_t k, std::int64_t classes)
    : k_(k), classes_(classes), present_(static_cast<std::size_t>(k < 0 ? 0 : k + 1), false) {
  if (k < 1 || classes < 1) {
    throw Error("weft::serve::Group: needs k >= 1 and classes >= 1, got k = " + std::to_string(k) +
                ", classes = " + std::to_string(classes));
  }
  results_.assign(static_cast<std::size_t>((k + 1) * classes), 0.0f);
}

void Group::check_slot(std::int64_t slot) const {
  if (slot < 0 || slot > k_) {
    throw Error("weft::serve::Group: slot " + std::to_string(slot) + " is outside [0, " +
                std::to_string(k_) + "] (queries 0 to k - 1, the parity k)");
  }
}

void Group::set_result(std::int64_t slot, const float *output) {
  check_slot(slot);
  std::copy(output, output + classes_, results_.begin() + slot * classes_);
  present_[static_cast<std::size_t>(slot)] = true;
}

bool Group::has_result(std::int64_t slot) const {
  check_slot(slot);
  return present_[static_cast<std::size_t>(slot)];
}

bool Group::answerable() const {
  return std::count(present_.begin(), present_.end(), true) >= k_;
}

std::int64_t Group::missing_query() const {
  if (!answerable()) {
    throw Error("weft::serve::Group: " +
                std::to_string(std::count(present_.begin(), present_.end(), true)) + " of the " +
                std::to_string(k_ + 1) + " results are in; answers need " + std::to_string(k_));
  }
  for (std::int64_t m = 0; m < k_; ++m) {
    if (!present_[static_cast<std::size_t>(m)])
      return m;
  }
  return -1;
}

std::int64_t Group::answers(Matrix out) const {
  const std::int64_t missing = missing_query();
  if (out.rows() != k_ || out.cols() != classes_) {
    throw Error("weft::serve::Group::answers: out is " + std::to_string(out.rows()) + " x " +
                std::to_string(out.cols()) + " but the group has " + std::to_string(k_) +
                " queries of " + std::to_string(classes_) + " values");
  }
  std::copy(results_.begin(), results_.begin() + k_ * classes_, out.data());
  if (missing >= 0) {
    const ConstMatrix outputs(results_.data(), k_, classes_);
    const ConstMatrix parity(results_.data() + k_ * classes_, 1, classes_);
    decode(outputs, missing, parity, Matrix(out.data() + missing * classes_, 1, classes_));
  }
  return missing;
}

} // namespace serve
} // namespace weft
