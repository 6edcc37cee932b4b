//===- PipelineRewrite.cpp - A pipeline loop into the pipeline executor ---===//
#include "PipelineRewrite.h"

#include <algorithm>
#include <map>

namespace weft {
namespace rewrite {
namespace {

/// The text of `range` (tokens) with `inserts` (file offset -> text, in order) applied.
std::string with_inserts(const Text &text, SourceRange range,
                         const std::multimap<unsigned, std::string> &inserts) {
  const clang::SourceManager &sm = text.sm();
  const unsigned begin = sm.getFileOffset(range.getBegin());
  const unsigned end = sm.getFileOffset(text.after(range.getEnd()));
  llvm::StringRef buffer = sm.getBufferData(sm.getFileID(range.getBegin()));
  std::string out;
  unsigned at = begin;
  for (const auto &[offset, insert] : inserts) {
    if (offset < begin || offset > end)
      continue;
    out += buffer.substr(at, offset - at).str();
    out += insert;
    at = offset;
  }
  out += buffer.substr(at, end - at).str();
  return out;
}

} // namespace

std::variant<std::string, Refused> pipeline_call(const AnalyzedLoop &loop, const Header &header,
                                                 const Text &text, const std::string &indent) {
  const LoopModel &m = *loop.model;
  const PipelinePlan &plan = loop.schedule->pipeline;
  const PipelineExecution &x = plan.execution;
  if (!x.why_not.empty())
    return Refused{"the pipeline executor cannot run it: " + x.why_not};
  if (header.step != 1 || header.strided)
    return Refused{"the pipeline executor runs loops whose variable steps by 1"};
  for (const PipelineExecution::Item &item : x.items)
    for (unsigned s : item.statements)
      if (!text.rewritable(m.statements[s].range))
        return Refused{"the loop is written inside a macro"};

  // Wrappers, as insertions into the statements' text: an opening at a range's first
  // byte, a closing past its last token. At one offset, closings come before openings
  // (two ranges that touch), and an outer opening before an inner one.
  const clang::SourceManager &sm = text.sm();
  std::multimap<unsigned, std::string> inserts;
  // A mean's call: row_mean(call[, gradient]) scales the value (and the gradient's rows);
  // scale_gradient(call, gradient) only the gradient; a void call is followed by it.
  for (const PipelineExecution::RowMean &mean : x.row_means) {
    if (!text.rewritable(mean.call))
      return Refused{"a loss's call is written inside a macro, where the rewrite cannot wrap it"};
    const unsigned begin = sm.getFileOffset(mean.call.getBegin());
    const unsigned end = sm.getFileOffset(text.after(mean.call.getEnd()));
    const std::string gradient = mean.gradient.empty() ? "" : ", " + mean.gradient;
    if (mean.value) {
      inserts.emplace(begin, "weft::rt::pipeline::row_mean(");
      inserts.emplace(end, gradient + ")");
    } else if (mean.returns_void) {
      inserts.emplace(begin, "(");
      inserts.emplace(end, ", weft::rt::pipeline::scale_gradient(" + mean.gradient + "))");
    } else {
      inserts.emplace(begin, "weft::rt::pipeline::scale_gradient(");
      inserts.emplace(end, gradient + ")");
    }
  }
  for (SourceRange view : x.microbatch_views) {
    if (!text.rewritable(view))
      return Refused{"a view of a minibatch's rows is written inside a macro, where the rewrite "
                     "cannot narrow it to a microbatch"};
    inserts.emplace(sm.getFileOffset(view.getBegin()), "weft::rt::pipeline::microbatch(");
    inserts.emplace(sm.getFileOffset(text.after(view.getEnd())), ")");
  }

  const std::string eol = text.eol();
  const std::string in1 = indent + "  ", in2 = indent + "      ", in3 = indent + "        ";
  const std::string param = "[[maybe_unused]] " + header.declaration;
  unsigned layers = static_cast<unsigned>(plan.layers.size());
  std::string out = "{" + eol + in1 + "weft::rt::pipeline::Loop weft_pipeline;" + eol;
  for (unsigned l = 0; l < layers; ++l) {
    out += in1 + "weft_pipeline.layer(";
    const PipelineExecution::Part parts[] = {PipelineExecution::Part::Forward,
                                             PipelineExecution::Part::Backward,
                                             PipelineExecution::Part::Update};
    for (unsigned p = 0; p < 3; ++p) {
      std::string body;
      for (const PipelineExecution::Item &item : x.items) {
        if (item.layer != l || item.part != parts[p])
          continue;
        for (unsigned s : item.statements) {
          std::optional<SourceLocation> end = text.after_semicolon(m.statements[s].range.getEnd());
          SourceRange range = m.statements[s].range;
          body += in3 + with_inserts(text, range, inserts) + (end ? ";" : "") + eol;
        }
      }
      out += (p ? "," : "") + eol + in2;
      out += body.empty() ? "nullptr" : "[&](" + param + ") {" + eol + body + in2 + "}";
    }
    out += ");" + eol;
  }
  auto declare = [&](const char *method, PipelineExecution::ArrayPart part) {
    for (const PipelineExecution::Array &a : x.arrays)
      if (a.part == part)
        out += in1 + "weft_pipeline." + method + "(" + m.arrays[a.array].name + ", " +
               std::to_string(a.layer) + ");" + eol;
  };
  declare("examples", PipelineExecution::ArrayPart::Examples);
  declare("gradient", PipelineExecution::ArrayPart::Gradient);
  for (const PipelineExecution::Array &a : x.arrays)
    if (a.part == PipelineExecution::ArrayPart::State)
      out += in1 + "weft_pipeline." + (a.weights ? "weights" : "state") + "(" +
             m.arrays[a.array].name + ", " + std::to_string(a.layer) + ");" + eol;
  if (!m.pragma.schedule.empty()) {
    const std::string kind = m.pragma.schedule == "1f1b"  ? "one_f_one_b"
                             : m.pragma.schedule == "2bw" ? "two_bw"
                                                          : m.pragma.schedule;
    out += in1 + "weft_pipeline.schedule(weft::rt::pipeline::ScheduleKind::" + kind + ");" + eol;
  }
  for (const PipelineCut &cut : plan.cuts)
    if (cut.legal && !cut.activation.empty() && !cut.gradient.empty())
      out += in1 + "weft_pipeline.boundary(" + std::to_string(cut.after) + ", " + cut.activation +
             ", " + cut.gradient + ");" + eol;
  for (unsigned a : x.accumulators)
    out += in1 + "weft_pipeline.accumulator(" + m.arrays[a].name + ");" + eol;
  out += in1 + "weft::rt::pipeline::run(weft::rt::Session::current(), weft_pipeline, " +
         header.begin + ", " + header.end + ");" + eol + indent + "}";
  return out;
}

} // namespace rewrite
} // namespace weft
