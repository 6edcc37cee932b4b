//===- Pragmas.cpp - Recording `#pragma weft` directives ------------------===//

#include "Pragmas.h"

#include "clang/Basic/DiagnosticIDs.h"
#include "clang/Lex/Preprocessor.h"

namespace weft {

namespace {

void report(clang::Preprocessor &pp, clang::SourceLocation loc, const char *format,
            llvm::StringRef arg0 = {}, llvm::StringRef arg1 = {}) {
  clang::DiagnosticsEngine &diags = pp.getDiagnostics();
  unsigned id = diags.getDiagnosticIDs()->getCustomDiagID(clang::DiagnosticIDs::Error, format);
  auto builder = diags.Report(loc, id);
  if (!arg0.empty())
    builder << arg0;
  if (!arg1.empty())
    builder << arg1;
}

/// Skips the rest of the pragma line after an error.
void discard_line(clang::Preprocessor &pp, clang::Token &tok) {
  while (tok.isNot(clang::tok::eod))
    pp.Lex(tok);
}

} // namespace

//   weft-pragma ::= 'weft' directive
//   directive   ::= 'parallel_for' ['ordered'] | 'pipeline' ['schedule' '(' schedule ')']
//   schedule    ::= 'flush' | 'gpipe' | '1f1b' | '2bw'
void WeftPragmaHandler::HandlePragma(clang::Preprocessor &pp, clang::PragmaIntroducer introducer,
                                     clang::Token &first) {
  auto error = [this](auto &&...args) {
    ++errors_;
    report(args...);
  };
  clang::Token tok;
  pp.Lex(tok);
  if (tok.is(clang::tok::eod)) {
    error(pp, first.getLocation(),
          "missing directive after '#pragma weft'; expected 'parallel_for' or 'pipeline'");
    return;
  }
  if (tok.isNot(clang::tok::identifier)) {
    error(pp, tok.getLocation(), "expected 'parallel_for' or 'pipeline' after '#pragma weft'");
    discard_line(pp, tok);
    return;
  }

  Pragma pragma;
  pragma.location = introducer.Loc;
  llvm::StringRef directive = tok.getIdentifierInfo()->getName();
  if (directive == "parallel_for") {
    pragma.kind = PragmaKind::ParallelFor;
  } else if (directive == "pipeline") {
    pragma.kind = PragmaKind::Pipeline;
  } else {
    error(pp, tok.getLocation(),
          "unknown directive '%0' in '#pragma weft'; expected 'parallel_for' or 'pipeline'",
          directive);
    discard_line(pp, tok);
    return;
  }
  pragma.spelling = "weft " + directive.str();

  for (pp.Lex(tok); tok.isNot(clang::tok::eod); pp.Lex(tok)) {
    std::string clause = pp.getSpelling(tok);
    if (pragma.kind == PragmaKind::ParallelFor && clause == "ordered" && !pragma.ordered) {
      pragma.ordered = true;
      pragma.spelling += " ordered";
      continue;
    }
    if (pragma.kind == PragmaKind::Pipeline && clause == "schedule" && pragma.schedule.empty()) {
      clang::Token open, name, close;
      pp.Lex(open);
      if (open.is(clang::tok::l_paren))
        pp.Lex(name);
      const std::string schedule =
          open.is(clang::tok::l_paren) && name.isNot(clang::tok::eod) ? pp.getSpelling(name) : "";
      if (schedule == "flush" || schedule == "gpipe" || schedule == "1f1b" || schedule == "2bw") {
        pp.Lex(close);
        if (close.is(clang::tok::r_paren)) {
          pragma.schedule = schedule;
          pragma.spelling += " schedule(" + schedule + ")";
          continue;
        }
        tok = close;
      } else {
        tok = open.is(clang::tok::l_paren) ? name : open;
      }
      error(pp, tok.getLocation(),
            "expected 'schedule(flush)', 'schedule(gpipe)', 'schedule(1f1b)' or 'schedule(2bw)' "
            "in '#pragma weft pipeline'");
      if (tok.isNot(clang::tok::eod))
        discard_line(pp, tok);
      return;
    }
    if (clause == "ordered" && pragma.ordered)
      error(pp, tok.getLocation(), "duplicate clause 'ordered' in '#pragma weft %0'", directive);
    else if (pragma.kind == PragmaKind::ParallelFor)
      error(pp, tok.getLocation(),
            "unknown clause '%0' in '#pragma weft parallel_for'; expected 'ordered'", clause);
    else
      error(pp, tok.getLocation(),
            "unknown clause '%0' in '#pragma weft pipeline'; expected 'schedule(...)'", clause);
    discard_line(pp, tok);
    return;
  }
  // The end-of-directive token sits on the line break the lexer ended the directive at
  // ('\n', '\r' or "\r\n"), or at the end of the file.
  pragma.end = tok.getLocation();
  pragmas_.push_back(pragma);
}

} // namespace weft
