//===- LoopRewriter.cpp - One annotated loop into one executor call -----===//
#include "LoopRewriter.h"

#include "HiddenNames.h"

#include "Footprint.h"
#include "PipelineRewrite.h"
#include "WavefrontRewrite.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/StringExtras.h"

#include "InternalError.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

namespace weft {
namespace rewrite {
namespace {

std::string schedule_comment(const Schedule &s) {
  std::string what = verdict_name(s.verdict);
  switch (s.verdict) {
  case Verdict::Rotation2D:
    what += " (space " + s.dims[s.space_dim] + ", time " + s.dims[s.time_dim] + ")";
    break;
  case Verdict::Partition1D:
    what += " (by " + s.dims[s.partition_dim] + ")";
    break;
  default:
    break;
  }
  return "weft: " + what + ": " + s.why;
}

} // namespace

std::optional<Refused> LoopRewriter::rewrite(const AnalyzedLoop &loop, std::string *executor) {
  const LoopModel &m = *loop.model;
  const Schedule &s = *loop.schedule;
  const LoopLevel &top = m.levels[0];
  SourceRange whole(m.pragma.location, m.range.getEnd());
  if (!text_.rewritable(whole))
    return Refused{"the loop is written inside a macro"};

  const std::string session = "weft::rt::Session::current()";
  std::string call;
  std::vector<Header> headers;
  if (s.verdict == Verdict::Sequential)
    return Refused{"its verdict is sequential"};
  if (std::optional<Refused> hidden = check_names_before_loop(loop))
    return hidden;
  if (s.verdict == Verdict::Pipeline)
    return rewrite_pipeline(loop, executor);
  // A weft::nn kernel takes the address of the storage it views (DistArray::data), which
  // worker threads of an executor must not do; such loops run as pipelines only.
  for (const Call &c : m.calls)
    if (c.declared_effects)
      return Refused{"it calls '" + c.callee +
                     "', and weft::nn operations run only in "
                     "pipeline loops"};
  if (s.verdict == Verdict::Wavefront) {
    std::variant<std::vector<Header>, Refused> h = wavefront_headers(context_, loop, text_);
    if (auto *r = std::get_if<Refused>(&h))
      return *r;
    headers = std::get<std::vector<Header>>(h);
  } else {
    std::variant<Header, Refused> h = header(top);
    if (auto *r = std::get_if<Refused>(&h))
      return *r;
    headers.push_back(std::get<Header>(h));
  }
  // Every place the edits touch must be text of the main file.
  for (const Header &h : headers)
    if (!text_.rewritable(h.body->getSourceRange()))
      return Refused{"the loop is written inside a macro"};
  if (!text_.rewritable(SourceRange(top.range.getBegin(), headers.back().body->getBeginLoc())))
    return Refused{"the loop is written inside a macro"};
  std::variant<FootprintText, Refused> fp_or = footprint(m, headers[0].strided);
  if (auto *r = std::get_if<Refused>(&fp_or))
    return *r;
  const FootprintText &fp = std::get<FootprintText>(fp_or);

  const std::string &range = headers[0].range;
  const bool sparse = top.kind == LevelKind::SparseRange;
  switch (s.verdict) {
  case Verdict::DataParallel:
  case Verdict::Partition1D:
  case Verdict::Relaxed: {
    // These executors partition the iterations by the rows they write: one key dim
    // (for partition_1d, the partition's).
    if (fp.write_dims.size() > 1)
      return Refused{"its written arrays are indexed by different keys, and the executor for " +
                     std::string(verdict_name(s.verdict)) + " partitions the iterations by one"};
    if (s.verdict == Verdict::Partition1D) {
      if (!sparse && s.partition_dim != 0)
        return Refused{"partitioning by " + s.dims[s.partition_dim] +
                       ", a loop nested in the annotated one, needs an interchange the "
                       "rewrite does not make"};
      if (!fp.write_dims.empty() && *fp.write_dims.begin() != static_cast<int>(s.partition_dim))
        return Refused{"its written arrays are not indexed by " + s.dims[s.partition_dim] +
                       ", the dim it is partitioned by"};
    }
    if (fp.buffers) {
      // Buffered updates need the executor that flushes them: relaxed, which partitions
      // the iterations like partition_1d when the loop also writes rows directly.
      if (!sparse && !fp.write_dims.empty())
        return Refused{"it writes rows both directly and through a Buffer, which the relaxed "
                       "executor takes only over the entries of a SparseArray"};
      *executor = "relaxed";
      call = "weft::rt::relaxed(" + session + ", " + range;
    } else if (s.verdict == Verdict::Partition1D) {
      *executor = "partition_1d";
      call = "weft::rt::partition_1d(" + session + ", " + range +
             (sparse ? ", /*dim=*/" + std::to_string(s.partition_dim) : "");
    } else if (s.verdict == Verdict::Relaxed) {
      return Refused{"its verdict is relaxed but it writes through no Buffer"};
    } else {
      *executor = "data_parallel";
      call = "weft::rt::data_parallel(" + session + ", " + range;
    }
    break;
  }
  case Verdict::Rotation2D: {
    *executor = "rotation_2d";
    if (!sparse)
      return Refused{"rotation_2d runs only over the entries of a weft::SparseArray"};
    for (int d : fp.write_dims)
      if (d != static_cast<int>(s.space_dim) && d != static_cast<int>(s.time_dim))
        return Refused{"a written array's rows are named by " + s.dims[d] +
                       ", neither the space nor the time dim"};
    call = "weft::rt::rotation_2d(" + session + ", " + range + ", /*space=*/" +
           std::to_string(s.space_dim) + ", /*time=*/" + std::to_string(s.time_dim);
    break;
  }
  case Verdict::Wavefront: {
    *executor = "wavefront";
    std::variant<std::string, Refused> c = wavefront_call(loop, headers, fp, session);
    if (auto *r = std::get_if<Refused>(&c))
      return *r;
    call = std::get<std::string>(c);
    break;
  }
  case Verdict::Pipeline:
  case Verdict::Sequential:
    break;
  }

  const Header &innermost = headers.back();
  const clang::Stmt *body = innermost.body;
  const bool compound = llvm::isa<clang::CompoundStmt>(body);
  // Where the body ends (after its `}` or `;`) and where what is left of the loop ends
  // (the wavefront's outer braces), both before anything is edited.
  std::optional<SourceLocation> body_end = text_.after_statement(body);
  if (!body_end)
    return Refused{"the loop body does not end with ';' or '}'"};
  // The body becomes a lambda run once per iteration: a `break` of the loop around it
  // (a wavefront's inner loop, which the executor replaces) would leave nothing.
  if (breaks_out_of(body))
    return Refused{"'break' leaves the loop around its body, and the executor runs the body "
                   "as a lambda, once per iteration"};
  // Each `continue` of the loop becomes `return`: one that a macro writes has no text of
  // its own to replace.
  const std::vector<const clang::ContinueStmt *> continues = continues_of(body);
  for (const clang::ContinueStmt *c : continues)
    if (!text_.rewritable(c->getSourceRange()))
      return Refused{"a 'continue' of the loop is written inside a macro, and the rewrite "
                     "must make it a 'return' of the lambda that runs the body"};
  const SourceLocation loop_end =
      m.range.getEnd() == body->getEndLoc() ? *body_end : text_.after(m.range.getEnd());

  // The call runs only when the process has a session and the arrays the analysis
  // assumed distinct are (docs/design.md, "Aliasing"), otherwise the loop as written.
  // Its text is taken before any edit.
  std::string guard, fallback;
  run_guard(loop, loop_end, &guard, &fallback);

  // The executor call puts the body inside one more pair of parentheses (and a body
  // without braces inside braces); past the compiler's limit on open brackets the
  // rewritten program would not compile where the loop did.
  const unsigned limit = context_.getLangOpts().BracketDepth;
  if (!depths_)
    depths_.emplace(text_.sm(), context_.getLangOpts());
  const BracketDepths::Depth deepest = depths_->deepest(
      text_.sm().getFileOffset(top.range.getBegin()), text_.sm().getFileOffset(*body_end));
  if (deepest.paren + 1 > limit || (!compound && deepest.brace + 1 > limit))
    return Refused{"its body nests " +
                   std::string(deepest.paren + 1 > limit ? "parentheses " : "braces ") +
                   std::to_string(deepest.paren + 1 > limit ? deepest.paren : deepest.brace) +
                   " deep, and inside the executor call that passes the compiler's limit of " +
                   std::to_string(limit) + " (-fbracket-depth)"};

  // Everything checked: edit. The pragma line becomes the comment.
  const std::string indent = indentation(top.range.getBegin());
  std::string params;
  for (const Header &h : headers)
    params += (params.empty() ? "" : ", ") + h.param;
  const std::string next_arg = "," + text_.eol() + indent + "    ";
  const std::string prefix = guard + call + next_arg + fp.text + next_arg + "[" +
                             captures(context_, m, body) + "](" + params + ") ";
  replace_pragma(m, comment_lines(schedule_comment(s), indent, text_.eol()));
  // From `for` up to the body: the call.
  rewriter_.RemoveText(
      clang::CharSourceRange::getCharRange(top.range.getBegin(), body->getBeginLoc()));
  if (compound) {
    rewriter_.InsertTextBefore(body->getBeginLoc(), prefix);
    if (!headers[0].prologue.empty())
      rewriter_.InsertTextAfterToken(body->getBeginLoc(), headers[0].prologue);
  } else {
    rewriter_.InsertTextBefore(body->getBeginLoc(), prefix + "{" + headers[0].prologue + " ");
  }
  for (const clang::ContinueStmt *c : continues)
    rewriter_.ReplaceText(SourceRange(c->getContinueLoc(), c->getContinueLoc()), "return");
  // After the body: close the lambda and the call, dropping what is left of the loop.
  if (loop_end != *body_end)
    rewriter_.RemoveText(clang::CharSourceRange::getCharRange(*body_end, loop_end));
  rewriter_.InsertTextAfter(*body_end, compound ? ");" : " });");
  if (!fallback.empty())
    rewriter_.InsertTextAfter(*body_end, text_.eol() + indent + "else" + text_.eol() + indent +
                                             "  " + fallback);
  return std::nullopt;
}

std::optional<Refused> LoopRewriter::check_names_before_loop(const AnalyzedLoop &loop) const {
  const LoopModel &m = *loop.model;
  const clang::SourceManager &sm = text_.sm();
  std::set<unsigned> named;
  for (unsigned a = 0; a < m.arrays.size(); ++a) {
    ArrayKind kind = m.arrays[a].kind;
    if (!m.arrays[a].local && (kind == ArrayKind::DistArray || kind == ArrayKind::Accumulator ||
                               kind == ArrayKind::Buffer))
      named.insert(a);
  }
  for (const auto &[x, y] : loop.deps->assumed_distinct) {
    named.insert(x);
    named.insert(y);
  }
  auto in_loop = [&](const clang::Decl *d) {
    SourceLocation at = sm.getExpansionLoc(d->getLocation());
    SourceLocation begin = sm.getExpansionLoc(m.range.getBegin());
    SourceLocation end = sm.getExpansionLoc(m.range.getEnd());
    return !sm.isBeforeInTranslationUnit(at, begin) && !sm.isBeforeInTranslationUnit(end, at);
  };
  auto no_space = [](std::string t) {
    t.erase(std::remove_if(t.begin(), t.end(), [](char c) { return std::isspace(c) != 0; }),
            t.end());
    return t;
  };
  for (unsigned a : named) {
    const ArrayInfo &info = m.arrays[a];
    std::string written;
    std::vector<const clang::Decl *> decls;
    if (info.spelled) {
      written = text_.of(info.spelled);
      std::vector<const clang::Stmt *> todo{info.spelled};
      while (!todo.empty()) {
        const clang::Stmt *st = todo.back();
        todo.pop_back();
        if (!st)
          continue;
        if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(st))
          decls.push_back(ref->getDecl());
        if (const auto *member = llvm::dyn_cast<clang::MemberExpr>(st))
          if (const auto *self =
                  llvm::dyn_cast<clang::CXXThisExpr>(member->getBase()->IgnoreParenImpCasts());
              self && self->isImplicit())
            decls.push_back(member->getMemberDecl()); // a field named without this->
        for (const clang::Stmt *child : st->children())
          todo.push_back(child);
      }
    } else {
      WEFT_INTERNAL_ASSERT(info.decl, "the array '" + info.name +
                                          "' has no declaration and no "
                                          "expression to name it by before the loop");
      written = info.decl->getNameAsString();
      decls.push_back(info.decl);
    }
    for (const clang::Decl *d : decls) {
      const auto *named = llvm::dyn_cast<clang::NamedDecl>(d);
      const clang::NamedDecl *hider =
          named && !in_loop(d) ? hiding_declaration(context_, named, m.range.getBegin()) : nullptr;
      if (!hider)
        continue;
      const std::string name = named->getNameAsString();
      return Refused{"the rewrite names an array of the loop as '" + written +
                     "' before the loop, where '" + name + "' is the one declared at line " +
                     std::to_string(sm.getExpansionLineNumber(hider->getLocation())) +
                     ", not the one the loop uses (line " +
                     std::to_string(sm.getExpansionLineNumber(named->getLocation())) +
                     "); rename one of them"};
    }
    WEFT_INTERNAL_ASSERT(no_space(info.name) == no_space(written),
                         "the rewrite would name '" + written + "' as '" + info.name +
                             "' before the loop");
    for (const clang::Decl *d : decls)
      if (llvm::isa<clang::VarDecl>(d) || llvm::isa<clang::BindingDecl>(d))
        WEFT_INTERNAL_ASSERT(!in_loop(d), "the rewrite would name '" + info.name +
                                              "' before the loop, where '" +
                                              llvm::cast<clang::NamedDecl>(d)->getNameAsString() +
                                              "', declared in the loop, does not exist");
  }
  return std::nullopt;
}

void LoopRewriter::run_guard(const AnalyzedLoop &loop, SourceLocation loop_end, std::string *guard,
                             std::string *fallback) const {
  const LoopModel &m = *loop.model;
  const LoopLevel &top = m.levels[0];
  const clang::SourceManager &sm = text_.sm();
  unsigned from = sm.getFileOffset(top.range.getBegin());
  unsigned to = sm.getFileOffset(loop_end);
  llvm::StringRef loop_text =
      sm.getBufferData(sm.getFileID(top.range.getBegin())).substr(from, to - from);
  // Pragmas of annotated loops inside it become comments (they are ignored there, and
  // compilers warn about pragmas they do not know).
  fallback->clear();
  for (size_t at = 0; at < loop_text.size();) {
    size_t end = end_of_line(loop_text, at);
    llvm::StringRef line = loop_text.slice(at, end).ltrim();
    if (line.consume_front("#") && (line = line.ltrim()).consume_front("pragma") &&
        line.ltrim().startswith("weft"))
      *fallback += "// ";
    size_t next = next_line(loop_text, end);
    *fallback += loop_text.slice(at, next).str();
    at = next;
  }
  // No session: static initialization, or after main's session ended.
  const std::string session = "weft::rt::has_session()";
  if (loop.deps->assumed_distinct.empty()) {
    *guard = "if (" + session + ") ";
    return;
  }
  std::vector<std::string> pairs;
  for (const auto &[x, y] : loop.deps->assumed_distinct)
    pairs.push_back("{&" + m.arrays[x].name + ", &" + m.arrays[y].name + "}");
  std::string where;
  for (char c : location_string(m.pragma.location, text_.sm()))
    where += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  *guard = "if (" + session + " && weft::rt::distinct({" + llvm::join(pairs, ", ") + "}, \"" +
           where + "\"))" + text_.eol() + indentation(top.range.getBegin()) + "  ";
}

std::optional<Refused> LoopRewriter::rewrite_pipeline(const AnalyzedLoop &loop,
                                                      std::string *executor) {
  const LoopModel &m = *loop.model;
  const LoopLevel &top = m.levels[0];
  if (top.kind != LevelKind::Counted)
    return Refused{"the pipeline executor runs counted loops only"};
  std::variant<Header, Refused> h = header(top);
  if (auto *r = std::get_if<Refused>(&h))
    return *r;
  const Header &head = std::get<Header>(h);
  std::optional<SourceLocation> body_end = text_.after_statement(head.body);
  if (!body_end)
    return Refused{"the loop body does not end with ';' or '}'"};
  const SourceLocation loop_end =
      m.range.getEnd() == head.body->getEndLoc() ? *body_end : text_.after(m.range.getEnd());
  if (!text_.rewritable(SourceRange(top.range.getBegin(), head.body->getEndLoc())))
    return Refused{"the loop is written inside a macro"};
  const std::string indent = indentation(top.range.getBegin());
  std::variant<std::string, Refused> call = pipeline_call(loop, head, text_, indent);
  if (auto *r = std::get_if<Refused>(&call))
    return *r;
  std::string guard, fallback;
  run_guard(loop, loop_end, &guard, &fallback);
  *executor = "pipeline";
  // An asynchronous schedule changes what the loop computes: the comment says how.
  std::string staleness;
  if (m.pragma.schedule == "1f1b")
    staleness = "; schedule(1f1b): stage s of p computes with weights p - 1 - s updates old";
  else if (m.pragma.schedule == "2bw")
    staleness = "; schedule(2bw): every stage computes with weights one update old";
  replace_pragma(m,
                 comment_lines(schedule_comment(*loop.schedule) + staleness, indent, text_.eol()));
  std::string replacement = guard + std::get<std::string>(call);
  if (!fallback.empty())
    replacement += text_.eol() + indent + "else" + text_.eol() + indent + "  " + fallback;
  rewriter_.ReplaceText(clang::CharSourceRange::getCharRange(top.range.getBegin(), loop_end),
                        replacement);
  return std::nullopt;
}

void LoopRewriter::keep_serial(const LoopModel &m, const std::string &comment) {
  replace_pragma(m, comment_lines(comment + " (was: #pragma " + m.pragma.spelling + ")",
                                  indentation(m.pragma.location), text_.eol()));
}

std::variant<Header, Refused> LoopRewriter::header(const LoopLevel &level) {
  if (level.kind == LevelKind::SparseRange)
    if (const auto *loop = llvm::dyn_cast_or_null<clang::CXXForRangeStmt>(level.stmt))
      return sparse_header(loop, text_);
  if (level.kind == LevelKind::Counted)
    return counted_header(context_, level, text_);
  return Refused{"the runtime runs loops over a weft::SparseArray or counted loops only"};
}

std::string LoopRewriter::indentation(SourceLocation loc) const {
  const clang::SourceManager &sm = text_.sm();
  unsigned column = sm.getSpellingColumnNumber(loc);
  llvm::StringRef buffer = sm.getBufferData(sm.getFileID(loc));
  unsigned offset = sm.getFileOffset(loc);
  llvm::StringRef line = buffer.substr(offset - (column - 1), column - 1);
  return line.find_first_not_of(" \t") == llvm::StringRef::npos ? line.str() : "";
}

void LoopRewriter::replace_pragma(const LoopModel &m, const std::string &comment) {
  const clang::SourceManager &sm = text_.sm();
  SourceLocation hash = m.pragma.location;
  // A _Pragma inside a macro has no line of its own in the file: leave it.
  if (!hash.isFileID() || !sm.isInMainFile(hash))
    return;
  llvm::StringRef buffer = sm.getBufferData(sm.getFileID(hash));
  size_t offset = sm.getFileOffset(hash);
  SourceLocation end_loc = m.pragma.end;
  size_t end = end_loc.isValid() && end_loc.isFileID() &&
                       sm.getFileID(end_loc) == sm.getFileID(hash) &&
                       sm.getFileOffset(end_loc) >= offset
                   ? sm.getFileOffset(end_loc)
                   : end_of_line(buffer, offset);
  rewriter_.ReplaceText(hash, static_cast<unsigned>(end - offset), comment);
}

} // namespace rewrite
} // namespace weft
