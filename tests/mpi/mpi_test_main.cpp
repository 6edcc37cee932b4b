// main() of the multi-process tests: every process makes the session (collective), runs
// the same gtest cases, and the program fails if any process failed. Rank 0 prints the
// usual report; the other ranks print only their failures, prefixed with their rank.
//
// The cases are collective: every process must reach the same runtime calls, so they
// check with EXPECT_* (an ASSERT_* that returns early on one process only would leave
// the others waiting).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "mpi_test_session.h"

namespace weft_test {

weft::rt::Session *the_session = nullptr;

weft::rt::Session &session() { return *the_session; }

std::string temp_dir;

const std::string &shared_temp_dir() {
  if (temp_dir.empty()) {
    std::string made;
    if (session().rank() == 0) {
      const char *base = std::getenv("TMPDIR");
      std::string pattern = std::string(base && *base ? base : "/tmp") + "/weft-mpi-test-XXXXXX";
      if (mkdtemp(pattern.data()) == nullptr)
        std::abort();
      made = pattern;
    }
    temp_dir = session().transport().broadcast(made, 0);
  }
  return temp_dir;
}

std::string write_shared_file(const std::string &name, const std::string &text) {
  const std::string path = shared_temp_dir() + "/" + name;
  if (session().rank() == 0) {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  session().transport().barrier();
  return path;
}

namespace {

class RankFailurePrinter : public ::testing::EmptyTestEventListener {
public:
  explicit RankFailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult &r) override {
    if (!r.failed())
      return;
    std::fprintf(stderr, "[rank %d] %s:%d: failure\n%s\n", rank_,
                 r.file_name() ? r.file_name() : "?", r.line_number(), r.summary());
  }

private:
  int rank_;
};

} // namespace
} // namespace weft_test

int main(int argc, char **argv) {
  weft::rt::Session session(argc, argv);
  weft_test::the_session = &session;
  ::testing::InitGoogleTest(&argc, argv);
  if (session.rank() != 0) {
    auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new weft_test::RankFailurePrinter(session.rank()));
  }
  std::int64_t failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
  session.transport().allreduce_max(&failed, 1);
  if (session.rank() == 0 && !weft_test::temp_dir.empty())
    std::filesystem::remove_all(weft_test::temp_dir);
  if (failed != 0 && session.rank() == 0)
    std::fprintf(stderr, "FAILED on at least one process\n");
  return failed != 0 ? 1 : 0;
}
