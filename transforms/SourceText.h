//===- SourceText.h - Text of the main file for the rewrite ---------------===//
//
// What the rewrite needs to know of the main file's bytes: its line breaks (kept in
// every inserted line), the source text of statements and where they end, which
// places are plain text of the file (not macro expansions), how deeply brackets nest,
// and how comment lines are laid out. No edits happen here.
//
//===----------------------------------------------------------------------===//
#ifndef WEFT_TRANSFORMS_SOURCETEXT_H
#define WEFT_TRANSFORMS_SOURCETEXT_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Stmt.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace weft {
namespace rewrite {

using clang::SourceLocation;
using clang::SourceRange;

/// Why a loop cannot be rewritten; the message completes "kept sequential: ...".
struct Refused {
  std::string why;
};

/// The line break the main file uses: that of its first line ("\r\n", "\r" for old Mac
/// files, which clang reads too, or "\n"); "\n" for a file of one line. Inserted text
/// uses it, so the output keeps the file's convention.
std::string line_break(const clang::SourceManager &sm);

/// The offset of the line break that ends the line holding `offset` (a '\r' or '\n'),
/// or the end of `buffer`.
size_t end_of_line(llvm::StringRef buffer, size_t offset);

/// The offset of the next line's first byte after the line break at `end`.
size_t next_line(llvm::StringRef buffer, size_t end);

/// The main file's text: source of statements, token ends, line breaks.
class Text {
public:
  explicit Text(clang::ASTContext &context)
      : sm_(context.getSourceManager()), lang_(context.getLangOpts()), eol_(line_break(sm_)) {}

  std::string of(SourceRange range) const {
    return clang::Lexer::getSourceText(clang::CharSourceRange::getTokenRange(range), sm_, lang_)
        .str();
  }
  std::string of(const clang::Stmt *s) const { return of(s->getSourceRange()); }
  /// The location just past the token at `loc`.
  SourceLocation after(SourceLocation loc) const {
    return clang::Lexer::getLocForEndOfToken(loc, 0, sm_, lang_);
  }
  /// The location just past the `;` that ends the statement whose last token is at `end`.
  std::optional<SourceLocation> after_semicolon(SourceLocation end) const {
    llvm::Optional<clang::Token> next = clang::Lexer::findNextToken(end, sm_, lang_);
    if (!next || !next->is(clang::tok::semi))
      return std::nullopt;
    return next->getEndLoc();
  }
  /// The location just past statement `s`, its `;` included. clang's source ranges
  /// stop before the `;` of an expression (or jump, or do-while) statement and end at
  /// the `}` of a statement that ends with a block; a null statement is its `;`.
  std::optional<SourceLocation> after_statement(const clang::Stmt *s) const {
    SourceLocation end = s->getEndLoc();
    clang::Token last;
    if (ends_with_block(s) ||
        (!clang::Lexer::getRawToken(end, last, sm_, lang_) && last.is(clang::tok::semi)))
      return after(end);
    return after_semicolon(end);
  }
  /// Whether `s` ends with the `}` of a block of its own (nested loops, if/else, switch,
  /// try, labels before such a statement).
  static bool ends_with_block(const clang::Stmt *s) {
    while (s) {
      if (llvm::isa<clang::CompoundStmt, clang::CXXTryStmt>(s))
        return true;
      if (const auto *f = llvm::dyn_cast<clang::ForStmt>(s))
        s = f->getBody();
      else if (const auto *r = llvm::dyn_cast<clang::CXXForRangeStmt>(s))
        s = r->getBody();
      else if (const auto *w = llvm::dyn_cast<clang::WhileStmt>(s))
        s = w->getBody();
      else if (const auto *i = llvm::dyn_cast<clang::IfStmt>(s))
        s = i->getElse() ? i->getElse() : i->getThen();
      else if (const auto *sw = llvm::dyn_cast<clang::SwitchStmt>(s))
        s = sw->getBody();
      else if (const auto *l = llvm::dyn_cast<clang::LabelStmt>(s))
        s = l->getSubStmt();
      else if (const auto *a = llvm::dyn_cast<clang::AttributedStmt>(s))
        s = a->getSubStmt();
      else
        return false;
    }
    return false;
  }
  /// Whether `range` is plain text of the main file (not inside a macro).
  bool rewritable(SourceRange range) const {
    return range.isValid() && range.getBegin().isFileID() && range.getEnd().isFileID() &&
           sm_.isInMainFile(range.getBegin()) && sm_.isInMainFile(range.getEnd());
  }
  const clang::SourceManager &sm() const { return sm_; }
  /// The main file's line break (line_break).
  const std::string &eol() const { return eol_; }

private:
  const clang::SourceManager &sm_;
  const clang::LangOptions &lang_;
  std::string eol_;
};

/// How deeply parentheses, square brackets and braces nest through the main file, from
/// its raw tokens (preprocessor directives are skipped; what macros expand to is not
/// seen). clang keeps at most LangOptions::BracketDepth of each kind open at once (256
/// unless -fbracket-depth says otherwise).
class BracketDepths {
public:
  struct Depth {
    unsigned paren = 0, square = 0, brace = 0;
  };

  /// Lexes the main file of `sm`.
  BracketDepths(const clang::SourceManager &sm, const clang::LangOptions &lang);

  /// The largest depth of each kind over the bytes [from, to) of the main file, the
  /// brackets open at `from` included.
  Depth deepest(unsigned from, unsigned to) const;

private:
  /// At each bracket token (its file offset, ascending): the depths after it.
  std::vector<std::pair<unsigned, Depth>> changes_;
};

/// `text` as `//` comment lines of at most 100 columns after `indent`, separated by `eol`.
std::string comment_lines(const std::string &text, const std::string &indent,
                          const std::string &eol);

} // namespace rewrite
} // namespace weft

#endif // WEFT_TRANSFORMS_SOURCETEXT_H
