//===- SourceText.cpp - Text of the main file for the rewrite -------------===//
#include "SourceText.h"

#include <algorithm>
#include <iterator>

namespace weft {
namespace rewrite {

std::string line_break(const clang::SourceManager &sm) {
  llvm::StringRef buffer = sm.getBufferData(sm.getMainFileID());
  size_t at = buffer.find_first_of("\r\n");
  if (at == llvm::StringRef::npos || buffer[at] == '\n')
    return "\n";
  return at + 1 < buffer.size() && buffer[at + 1] == '\n' ? "\r\n" : "\r";
}

size_t end_of_line(llvm::StringRef buffer, size_t offset) {
  size_t end = buffer.find_first_of("\r\n", offset);
  return end == llvm::StringRef::npos ? buffer.size() : end;
}

size_t next_line(llvm::StringRef buffer, size_t end) {
  if (end >= buffer.size())
    return buffer.size();
  return buffer[end] == '\r' && end + 1 < buffer.size() && buffer[end + 1] == '\n' ? end + 2
                                                                                   : end + 1;
}

BracketDepths::BracketDepths(const clang::SourceManager &sm, const clang::LangOptions &lang) {
  clang::FileID main = sm.getMainFileID();
  llvm::StringRef buffer = sm.getBufferData(main);
  clang::Lexer lexer(sm.getLocForStartOfFile(main), lang, buffer.begin(), buffer.begin(),
                     buffer.end());
  Depth depth;
  bool directive = false;
  clang::Token tok;
  while (!lexer.LexFromRawLexer(tok)) {
    if (tok.isAtStartOfLine())
      directive = tok.is(clang::tok::hash);
    if (directive)
      continue;
    unsigned *count = tok.isOneOf(clang::tok::l_paren, clang::tok::r_paren)     ? &depth.paren
                      : tok.isOneOf(clang::tok::l_square, clang::tok::r_square) ? &depth.square
                      : tok.isOneOf(clang::tok::l_brace, clang::tok::r_brace)   ? &depth.brace
                                                                                : nullptr;
    if (!count)
      continue;
    if (tok.isOneOf(clang::tok::l_paren, clang::tok::l_square, clang::tok::l_brace))
      ++*count;
    else if (*count > 0)
      --*count;
    changes_.emplace_back(sm.getFileOffset(tok.getLocation()), depth);
  }
}

BracketDepths::Depth BracketDepths::deepest(unsigned from, unsigned to) const {
  auto it = std::lower_bound(changes_.begin(), changes_.end(), from,
                             [](const auto &change, unsigned at) { return change.first < at; });
  Depth most = it == changes_.begin() ? Depth() : std::prev(it)->second;
  for (; it != changes_.end() && it->first < to; ++it) {
    most.paren = std::max(most.paren, it->second.paren);
    most.square = std::max(most.square, it->second.square);
    most.brace = std::max(most.brace, it->second.brace);
  }
  return most;
}

std::string comment_lines(const std::string &text, const std::string &indent,
                          const std::string &eol) {
  const size_t width = indent.size() + 3 < 100 ? 100 - indent.size() - 3 : 40;
  std::string out, line;
  for (llvm::StringRef rest = text; !rest.empty();) {
    auto [word, tail] = rest.split(' ');
    rest = tail;
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += (out.empty() ? "" : eol + indent) + "// " + line;
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word.str();
  }
  if (!line.empty())
    out += (out.empty() ? "" : eol + indent) + "// " + line;
  return out;
}

} // namespace rewrite
} // namespace weft
