//===- LoopModel.cpp - Affine expressions, isl strings, model printing ----===//

#include "LoopModel.h"

#include "llvm/ADT/StringExtras.h"

#include "clang/Basic/SourceManager.h"
#include "llvm/Support/raw_ostream.h"

namespace weft {

AffineExpr AffineExpr::constant_expr(int64_t c) {
  AffineExpr e;
  e.constant = c;
  return e;
}

AffineExpr AffineExpr::variable(const std::string &name) {
  AffineExpr e;
  e.coeffs[name] = 1;
  return e;
}

std::optional<AffineExpr> AffineExpr::plus(const AffineExpr &other) const {
  AffineExpr r = *this;
  if (__builtin_add_overflow(r.constant, other.constant, &r.constant))
    return std::nullopt;
  for (const auto &[name, c] : other.coeffs) {
    int64_t &slot = r.coeffs[name];
    if (__builtin_add_overflow(slot, c, &slot))
      return std::nullopt;
    if (slot == 0)
      r.coeffs.erase(name);
  }
  return r;
}

std::optional<AffineExpr> AffineExpr::times(int64_t factor) const {
  if (factor == 0)
    return constant_expr(0);
  AffineExpr r;
  if (__builtin_mul_overflow(constant, factor, &r.constant))
    return std::nullopt;
  for (const auto &[name, c] : coeffs)
    if (__builtin_mul_overflow(c, factor, &r.coeffs[name]))
      return std::nullopt;
  return r;
}

std::optional<AffineExpr> AffineExpr::minus(const AffineExpr &other) const {
  std::optional<AffineExpr> negated = other.times(-1);
  if (!negated)
    return std::nullopt;
  return plus(*negated);
}

std::string AffineExpr::str() const {
  std::string out;
  auto term = [&out](int64_t c, const std::string &name) {
    // c is non-zero here; the first term carries its own sign.
    uint64_t magnitude = c < 0 ? 0 - static_cast<uint64_t>(c) : static_cast<uint64_t>(c);
    if (out.empty())
      out += c < 0 ? "-" : "";
    else
      out += c < 0 ? " - " : " + ";
    if (name.empty())
      out += std::to_string(magnitude);
    else if (magnitude == 1)
      out += name;
    else
      out += std::to_string(magnitude) + "*" + name;
  };
  // Positive terms first, so that n - i reads as written rather than as -i + n.
  for (const auto &[name, c] : coeffs)
    if (c > 0)
      term(c, name);
  for (const auto &[name, c] : coeffs)
    if (c < 0)
      term(c, name);
  if (constant != 0 || out.empty()) {
    if (out.empty() && constant == 0)
      return "0";
    term(constant, "");
  }
  return out;
}

bool Access::all_affine() const {
  if (whole_array)
    return false;
  for (const Subscript &s : subscripts)
    if (!s.affine)
      return false;
  return true;
}

const char *pragma_kind_name(PragmaKind kind) {
  switch (kind) {
  case PragmaKind::ParallelFor:
    return "parallel_for";
  case PragmaKind::Pipeline:
    return "pipeline";
  }
  return "?";
}

const char *array_kind_name(ArrayKind kind) {
  switch (kind) {
  case ArrayKind::DistArray:
    return "DistArray";
  case ArrayKind::SparseArray:
    return "SparseArray";
  case ArrayKind::CArray:
    return "C array";
  case ArrayKind::Vector:
    return "vector";
  case ArrayKind::Pointer:
    return "pointer";
  case ArrayKind::Accumulator:
    return "Accumulator";
  case ArrayKind::Buffer:
    return "Buffer";
  case ArrayKind::Scalar:
    return "scalar";
  case ArrayKind::Object:
    return "object";
  }
  return "?";
}

const char *access_kind_name(AccessKind kind) {
  switch (kind) {
  case AccessKind::Read:
    return "read";
  case AccessKind::Write:
    return "write";
  case AccessKind::Reduce:
    return "reduce";
  case AccessKind::BufferUpdate:
    return "buffer-update";
  }
  return "?";
}

namespace {

/// The constraints of one level on its dims, in isl syntax; empty when unconstrained.
///   Counted:     lower <= d <= upper  and  (d - start) mod step = 0 when |step| > 1
///   SparseRange: 0 <= key < extent (load_triples rejects negative keys; the extent is
///                the array's shape)
///   Unknown:     0 <= counter < trip count
std::vector<std::string> level_constraints(const LoopLevel &level) {
  std::vector<std::string> out;
  switch (level.kind) {
  case LevelKind::Counted: {
    const std::string &d = level.dims.front();
    if (level.lower)
      out.push_back(level.lower->str() + " <= " + d);
    if (level.upper)
      out.push_back(d + " <= " + level.upper->str());
    if ((level.step > 1 || level.step < -1) && level.start) {
      // d - start is a multiple of |step|, in either direction.
      std::optional<AffineExpr> offset = AffineExpr::variable(d).minus(*level.start);
      if (offset) {
        uint64_t magnitude = level.step < 0 ? 0 - static_cast<uint64_t>(level.step)
                                            : static_cast<uint64_t>(level.step);
        out.push_back("(" + offset->str() + ") mod " + std::to_string(magnitude) + " = 0");
      }
    }
    break;
  }
  case LevelKind::SparseRange:
  case LevelKind::Unknown:
    for (size_t k = 0; k < level.dims.size(); ++k)
      out.push_back(k < level.extents.size() ? "0 <= " + level.dims[k] + " < " + level.extents[k]
                                             : level.dims[k] + " >= 0");
    break;
  }
  return out;
}

void print_subscripts(llvm::raw_ostream &os, const Access &a) {
  if (a.whole_array) {
    os << "[*]";
    return;
  }
  if (a.subscripts.empty())
    return;
  os << "[";
  for (size_t i = 0; i < a.subscripts.size(); ++i) {
    if (i)
      os << ", ";
    const Subscript &s = a.subscripts[i];
    if (s.affine)
      os << s.affine->str();
    else if (s.range_begin && s.range_end)
      os << s.range_begin->str() << " <= . < " << s.range_end->str();
    else
      os << "?";
  }
  os << "]";
}

} // namespace

std::string LoopModel::domain_of(const std::vector<unsigned> &nest,
                                 const std::string &tuple) const {
  std::vector<std::string> dims, constraints;
  for (unsigned l : nest) {
    const LoopLevel &level = levels[l];
    dims.insert(dims.end(), level.dims.begin(), level.dims.end());
    std::vector<std::string> c = level_constraints(level);
    constraints.insert(constraints.end(), c.begin(), c.end());
  }
  std::string out =
      "[" + llvm::join(params, ", ") + "] -> { " + tuple + "[" + llvm::join(dims, ", ") + "]";
  if (!constraints.empty())
    out += " : " + llvm::join(constraints, " and ");
  return out + " }";
}

std::string LoopModel::iteration_space() const {
  if (levels.empty())
    return "[" + llvm::join(params, ", ") + "] -> { L[] }";
  return domain_of({0}, "L");
}

std::string location_string(clang::SourceLocation loc, const clang::SourceManager &sm) {
  clang::PresumedLoc p = sm.getPresumedLoc(sm.getExpansionLoc(loc));
  if (p.isInvalid())
    return "<unknown>";
  return std::string(p.getFilename()) + ":" + std::to_string(p.getLine()) + ":" +
         std::to_string(p.getColumn());
}

std::string print_model(const LoopModel &m, const clang::SourceManager &sm) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "loop at " << location_string(m.range.getBegin(), sm) << ": #pragma " << m.pragma.spelling
     << "\n";
  os << "  kind: " << pragma_kind_name(m.pragma.kind) << (m.pragma.ordered ? " ordered" : "")
     << "\n";
  os << "  params: [" << llvm::join(m.params, ", ") << "]\n";
  os << "  iteration space: " << m.iteration_space() << "\n";
  for (size_t l = 0; l < m.levels.size(); ++l) {
    const LoopLevel &lv = m.levels[l];
    os << "  level " << l << " (" << location_string(lv.range.getBegin(), sm) << "): ";
    switch (lv.kind) {
    case LevelKind::Counted:
      os << "for " << lv.var << " in [" << (lv.lower ? lv.lower->str() : "?") << ", "
         << (lv.upper ? lv.upper->str() : "?") << "] step " << lv.step;
      break;
    case LevelKind::SparseRange:
      os << "for " << lv.var << " in sparse " << lv.sparse_array << " dims ["
         << llvm::join(lv.dim_labels, ", ") << "]";
      break;
    case LevelKind::Unknown:
      os << "loop " << (lv.var.empty() ? "<none>" : lv.var) << " with unknown trip count";
      break;
    }
    if (lv.parent >= 0)
      os << ", inside level " << lv.parent;
    os << "\n";
    if (!lv.imprecision.empty())
      os << "    imprecise: " << lv.imprecision << "\n";
  }
  for (const ArrayInfo &a : m.arrays) {
    os << "  array " << a.name << ": " << array_kind_name(a.kind) << " of " << a.element_type
       << ", rank " << a.rank;
    if (!a.buffer_target.empty())
      os << ", updates " << a.buffer_target;
    if (a.local)
      os << ", local (" << a.private_dims << " private dims)";
    if (a.may_alias)
      os << ", may alias";
    os << "\n";
  }
  for (const Statement &s : m.statements) {
    os << "  S" << s.id << " (" << location_string(s.range.getBegin(), sm) << ")"
       << (s.conditional ? " conditional" : "") << ": " << s.text << "\n";
    std::vector<std::string> pos;
    for (unsigned p : s.position)
      pos.push_back(std::to_string(p));
    os << "    domain: " << s.domain << "\n";
    os << "    position: [" << llvm::join(pos, ", ") << "]\n";
    for (const Access &a : m.accesses) {
      if (a.statement != s.id)
        continue;
      os << "    " << access_kind_name(a.kind) << " " << m.arrays[a.array].name;
      print_subscripts(os, a);
      os << (a.may ? " (may)" : "") << (a.additive ? " (additive)" : "") << " `" << a.text
         << "` at " << location_string(a.range.getBegin(), sm) << "\n";
      for (size_t i = 0; i < a.subscripts.size(); ++i)
        if (!a.subscripts[i].affine)
          os << "      subscript " << i << " `" << a.subscripts[i].text
             << "` is not affine: " << a.subscripts[i].unknown << "\n";
    }
    for (const Call &c : m.calls) {
      if (c.statement != s.id)
        continue;
      os << "    call " << c.callee;
      if (c.unknown_effects)
        os << " (unknown effects: " << c.why << ")";
      os << " at " << location_string(c.range.getBegin(), sm) << "\n";
    }
    for (const UnknownEffect &u : m.unknown_effects)
      if (u.statement == s.id)
        os << "    unknown effect `" << u.what << "`: " << u.why << " at "
           << location_string(u.range.getBegin(), sm) << "\n";
  }
  for (const EarlyExit &e : m.early_exits)
    os << "  early exit: " << e.what << " at " << location_string(e.range.getBegin(), sm) << "\n";
  return os.str();
}

} // namespace weft
