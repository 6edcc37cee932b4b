// A short notation for one stage's op list in the pipeline schedule tests:
//   "F3" forward of microbatch 3, "B3" its backward, "U1" the update of minibatch 1;
//   "@v" after a token gives the version it uses (F, B) or makes (U). Without it a
//   forward or backward uses version 0 and the update of minibatch t makes t + 1.
// The minibatch of a forward or backward is microbatch / m.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "weft/rt/pipeline_schedule.h"

namespace weft::rt::pipeline::test {

inline std::vector<Op> parse_ops(const std::string &text, int m) {
  std::vector<Op> ops;
  std::istringstream in(text);
  for (std::string token; in >> token;) {
    Op op;
    const std::size_t at = token.find('@');
    const int index = std::stoi(token.substr(1, at == std::string::npos ? at : at - 1));
    switch (token[0]) {
    case 'F':
    case 'B':
      op.kind = token[0] == 'F' ? OpKind::forward : OpKind::backward;
      op.microbatch = index;
      op.minibatch = index / m;
      op.version = 0;
      break;
    case 'U':
      op.kind = OpKind::update;
      op.microbatch = Op::kNoMicrobatch;
      op.minibatch = index;
      op.version = index + 1;
      break;
    default:
      throw std::invalid_argument("bad op token " + token);
    }
    if (at != std::string::npos)
      op.version = std::stoi(token.substr(at + 1));
    ops.push_back(op);
  }
  return ops;
}

// Every token with its version, so that two lists compare as strings.
inline std::string print_ops(const std::vector<Op> &ops) {
  std::string out;
  for (const Op &op : ops) {
    if (!out.empty())
      out += ' ';
    out += op.kind == OpKind::forward ? 'F' : op.kind == OpKind::backward ? 'B' : 'U';
    out += std::to_string(op.kind == OpKind::update ? op.minibatch : op.microbatch);
    out += '@' + std::to_string(op.version);
  }
  return out;
}

inline std::string normalized(const std::string &text, int m) {
  return print_ops(parse_ops(text, m));
}

} // namespace weft::rt::pipeline::test
