//===- FrontendTest.cpp - Loop models from real parses, checked with isl --===//

#include "BuildLoopModel.h"
#include "LoopModel.h"
#include "Parse.h"

#include "clang/AST/ASTContext.h"
#include "clang/Tooling/CompilationDatabase.h"

#include <isl/cpp.h>
#include <isl/version.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace {

using weft::AffineExpr;

TEST(Isl, IsTheSystemLibraryNotTheCopyInsideLibLLVM) {
  EXPECT_EQ(std::string(isl_version()).rfind("isl-0.25", 0), 0u) << isl_version();
}

TEST(AffineExpr, PrintsTermsInIslSyntax) {
  AffineExpr e = *AffineExpr::variable("i").times(2)->plus(AffineExpr::variable("j"));
  e = *e.minus(AffineExpr::constant_expr(1));
  EXPECT_EQ(e.str(), "2*i + j - 1");
  EXPECT_EQ(AffineExpr::constant_expr(0).str(), "0");
  EXPECT_EQ(AffineExpr::constant_expr(-3).str(), "-3");
  EXPECT_EQ(AffineExpr::variable("k").times(-1)->str(), "-k");
  AffineExpr reversed = *AffineExpr::variable("n").minus(AffineExpr::variable("i"));
  EXPECT_EQ(reversed.str(), "n - i"); // positive terms first
}

TEST(AffineExpr, CancellingTermsLeaveNoZeroCoefficient) {
  AffineExpr e = *AffineExpr::variable("i").minus(AffineExpr::variable("i"));
  EXPECT_TRUE(e.is_constant());
  EXPECT_EQ(e.str(), "0");
}

TEST(AffineExpr, OverflowYieldsNothingInsteadOfWrapping) {
  AffineExpr big = AffineExpr::constant_expr(INT64_MAX);
  EXPECT_FALSE(big.plus(AffineExpr::constant_expr(1)).has_value());
  EXPECT_FALSE(AffineExpr::variable("i").times(INT64_MAX)->times(2).has_value());
  EXPECT_FALSE(AffineExpr::constant_expr(INT64_MIN).times(-1).has_value());
}

/// Parses `code` as a file and returns the models of its annotated loops; `ok` says
/// whether weftc would have succeeded.
struct Parsed {
  bool ok = false;
  std::vector<std::string> iteration_spaces, domains;
  std::vector<weft::LoopModel> models; // source ranges are dead after parsing
};

Parsed parse(const std::string &code) {
  char path[] = "/tmp/weft-frontend-test-XXXXXX.cpp";
  int fd = mkstemps(path, 4);
  EXPECT_GE(fd, 0);
  {
    std::ofstream out(path);
    out << code;
  }
  close(fd);
  weft::Options options;
  options.include_dir = WEFT_SOURCE_INCLUDE_DIR;
  options.resource_dir = WEFT_CLANG_RESOURCE_DIR;
  clang::tooling::FixedCompilationDatabase db(".", {});
  Parsed result;
  result.ok = weft::parse_files(db, {path}, options, [&](weft::ParsedFile &file) {
    result.models = weft::build_loop_models(file.context, file.pragmas);
    for (const weft::LoopModel &m : result.models) {
      result.iteration_spaces.push_back(m.iteration_space());
      for (const weft::Statement &s : m.statements)
        result.domains.push_back(s.domain);
    }
    return true;
  });
  std::remove(path);
  return result;
}

const char *const kLoops = R"(
#include <weft/weft.h>
#include <vector>
void kernels(weft::DistArray<float, 2> &A, weft::SparseArray<float, 2> &R,
             const std::vector<float> &x, int n, int m, int exists) {
  #pragma weft parallel_for ordered
  for (int i = n - 1; i >= 0; i -= 3) {
    for (int j = i; j <= m; j += 2)
      A(i, j) = A(i, j - 1);
    for (long k = m; k > i; k--)
      A(k, i) = 0;
    for (size_t s = 0; s < x.size(); ++s)
      A(i, s) += x[s];
    int z = 0;
    while (z < 3) { A(z, i) = 1; ++z; }
  }
  #pragma weft parallel_for
  for (const auto &e : R) {
    int min = e.key[0];
    for (int max = 0; max < exists; ++max)
      A(min, max) += e.value;
  }
}
)";

TEST(LoopModel, EveryDomainAndIterationSpaceIsAValidIslSet) {
  Parsed p = parse(kLoops);
  ASSERT_TRUE(p.ok);
  ASSERT_EQ(p.models.size(), 2u);
  isl::ctx ctx(isl_ctx_alloc());
  for (const std::string &s : p.iteration_spaces)
    EXPECT_NO_THROW(isl::set(ctx, s)) << s;
  ASSERT_GE(p.domains.size(), 6u);
  for (const std::string &s : p.domains)
    EXPECT_NO_THROW(isl::set(ctx, s)) << s;
  isl_ctx_free(ctx.release());
}

TEST(LoopModel, StridedDomainHoldsExactlyTheIterationsTheLoopRuns) {
  Parsed p = parse(kLoops);
  ASSERT_TRUE(p.ok);
  isl::ctx ctx(isl_ctx_alloc());
  {
    // for (i = n - 1; i >= 0; i -= 3) with n = 8 runs i = 7, 4, 1.
    isl::set space(ctx, p.iteration_spaces[0]);
    isl::set fixed = space.intersect_params(isl::set(ctx, "[n] -> { : n = 8 }"));
    isl::set expected(ctx, "[n, m, x_size] -> { L[i] : n = 8 and (i = 7 or i = 4 or i = 1) }");
    EXPECT_TRUE(fixed.is_equal(expected)) << fixed;
  }
  isl_ctx_free(ctx.release());
}

TEST(LoopModel, IslKeywordsAsVariableNamesAreRenamed) {
  Parsed p = parse(kLoops);
  ASSERT_TRUE(p.ok);
  const weft::LoopModel &sparse = p.models[1];
  ASSERT_EQ(sparse.levels.size(), 2u);
  EXPECT_EQ(sparse.levels[1].var, "max");
  EXPECT_NE(sparse.levels[1].dims[0], "max");
  // R_shape0, R_shape1 (the key extents), then the loop bound.
  ASSERT_EQ(sparse.params.size(), 3u);
  EXPECT_NE(sparse.params[2], "exists");
  EXPECT_EQ(sparse.params[2].rfind("exists", 0), 0u);
}

TEST(LoopModel, MalformedPragmaFailsTheFileAndBuildsNoModel) {
  Parsed p = parse(R"(
void f(float *a, int n) {
  #pragma weft parallel_for bogus
  for (int i = 0; i < n; ++i) a[i] = 0;
  #pragma weft parallel_for
  a[0] = 1;
}
)");
  EXPECT_FALSE(p.ok);
  EXPECT_TRUE(p.models.empty());
}

} // namespace
