//===- Explain.cpp - Telling the user what weft decided, and why ---------===//

#include "Explain.h"

#include "llvm/ADT/StringExtras.h"

#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"

namespace weft {

namespace {

const char *verb(AccessKind kind) {
  switch (kind) {
  case AccessKind::Read:
    return "reads";
  case AccessKind::Write:
    return "writes";
  case AccessKind::Reduce:
    return "accumulates into";
  case AccessKind::BufferUpdate:
    return "updates through a buffer";
  }
  return "touches";
}

/// The isl dim names of the model replaced by the names users know ("key[0]").
std::string user_expr(const AffineExpr &e, const LoopModel &m) {
  AffineExpr renamed;
  renamed.constant = e.constant;
  for (const auto &[name, c] : e.coeffs) {
    std::string label = name;
    for (const LoopLevel &l : m.levels)
      for (size_t d = 0; d < l.dims.size(); ++d)
        if (l.dims[d] == name)
          label = l.dim_labels[d];
    renamed.coeffs[label] = c;
  }
  return renamed.str();
}

/// "A[i + 1, k]" (subscripts of a local's private dims are left out).
std::string element(const Access &a, const LoopModel &m) {
  const ArrayInfo &array = m.arrays[a.array];
  if (a.whole_array)
    return "'" + array.name + "' (any element)";
  std::vector<std::string> subs;
  for (size_t k = array.local ? array.private_dims : 0; k < a.subscripts.size(); ++k)
    subs.push_back(a.subscripts[k].affine ? user_expr(*a.subscripts[k].affine, m)
                                          : a.subscripts[k].text);
  return subs.empty() ? "'" + array.name + "'" : array.name + "[" + llvm::join(subs, ", ") + "]";
}

/// The sink's iteration relative to the source's: "i + 1", "(key[0], another key[1])".
std::string sink_iteration(const Dependence &dep, const LoopModel &m) {
  const std::vector<std::string> &labels = m.levels[0].dim_labels;
  if (dep.distance.empty() || std::all_of(dep.distance.begin(), dep.distance.end(),
                                          [](const std::string &d) { return d == "*"; }))
    return "another iteration";
  std::vector<std::string> parts;
  for (size_t k = 0; k < labels.size() && k < dep.distance.size(); ++k) {
    const std::string &d = dep.distance[k];
    if (d == "0")
      parts.push_back(labels[k]);
    else if (d == "*")
      parts.push_back("another " + labels[k]);
    else if (d[0] == '-')
      parts.push_back(labels[k] + " - " + d.substr(1));
    else
      parts.push_back(labels[k] + " + " + d);
  }
  if (parts.size() == 1)
    return "iteration " + parts[0];
  return "iteration (" + llvm::join(parts, ", ") + ")";
}

std::string source_iteration(const LoopModel &m) {
  const std::vector<std::string> &labels = m.levels[0].dim_labels;
  return labels.size() == 1 ? "iteration " + labels[0]
                            : "iteration (" + llvm::join(labels, ", ") + ")";
}

std::string quoted_or_none(const std::string &name) {
  return name.empty() ? "nothing" : "'" + name + "'";
}

class Reporter {
public:
  Reporter(clang::ASTContext &ctx) : diags_(ctx.getDiagnostics()) {}

  void report(clang::SourceLocation loc, clang::DiagnosticIDs::Level level,
              const std::string &message, clang::SourceRange range = {}) {
    unsigned id = diags_.getDiagnosticIDs()->getCustomDiagID(level, "%0");
    auto builder = diags_.Report(loc, id);
    builder << message;
    if (range.isValid())
      builder << range;
  }

private:
  clang::DiagnosticsEngine &diags_;
};

void explain_refusal(Reporter &r, const Refusal &refusal, const LoopModel &m,
                     const Dependences &deps, const PipelinePlan &pipeline, bool primary) {
  if (!primary)
    r.report(m.pragma.location, clang::DiagnosticIDs::Note,
             std::string("also: ") + reason_message(refusal.reason));
  if (refusal.dependence >= 0) {
    const Dependence &dep = deps.deps[refusal.dependence];
    const Access &src = m.accesses[dep.source], &dst = m.accesses[dep.sink];
    r.report(src.range.getBegin(), clang::DiagnosticIDs::Note,
             source_iteration(m) + " " + verb(src.kind) + " " + element(src, m), src.range);
    std::string also = dep.source == dep.sink ? " also" : "";
    std::string which = "that " + sink_iteration(dep, m) + also + " " + verb(dst.kind);
    if (dep.source != dep.sink || dep.through_alias)
      which += " " + element(dst, m);
    if (dep.through_alias)
      which += ", and '" + m.arrays[src.array].name + "' and '" + m.arrays[dst.array].name +
               "' may be the same storage";
    r.report(dst.range.getBegin(), clang::DiagnosticIDs::Note, which, dst.range);
  } else if (refusal.obstacle >= 0) {
    const Obstacle &o = deps.obstacles[refusal.obstacle];
    r.report(o.range.getBegin(), clang::DiagnosticIDs::Note, o.detail, o.range);
  } else if (refusal.cut >= 0) {
    const PipelineCut &cut = pipeline.cuts[refusal.cut];
    const CutRefusal &c = cut.refusals[refusal.cut_refusal];
    const Statement &first = m.statements[c.first], &second = m.statements[c.second];
    std::string where = "the cut after layer " + std::to_string(cut.after + 1);
    r.report(first.range.getBegin(), clang::DiagnosticIDs::Note, "at " + where + ": " + c.detail,
             first.range);
    if (c.second != c.first)
      r.report(second.range.getBegin(), clang::DiagnosticIDs::Note,
               "the other side of " + where +
                   (c.array.empty() ? "" : " touches '" + c.array + "'") + " here",
               second.range);
  }
  if (!refusal.fix.empty())
    r.report(m.pragma.location, clang::DiagnosticIDs::Note, refusal.fix);
}

} // namespace

void explain_schedule(clang::ASTContext &context, const LoopModel &model, const Dependences &deps,
                      const Schedule &schedule) {
  Reporter r(context);
  if (schedule.verdict == Verdict::Sequential && !schedule.refusals.empty()) {
    r.report(model.pragma.location, clang::DiagnosticIDs::Warning,
             std::string("loop stays sequential: ") +
                 reason_message(schedule.refusals.front().reason));
    for (size_t i = 0; i < schedule.refusals.size(); ++i)
      explain_refusal(r, schedule.refusals[i], model, deps, schedule.pipeline, i == 0);
  }
}

void explain_outcome(clang::ASTContext &context, const LoopModel &model, const Schedule &schedule,
                     const std::string &runs, const std::string &kept) {
  // A remark, not a note: clang drops a note that follows no warning.
  Reporter r(context);
  const std::string proven = verdict_name(schedule.verdict);
  std::string text;
  if (runs.empty() && schedule.verdict == Verdict::Sequential)
    text = "loop runs sequentially: " + schedule.why;
  else if (runs.empty())
    text = "loop runs sequentially although " + proven + " is proven: " + kept;
  else if (runs != proven)
    text = "loop runs as " + runs + " (proven " + proven + "): " + schedule.why;
  else
    text = "loop runs as " + runs + ": " + schedule.why;
  r.report(model.pragma.location, clang::DiagnosticIDs::Remark, text);
  if (model.pragma.kind != PragmaKind::Pipeline)
    return;
  const clang::SourceManager &sm = context.getSourceManager();
  const PipelinePlan &plan = schedule.pipeline;
  for (size_t l = 0; l < plan.layers.size(); ++l) {
    std::vector<std::string> lines;
    for (unsigned id : plan.layers[l].statements)
      lines.push_back(std::to_string(
          sm.getPresumedLoc(sm.getExpansionLoc(model.statements[id].range.getBegin())).getLine()));
    r.report(model.pragma.location, clang::DiagnosticIDs::Remark,
             "layer " + std::to_string(l + 1) + ": the statements at line" +
                 (lines.size() > 1 ? "s " : " ") + llvm::join(lines, ", "));
  }
  for (const PipelineCut &cut : plan.cuts) {
    std::string at = "cut after layer " + std::to_string(cut.after + 1);
    if (cut.legal) {
      r.report(model.pragma.location, clang::DiagnosticIDs::Remark,
               at + ": legal (forward " + quoted_or_none(cut.activation) + ", backward " +
                   quoted_or_none(cut.gradient) + ")");
      continue;
    }
    for (const CutRefusal &c : cut.refusals)
      r.report(model.pragma.location, clang::DiagnosticIDs::Remark,
               at + ": refused: " + reason_message(c.reason) + ": " + c.detail + "; " + c.fix);
  }
}

/// "pipeline": {"layers": [{"layer", "statements": [{"line", "text"}]}], "cuts":
/// [{"after_layer", "legal", "activation", "gradient", "refusals": [{"reason", "message",
/// "array", "detail", "fix", "first", "second"}]}]}; layers count from 1.
nlohmann::json report_pipeline(const LoopModel &m, const PipelinePlan &plan,
                               const clang::SourceManager &sm) {
  using nlohmann::json;
  auto statement = [&](unsigned id) {
    const Statement &s = m.statements[id];
    clang::PresumedLoc p = sm.getPresumedLoc(sm.getExpansionLoc(s.range.getBegin()));
    return json{{"line", p.isValid() ? p.getLine() : 0}, {"text", s.text}};
  };
  json layers = json::array();
  for (size_t l = 0; l < plan.layers.size(); ++l) {
    json statements = json::array();
    for (unsigned id : plan.layers[l].statements)
      statements.push_back(statement(id));
    layers.push_back({{"layer", l + 1}, {"statements", statements}});
  }
  json cuts = json::array();
  for (const PipelineCut &cut : plan.cuts) {
    json refusals = json::array();
    for (const CutRefusal &r : cut.refusals)
      refusals.push_back({{"reason", reason_name(r.reason)},
                          {"message", reason_message(r.reason)},
                          {"array", r.array},
                          {"detail", r.detail},
                          {"fix", r.fix},
                          {"first", statement(r.first)},
                          {"second", statement(r.second)}});
    cuts.push_back({{"after_layer", cut.after + 1},
                    {"legal", cut.legal},
                    {"activation", cut.activation},
                    {"gradient", cut.gradient},
                    {"refusals", refusals}});
  }
  json distinct = json::array();
  for (const auto &[x, y] : plan.assumed_distinct)
    distinct.push_back({x, y});
  return {{"layers", layers}, {"cuts", cuts}, {"assumed_distinct", distinct}};
}

nlohmann::json report_loop(const LoopModel &m, const Dependences &deps, const Schedule &s,
                           const clang::SourceManager &sm) {
  using nlohmann::json;
  auto where = [&](clang::SourceLocation loc) {
    clang::PresumedLoc p = sm.getPresumedLoc(sm.getExpansionLoc(loc));
    return p.isValid() ? json{{"line", p.getLine()}, {"column", p.getColumn()}}
                       : json{{"line", 0}, {"column", 0}};
  };
  json loop = where(m.pragma.location);
  loop["pragma"] = pragma_kind_name(m.pragma.kind);
  loop["ordered"] = m.pragma.ordered;
  loop["verdict"] = verdict_name(s.verdict);
  switch (s.verdict) {
  case Verdict::Partition1D:
    loop["partition_dim"] = s.dims[s.partition_dim];
    break;
  case Verdict::Rotation2D:
    loop["space_dim"] = s.dims[s.space_dim];
    loop["time_dim"] = s.dims[s.time_dim];
    break;
  case Verdict::Wavefront:
    loop["band"] = s.dims;
    loop["skew"] = s.skew;
    break;
  default:
    break;
  }
  loop["reductions"] = s.reductions;
  loop["buffers"] = s.buffers;
  loop["why"] = s.why;

  json dims = json::array();
  for (size_t l = 0; l < m.levels.size(); ++l) {
    bool carries = false;
    for (const Dependence &d : deps.deps)
      if (l < d.carried_by_level.size() && d.carried_by_level[l])
        carries = true;
    const LoopLevel &level = m.levels[l];
    dims.push_back({{"name", level.var.empty() ? llvm::join(level.dim_labels, ", ") : level.var},
                    {"carries_dependence", carries}});
  }
  loop["dims"] = dims;

  json list = json::array();
  for (const Dependence &d : deps.deps) {
    const Access &src = m.accesses[d.source], &dst = m.accesses[d.sink];
    json source = where(src.range.getBegin()), sink = where(dst.range.getBegin());
    source["access"] = src.text;
    sink["access"] = dst.text;
    list.push_back({{"array", m.arrays[src.array].name},
                    {"kind", dependence_kind_name(d.kind)},
                    {"distance", d.distance},
                    {"carried", d.carried},
                    {"relaxable", d.relaxable},
                    {"source", source},
                    {"sink", sink}});
  }
  loop["dependences"] = list;

  json reasons = json::array();
  for (const Refusal &r : s.refusals) {
    json reason = {{"reason", reason_name(r.reason)}, {"message", reason_message(r.reason)}};
    if (r.dependence >= 0)
      reason.update(where(m.accesses[deps.deps[r.dependence].source].range.getBegin()));
    else if (r.obstacle >= 0) {
      reason.update(where(deps.obstacles[r.obstacle].range.getBegin()));
      reason["detail"] = deps.obstacles[r.obstacle].detail;
    }
    if (!r.fix.empty())
      reason["fix"] = r.fix;
    reasons.push_back(reason);
  }
  loop["reasons"] = reasons;
  if (m.pragma.kind == PragmaKind::Pipeline)
    loop["pipeline"] = report_pipeline(m, s.pipeline, sm);
  return loop;
}

} // namespace weft
