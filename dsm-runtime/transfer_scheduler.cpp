// TransferScheduler: a CommPolicy over MPI (transfer_scheduler.h states the protocol).
#include "weft/rt/transfer_scheduler.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "internal_assert.h"
#include "weft/detail/error.h"

namespace weft::rt {
namespace {

using Clock = std::chrono::steady_clock;

// The largest tag MPI allows (at least 32767).
int tag_upper_bound() {
  void *value = nullptr;
  int found = 0;
  check(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &value, &found), "MPI_Comm_get_attr",
        world_rank());
  return found && value ? *static_cast<int *>(value) : 32767;
}

Clock::time_point after(Clock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

} // namespace

TransferScheduler::TransferScheduler(Transport &net, Settings settings)
    : net_(net), settings_(settings), start_(Clock::now()) {
  PolicySettings &p = settings_.policy;
  if (p.partition_bytes >= 1) // whole floats, so that an all-reduce chunk holds floats
    p.partition_bytes = std::max<std::int64_t>(sizeof(float), p.partition_bytes / 4 * 4);
  policy_ = make_policy(p);
  settings_.policy = policy_->settings();
  const EmulatedLink &link = settings_.link;
  if (!(link.bytes_per_second >= 0) || !std::isfinite(link.bytes_per_second) ||
      !(link.latency_seconds >= 0) || !std::isfinite(link.latency_seconds)) {
    throw weft::Error("emulated link: the rate and the latency must be finite and not negative");
  }
  bucket_tokens_ = static_cast<double>(kEmulatedBurstBytes);
  // Tags above every other user of the transport: the runtime's collectives use a few
  // tags below 32767 (e.g. alltoallv's 0x7e57); with only 32767 tags, the range below it.
  const int upper = tag_upper_bound();
  first_tag_ = upper >= (1 << 20) ? (1 << 16) : kFirstReservedTag;
  const int last = upper >= (1 << 20) ? upper : 0x7e57 - 1;
  tag_pairs_ = (last - first_tag_) / 2;
}

TransferScheduler::~TransferScheduler() = default; // requests still pending cancel themselves

std::int64_t TransferScheduler::wire_bytes() const {
  return settings_.policy.kind == PolicyKind::Priority ? settings_.policy.partition_bytes
                                                       : kUnlimitedBytes;
}

TransferScheduler::Handle TransferScheduler::send(const std::byte *data, std::int64_t bytes, int to,
                                                  int tag, std::int64_t priority) {
  if (bytes < 0 || tag < 0 || tag >= kFirstReservedTag || to < 0 || to >= net_.size()) {
    throw weft::Error("TransferScheduler::send: bad transfer (" + std::to_string(bytes) +
                      " bytes to process " + std::to_string(to) + ", tag " + std::to_string(tag) +
                      "; tags below " + std::to_string(kFirstReservedTag) + ")");
  }
  const Handle h = transfers_.size();
  transfers_.push_back(Transfer{Kind::Send, const_cast<std::byte *>(data), bytes, to, tag});
  Transfer &t = transfers_.back();
  t.policy_id = static_cast<std::int64_t>(h);
  if (settings_.policy.kind != PolicyKind::Priority) {
    // The baselines do not schedule point-to-point transfers: whole, at once.
    t.pieces_left = 1;
    messages_.push_back(
        Message{CommDispatch{{CommPiece{t.policy_id, 0, bytes}}, bytes, priority, 0}, 1, false});
    post_send(data, bytes, to, tag, Op::Send, messages_.size() - 1, link_due(bytes));
    return h;
  }
  t.pieces_left = bytes == 0 ? 1 : (bytes + wire_bytes() - 1) / wire_bytes();
  policy_->ready(CommTask{t.policy_id, bytes, priority}, 0);
  give();
  return h;
}

TransferScheduler::Handle TransferScheduler::receive(std::byte *data, std::int64_t bytes, int from,
                                                     int tag) {
  if (bytes < 0 || tag < 0 || tag >= kFirstReservedTag || from < 0 || from >= net_.size()) {
    throw weft::Error("TransferScheduler::receive: bad transfer (" + std::to_string(bytes) +
                      " bytes from process " + std::to_string(from) + ", tag " +
                      std::to_string(tag) + "; tags below " + std::to_string(kFirstReservedTag) +
                      ")");
  }
  const Handle h = transfers_.size();
  transfers_.push_back(Transfer{Kind::Receive, data, bytes, from, tag});
  // Cut as the sender cuts: partitions under "priority", whole under the baselines.
  const std::int64_t piece =
      settings_.policy.kind == PolicyKind::Priority ? wire_bytes() : kUnlimitedBytes;
  for (std::int64_t at = 0; at < bytes || (bytes == 0 && at == 0); at += piece) {
    const std::int64_t n = std::min(piece, bytes - at);
    pending_.push_back(Pending{net_.irecv(data + at, n, from, tag), Op::Receive, h});
    ++transfers_[h].pieces_left;
    if (bytes == 0)
      break;
  }
  return h;
}

void TransferScheduler::plan_allreduces(const std::vector<std::int64_t> &counts) {
  std::vector<CommTask> plan;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    if (counts[k] < 0)
      throw weft::Error("TransferScheduler::plan_allreduces: a negative count");
    plan.push_back(CommTask{-static_cast<std::int64_t>(k) - 1,
                            counts[k] * static_cast<std::int64_t>(sizeof(float)),
                            static_cast<std::int64_t>(k)});
  }
  plan_ = counts;
  slot_owner_.assign(counts.size(), kNoHandle);
  policy_->plan(plan);
}

TransferScheduler::Handle TransferScheduler::allreduce_sum(float *data, std::int64_t count,
                                                           std::int64_t priority) {
  if (count < 0 || (count > 0 && data == nullptr))
    throw weft::Error("TransferScheduler::allreduce_sum: " + std::to_string(count) + " floats");
  const Handle h = transfers_.size();
  transfers_.push_back(Transfer{Kind::AllReduce, reinterpret_cast<std::byte *>(data),
                                count * static_cast<std::int64_t>(sizeof(float)), -1, -1});
  Transfer &t = transfers_.back();
  t.policy_id = static_cast<std::int64_t>(h);
  t.priority = priority;
  // Under a plan, priority l names layer l's tensor.
  if (priority >= 0 && priority < static_cast<std::int64_t>(plan_.size())) {
    const auto slot = static_cast<std::size_t>(priority);
    if (slot_owner_[slot] != kNoHandle && slot_owner_[slot] != h && !done(slot_owner_[slot])) {
      throw weft::Error("TransferScheduler::allreduce_sum: layer " + std::to_string(slot) +
                        "'s previous all-reduce has not finished");
    }
    if (plan_[slot] != count) {
      throw weft::Error("TransferScheduler::allreduce_sum: layer " + std::to_string(slot) +
                        " of the plan has " + std::to_string(plan_[slot]) + " floats, the call " +
                        std::to_string(count));
    }
    t.policy_id = -static_cast<std::int64_t>(slot) - 1;
    slot_owner_[slot] = h;
  }
  // Wire chunks, each with both phases' receives posted now.
  const int n = net_.size(), me = net_.rank();
  const std::int64_t per_chunk = wire_bytes() / static_cast<std::int64_t>(sizeof(float));
  t.first_chunk = chunks_.size();
  for (std::int64_t first = 0; first < count || (count == 0 && first == 0); first += per_chunk) {
    const std::size_t c = chunks_.size();
    // Tags repeat every tag_pairs_ chunks: the oldest open chunk must be newer than that.
    while (oldest_open_ < chunks_.size() && chunks_[oldest_open_].finished)
      ++oldest_open_;
    if (static_cast<std::int64_t>(c - oldest_open_) >= tag_pairs_) {
      throw weft::Error("TransferScheduler: more than " + std::to_string(tag_pairs_) +
                        " all-reduce chunks outstanding; use a larger partition size");
    }
    Chunk k;
    k.owner = h;
    k.first = first;
    k.count = std::min(per_chunk, count - first);
    k.serial = chunk_serial_;
    k.tag = first_tag_ + 2 * static_cast<int>((chunk_serial_++) % tag_pairs_);
    chunks_.push_back(std::move(k));
    Chunk &ch = chunks_.back();
    const auto [lo, hi] = segment(ch, me);
    ch.gathered = take_buffer(static_cast<std::size_t>((hi - lo) * (n - 1)));
    ch.results = take_buffer(static_cast<std::size_t>(ch.count));
    for (int r = 0, slot = 0; r < n; ++r) {
      if (r == me)
        continue;
      ch.phase1_receives.push_back(
          net_.irecv(ch.gathered.data() + slot * (hi - lo), (hi - lo) * 4, r, ch.tag));
      const auto [rlo, rhi] = segment(ch, r);
      ch.phase2_receives.push_back(
          net_.irecv(ch.results.data() + rlo, (rhi - rlo) * 4, r, ch.tag + 1));
      ++slot;
    }
    ch.phase1_receives_left = ch.phase2_receives_left = n - 1;
    ++t.pieces_left;
    ++chunks_open_;
    if (count == 0)
      break;
  }
  t.arrival =
      static_cast<std::int64_t>(policy_->ready(CommTask{t.policy_id, t.bytes, priority}, 0));
  give();
  return h;
}

std::vector<float> TransferScheduler::take_buffer(std::size_t size) {
  // The smallest free buffer that holds `size` floats, else the largest: a step's
  // chunks have the sizes of the last step's, so their buffers are reused as they are.
  std::size_t best = free_buffers_.size();
  for (std::size_t b = 0; b < free_buffers_.size(); ++b) {
    const std::size_t capacity = free_buffers_[b].capacity();
    if (best == free_buffers_.size()) {
      best = b;
      continue;
    }
    const std::size_t have = free_buffers_[best].capacity();
    if ((capacity >= size && (have < size || capacity < have)) || (have < size && capacity > have))
      best = b;
  }
  std::vector<float> buffer;
  if (best < free_buffers_.size()) {
    buffer = std::move(free_buffers_[best]);
    free_buffers_[best] = std::move(free_buffers_.back());
    free_buffers_.pop_back();
  }
  buffer.resize(size);
  return buffer;
}

std::pair<std::int64_t, std::int64_t> TransferScheduler::segment(const Chunk &c, int rank) const {
  const std::int64_t n = net_.size();
  return {c.count * rank / n, c.count * (rank + 1) / n};
}

Clock::time_point TransferScheduler::link_due(std::int64_t bytes) {
  const Clock::time_point now = Clock::now();
  if (!settings_.link.enabled())
    return now;
  // Token bucket: tokens accrue at the rate up to the burst; a message takes its bytes
  // (the balance may go negative: the debt is the time it waits).
  const double t = std::chrono::duration<double>(now - start_).count();
  const double rate = settings_.link.bytes_per_second;
  bucket_tokens_ = std::min(static_cast<double>(kEmulatedBurstBytes),
                            bucket_tokens_ + (t - bucket_time_) * rate);
  bucket_time_ = t;
  bucket_tokens_ -= static_cast<double>(bytes);
  const double wait = bucket_tokens_ < 0 ? -bucket_tokens_ / rate : 0.0;
  return after(now, wait + settings_.link.latency_seconds);
}

void TransferScheduler::post_send(const void *data, std::int64_t bytes, int to, int tag, Op op,
                                  std::size_t index, Clock::time_point due) {
  if (delayed_.empty() && due <= Clock::now()) {
    pending_.push_back(Pending{net_.isend(data, bytes, to, tag), op, index});
    sent(op, index, /*posted*/ true);
    return;
  }
  delayed_.push_back(Delayed{due, data, bytes, to, tag, op, index});
}

// A message's bytes leave the credit when they have crossed the link: on the emulated
// link once it has held them for their time and latency (they are posted then, into
// receives posted long before, as a network card delivers them), otherwise when MPI
// completes the send.
void TransferScheduler::sent(Op op, std::size_t index, bool posted) {
  if (posted != settings_.link.enabled())
    return;
  switch (op) {
  case Op::Send:
    message_bytes_left(index);
    break;
  case Op::Phase1Send:
    message_bytes_left(chunks_[index].message);
    break;
  case Op::Phase2Send:
    if (chunks_[index].phase2_via_policy)
      message_bytes_left(chunks_[index].message2);
    break;
  case Op::Receive:
    WEFT_RT_INTERNAL_ASSERT(false, "a receive is not sent");
  }
}

TransferScheduler::Handle TransferScheduler::handle_of(std::int64_t policy_id) const {
  return policy_id >= 0 ? static_cast<Handle>(policy_id)
                        : slot_owner_.at(static_cast<std::size_t>(-policy_id - 1));
}

void TransferScheduler::give() {
  const double now = std::chrono::duration<double>(Clock::now() - start_).count();
  const int n = net_.size(), me = net_.rank();
  while (std::optional<CommDispatch> d = policy_->next(now)) {
    ++messages_given_;
    max_in_flight_ = std::max(max_in_flight_, policy_->in_flight_bytes());
    const std::size_t m = messages_.size();
    messages_.push_back(Message{std::move(*d), 0, true});
    // The bytes this process sends now: a send's piece, or the others' segments of each
    // all-reduce chunk (one message on the emulated link).
    int sends = 0;
    std::int64_t out = 0;
    for (const CommPiece &p : messages_[m].dispatch.pieces) {
      if (p.task <= kPhase2Ids) {
        sends += n - 1;
        out += p.length;
        continue;
      }
      const Transfer &t = transfers_[handle_of(p.task)];
      if (t.kind == Kind::Send) {
        ++sends;
        out += p.length;
      } else {
        WEFT_RT_INTERNAL_ASSERT(t.kind == Kind::AllReduce, "the policy gave a receive");
        const Chunk &c = chunks_[t.first_chunk + static_cast<std::size_t>(p.offset / wire_bytes())];
        WEFT_RT_INTERNAL_ASSERT(c.count * 4 == p.length && c.first * 4 == p.offset,
                                "a policy piece that is not a wire chunk");
        const auto [lo, hi] = segment(c, me);
        sends += n - 1;
        out += (c.count - (hi - lo)) * 4;
      }
    }
    messages_[m].sends_left = sends;
    const Clock::time_point due = link_due(out);
    for (const CommPiece &p : messages_[m].dispatch.pieces) {
      if (p.task <= kPhase2Ids) {
        post_sums(static_cast<std::size_t>(kPhase2Ids - p.task - chunk_serial_base_), m, due);
        continue;
      }
      const Transfer &t = transfers_[handle_of(p.task)];
      if (t.kind == Kind::Send)
        post_send(t.data + p.offset, p.length, t.peer, t.tag, Op::Send, m, due);
      else
        start_chunk(t.first_chunk + static_cast<std::size_t>(p.offset / wire_bytes()), m, due);
    }
    if (sends == 0)
      policy_->completed(messages_[m].dispatch);
  }
}

void TransferScheduler::start_chunk(std::size_t c, std::size_t message, Clock::time_point due) {
  Chunk &ch = chunks_[c];
  ch.given = true;
  ch.message = message;
  given_open_.push_back(c);
  const float *data = reinterpret_cast<const float *>(transfers_[ch.owner].data) + ch.first;
  const int n = net_.size(), me = net_.rank();
  ch.phase1_sends_left = n - 1;
  for (int r = 0; r < n; ++r) {
    if (r == me)
      continue;
    const auto [lo, hi] = segment(ch, r);
    post_send(data + lo, (hi - lo) * 4, r, ch.tag, Op::Phase1Send, c, due);
  }
  sum_if_ready(c);
}

void TransferScheduler::sum_if_ready(std::size_t c) {
  Chunk &ch = chunks_[c];
  if (!ch.given || ch.phase1_receives_left > 0 || ch.summed)
    return;
  const int n = net_.size(), me = net_.rank();
  float *data = reinterpret_cast<float *>(transfers_[ch.owner].data) + ch.first;
  const auto [lo, hi] = segment(ch, me);
  const std::int64_t len = hi - lo;
  // s = ((x_0 + x_1) + x_2) + ...: the rank order, whatever the chunking. Rank by rank
  // over the whole segment (each element's additions in the same order), so that the
  // compiler vectorizes the additions; process 0 sums in place, the others from a copy
  // of process 0's values, since their own are a later term.
  float *out = data + lo;
  const auto term = [&](int r) {
    return r == me ? out
                   : ch.gathered.data() + static_cast<std::size_t>((r < me ? r : r - 1) * len);
  };
  float *sum = out;
  if (me != 0) {
    sum_scratch_.assign(term(0), term(0) + len);
    sum = sum_scratch_.data();
  }
  for (int r = 1; r < n; ++r) {
    const float *x = term(r);
    for (std::int64_t i = 0; i < len; ++i)
      sum[i] += x[i];
  }
  if (sum != out)
    std::copy(sum, sum + len, out);
  ch.summed = true;
  ch.phase2_sends_left = n - 1;
  if (n > 1 && settings_.policy.kind == PolicyKind::Priority) {
    // The sums go out under the same key and credit as everything else: give() posts them.
    ch.phase2_via_policy = true;
    // Ranked as the chunk itself: before the later chunks of its tensor.
    policy_->ready(CommTask{kPhase2Ids - ch.serial, len * 4 * (n - 1),
                            transfers_[ch.owner].priority, transfers_[ch.owner].arrival,
                            ch.first * 4},
                   0);
  } else if (n > 1) {
    const Clock::time_point due = link_due(len * 4 * (n - 1));
    for (int r = 0; r < n; ++r) {
      if (r != me)
        post_send(data + lo, len * 4, r, ch.tag + 1, Op::Phase2Send, c, due);
    }
  }
  finish_if_done(c);
}

void TransferScheduler::post_sums(std::size_t c, std::size_t message, Clock::time_point due) {
  Chunk &ch = chunks_[c];
  ch.message2 = message;
  const float *data = reinterpret_cast<const float *>(transfers_[ch.owner].data) + ch.first;
  const auto [lo, hi] = segment(ch, net_.rank());
  for (int r = 0; r < net_.size(); ++r) {
    if (r != net_.rank())
      post_send(data + lo, (hi - lo) * 4, r, ch.tag + 1, Op::Phase2Send, c, due);
  }
}

void TransferScheduler::finish_if_done(std::size_t c) {
  Chunk &ch = chunks_[c];
  if (!ch.summed || ch.finished || ch.phase1_sends_left > 0 || ch.phase2_sends_left > 0 ||
      ch.phase2_receives_left > 0) {
    return;
  }
  // The others' sums, now that this process's first-phase sends no longer read them.
  float *data = reinterpret_cast<float *>(transfers_[ch.owner].data) + ch.first;
  for (int r = 0; r < net_.size(); ++r) {
    if (r == net_.rank())
      continue;
    const auto [lo, hi] = segment(ch, r);
    std::copy(ch.results.begin() + lo, ch.results.begin() + hi, data + lo);
  }
  ch.finished = true;
  free_buffers_.push_back(std::move(ch.gathered));
  free_buffers_.push_back(std::move(ch.results));
  ch.gathered = {};
  ch.results = {};
  ch.phase1_receives.clear();
  ch.phase2_receives.clear();
  --transfers_[ch.owner].pieces_left;
  --chunks_open_;
}

void TransferScheduler::message_bytes_left(std::size_t m) {
  Message &msg = messages_[m];
  WEFT_RT_INTERNAL_ASSERT(msg.sends_left > 0, "a message's send completed twice");
  if (--msg.sends_left == 0 && msg.from_policy)
    policy_->completed(msg.dispatch);
}

int TransferScheduler::complete_some(std::vector<Request> &requests) {
  int completed = 0;
  for (Request &r : requests) {
    if (r.active() && r.test())
      ++completed;
  }
  return completed;
}

void TransferScheduler::progress() {
  const Clock::time_point now = Clock::now();
  while (!delayed_.empty() && delayed_.front().due <= now) {
    const Delayed &d = delayed_.front();
    pending_.push_back(Pending{net_.isend(d.data, d.bytes, d.to, d.tag), d.op, d.index});
    const Op op = d.op;
    const std::size_t index = d.index;
    delayed_.pop_front();
    sent(op, index, /*posted*/ true);
  }
  // The receives of the chunks this process has given (only those can be summed or
  // finished); the other chunks' receives stay posted, untested, until they are given.
  for (std::size_t i = 0; i < given_open_.size();) {
    const std::size_t c = given_open_[i];
    Chunk &ch = chunks_[c];
    ch.phase1_receives_left -= complete_some(ch.phase1_receives);
    sum_if_ready(c);
    ch.phase2_receives_left -= complete_some(ch.phase2_receives);
    finish_if_done(c);
    if (ch.finished) {
      given_open_[i] = given_open_.back();
      given_open_.pop_back();
    } else {
      ++i;
    }
  }
  // MPI moves data only inside MPI calls: with nothing else to test, one test drives
  // the transfers into chunks not given yet.
  if (pending_.empty() && given_open_.empty() && chunks_open_ > 0) {
    while (oldest_open_ < chunks_.size() && chunks_[oldest_open_].finished)
      ++oldest_open_;
    if (oldest_open_ < chunks_.size()) {
      Chunk &oldest = chunks_[oldest_open_];
      oldest.phase1_receives_left -= complete_some(oldest.phase1_receives);
    }
  }
  std::vector<std::pair<Op, std::size_t>> completed;
  for (std::size_t i = 0; i < pending_.size();) {
    if (pending_[i].request.test()) {
      completed.emplace_back(pending_[i].op, pending_[i].index);
      pending_[i] = std::move(pending_.back());
      pending_.pop_back();
    } else {
      ++i;
    }
  }
  for (const auto &[op, index] : completed) {
    switch (op) {
    case Op::Send: {
      const Handle h = handle_of(messages_[index].dispatch.pieces.at(0).task);
      sent(op, index, /*posted*/ false);
      --transfers_[h].pieces_left;
      break;
    }
    case Op::Receive:
      --transfers_[index].pieces_left;
      break;
    case Op::Phase1Send:
      --chunks_[index].phase1_sends_left;
      sent(op, index, /*posted*/ false);
      finish_if_done(index);
      break;
    case Op::Phase2Send:
      --chunks_[index].phase2_sends_left;
      sent(op, index, /*posted*/ false);
      finish_if_done(index);
      break;
    }
  }
  give();
  // Nothing open: forget the chunks and messages (handles index transfers_ only).
  if (chunks_open_ == 0 && pending_.empty() && delayed_.empty() &&
      policy_->in_flight_bytes() == 0) {
    chunks_.clear();
    messages_.clear();
    oldest_open_ = 0;
    given_open_.clear();
    chunk_serial_base_ = chunk_serial_;
  }
}

void TransferScheduler::wait(Handle h) {
  if (done(h))
    return;
  net_.wait_until(
      [&] {
        progress();
        return done(h);
      },
      "transfer " + std::to_string(h) + " of the transfer scheduler (" +
          std::to_string(pending_.size()) + " operations pending, " +
          std::to_string(delayed_.size()) + " on the emulated link, " +
          std::to_string(policy_->in_flight_bytes()) + " bytes in flight)");
}

void TransferScheduler::wait_all() {
  for (Handle h = 0; h < transfers_.size(); ++h)
    wait(h);
}

TransferScheduler::Settings transfer_settings(const Options &options) {
  TransferScheduler::Settings s;
  s.policy.kind = parse_policy_kind(options.comm_policy);
  s.policy.partition_bytes = options.partition_bytes;
  s.policy.credit_bytes = options.credit_bytes;
  s.link.bytes_per_second = options.emulated_link_gbps * 1e9 / 8;
  s.link.latency_seconds = options.emulated_link_latency_us * 1e-6;
  return s;
}

} // namespace weft::rt
