// Session, MPI wrappers and Transport on several processes: ranks, errors that name the
// call and the rank, waits that end in an error instead of a hang, value semantics.
#include <gtest/gtest.h>
#include <weft/rt/mpi.h>
#include <weft/rt/session.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mpi_test_session.h"

namespace {

using weft_test::session;

TEST(Session, KnowsItsRankAmongTheProcesses) {
  weft::rt::Session &s = session();
  int world_size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  EXPECT_EQ(s.size(), world_size);
  EXPECT_EQ(s.rank(), weft::rt::world_rank());
  EXPECT_GE(s.threads(), 1);
  std::int64_t ranks = s.rank();
  s.transport().allreduce_sum(&ranks, 1);
  EXPECT_EQ(ranks, static_cast<std::int64_t>(s.size()) * (s.size() - 1) / 2);
}

TEST(Session, CurrentIsTheProcesssSession) {
  weft::rt::Session &s = session();
  EXPECT_EQ(&weft::rt::Session::current(), &s);
}

TEST(Session, AFailedMpiCallIsAnErrorNamingTheCallAndTheRank) {
  weft::rt::Session &s = session();
  int value = 0;
  try {
    weft::rt::Request r = s.transport().isend(&value, sizeof value, /*to*/ s.size() + 3, /*tag*/ 1);
    FAIL() << "no error";
  } catch (const weft::rt::MpiError &e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("MPI_Isend to rank " + std::to_string(s.size() + 3)), std::string::npos)
        << what;
    EXPECT_NE(what.find("failed on rank " + std::to_string(s.rank())), std::string::npos) << what;
  }
}

TEST(Session, AWaitForAMessageThatNeverComesEndsInATimeoutError) {
  weft::rt::Session &s = session();
  weft::rt::Transport short_waits(s.transport().comm().dup(), 0.3);
  int value = 0;
  weft::rt::Request r = short_waits.irecv(&value, sizeof value, s.rank(), /*tag*/ 99);
  try {
    short_waits.wait(r);
    FAIL() << "no timeout";
  } catch (const weft::rt::TimeoutError &e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rank " + std::to_string(s.rank()) + ": waited more than"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("MPI_Irecv from rank " + std::to_string(s.rank()) + ", tag 99"),
              std::string::npos)
        << what;
  }
  // The request is still active: its destructor cancels it.
}

TEST(Session, CommCopiesShareOneCommunicator) {
  weft::rt::Session &s = session();
  weft::rt::Comm a = s.transport().comm().dup();
  weft::rt::Comm b = a;
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(b.size(), s.size());
  weft::rt::Comm halves = a.split(s.rank() % 2, s.rank());
  EXPECT_EQ(halves.size(), (s.size() + 1 - s.rank() % 2) / 2);
  weft::rt::Comm none = a.split(MPI_UNDEFINED, 0);
  EXPECT_FALSE(none.valid());
}

TEST(Session, RingOfSendsAndReceivesIsCountedAsData) {
  weft::rt::Session &s = session();
  weft::rt::Transport &net = s.transport();
  const weft::rt::Traffic before = net.traffic();
  std::vector<double> out(100, s.rank()), in(100, -1);
  const int next = (s.rank() + 1) % s.size(), prev = (s.rank() + s.size() - 1) % s.size();
  std::vector<weft::rt::Request> requests;
  requests.push_back(net.irecv(in.data(), 800, prev, 5));
  requests.push_back(net.isend(out.data(), 800, next, 5));
  net.wait_all(requests);
  EXPECT_EQ(in[99], prev);
  const weft::rt::Traffic sent = net.traffic() - before;
  EXPECT_EQ(sent.data_messages, 1);
  EXPECT_EQ(sent.data_bytes, 800);
}

TEST(Session, CollectivesGatherAndExchangeBytes) {
  weft::rt::Session &s = session();
  weft::rt::Transport &net = s.transport();
  std::vector<int> mine(static_cast<std::size_t>(s.rank()) + 1, s.rank());
  std::vector<std::int64_t> counts;
  const std::vector<std::byte> all =
      net.allgatherv(mine.data(), static_cast<std::int64_t>(mine.size() * sizeof(int)), counts);
  ASSERT_EQ(counts.size(), static_cast<std::size_t>(s.size()));
  std::size_t at = 0;
  for (int q = 0; q < s.size(); ++q) {
    EXPECT_EQ(counts[q], static_cast<std::int64_t>((q + 1) * sizeof(int)));
    for (int k = 0; k <= q; ++k, at += sizeof(int))
      EXPECT_EQ(*reinterpret_cast<const int *>(all.data() + at), q);
  }
  std::vector<std::vector<std::byte>> send(static_cast<std::size_t>(s.size()));
  for (int q = 0; q < s.size(); ++q)
    send[q].assign(static_cast<std::size_t>(q + s.rank()), std::byte{7});
  const auto got = net.alltoallv(send);
  for (int q = 0; q < s.size(); ++q)
    EXPECT_EQ(got[q].size(), static_cast<std::size_t>(q + s.rank()));
  EXPECT_EQ(net.exclusive_prefix_sum(10), 10 * s.rank());
  EXPECT_EQ(net.broadcast(std::string(s.rank() == 0 ? "from zero" : ""), 0), "from zero");
}

TEST(Session, WindowsReadAndWriteOtherProcessesMemory) {
  weft::rt::Session &s = session();
  weft::rt::Window w = weft::rt::Window::allocate(s.transport().comm(), 16);
  int *exposed = reinterpret_cast<int *>(w.base());
  for (int k = 0; k < 4; ++k)
    exposed[k] = s.rank() * 10;
  w.fence();
  int got = -1;
  const int next = (s.rank() + 1) % s.size();
  w.get(&got, sizeof got, next, 0);
  w.fence();
  EXPECT_EQ(got, next * 10);
  const int mark = 1000 + s.rank();
  w.put(&mark, sizeof mark, next, 4);
  w.fence();
  EXPECT_EQ(exposed[1], 1000 + (s.rank() + s.size() - 1) % s.size());
}

TEST(Session, SplitMakesASessionOverSomeProcesses) {
  weft::rt::Session &s = session();
  std::unique_ptr<weft::rt::Session> first = s.split(s.rank() == 0 ? 0 : -1, 2);
  if (s.rank() == 0) {
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->size(), 1);
    EXPECT_EQ(first->threads(), 2);
  } else {
    EXPECT_EQ(first, nullptr);
  }
}

} // namespace
