// The communication scheduler: partitions, priorities, credit; and its tuner.
#include "weft/rt/comm_scheduler.h"

#include <algorithm>
#include <cstdio>

namespace weft::rt {
namespace {

std::string bytes_text(std::int64_t b) {
  if (b % (1 << 20) == 0)
    return std::to_string(b >> 20) + " MiB";
  if (b % (1 << 10) == 0)
    return std::to_string(b >> 10) + " KiB";
  return std::to_string(b) + " B";
}

} // namespace

CommScheduler::CommScheduler(Transport &net, Settings settings) : net_(net), settings_(settings) {
  settings_.partition_bytes = std::max<std::int64_t>(1, settings_.partition_bytes);
}

CommScheduler::~CommScheduler() =
    default; // requests still in flight (after an error) cancel themselves

CommScheduler::Handle CommScheduler::send(const std::byte *data, std::int64_t bytes, int to,
                                          int tag, std::int64_t priority) {
  const Handle h = transfers_.size();
  transfers_.push_back(Transfer{});
  for (std::int64_t at = 0; at < bytes || (bytes == 0 && at == 0);
       at += settings_.partition_bytes) {
    const std::int64_t n = std::min(settings_.partition_bytes, bytes - at);
    queue_.push_back(Piece{data + at, n, to, tag, priority, order_++, h});
    std::push_heap(queue_.begin(), queue_.end(), Later{});
    ++transfers_[h].remaining;
    if (bytes == 0)
      break;
  }
  release();
  return h;
}

CommScheduler::Handle CommScheduler::receive(std::byte *data, std::int64_t bytes, int from,
                                             int tag) {
  const Handle h = transfers_.size();
  transfers_.push_back(Transfer{});
  for (std::int64_t at = 0; at < bytes || (bytes == 0 && at == 0);
       at += settings_.partition_bytes) {
    const std::int64_t n = std::min(settings_.partition_bytes, bytes - at);
    in_flight_.push_back(InFlight{net_.irecv(data + at, n, from, tag), n, h, false});
    ++transfers_[h].remaining;
    if (bytes == 0)
      break;
  }
  return h;
}

void CommScheduler::release() {
  // Within the credit; one partition may always go, so that a large one cannot starve.
  while (!queue_.empty() &&
         (sending_bytes_ == 0 || sending_bytes_ + queue_.front().bytes <= settings_.credit_bytes)) {
    std::pop_heap(queue_.begin(), queue_.end(), Later{});
    const Piece p = queue_.back();
    queue_.pop_back();
    in_flight_.push_back(
        InFlight{net_.isend(p.data, p.bytes, p.peer, p.tag), p.bytes, p.owner, true});
    sending_bytes_ += p.bytes;
  }
}

void CommScheduler::progress() {
  for (std::size_t i = 0; i < in_flight_.size();) {
    if (in_flight_[i].request.test()) {
      --transfers_[in_flight_[i].owner].remaining;
      if (in_flight_[i].is_send)
        sending_bytes_ -= in_flight_[i].bytes;
      in_flight_[i] = std::move(in_flight_.back());
      in_flight_.pop_back();
    } else {
      ++i;
    }
  }
  release();
}

void CommScheduler::wait(Handle h) {
  // Progress everything while waiting: this process's own queued sends may be what
  // another process needs before it can send what this one awaits.
  if (transfers_[h].remaining == 0)
    return;
  net_.wait_until(
      [&] {
        progress();
        return transfers_[h].remaining == 0;
      },
      "transfer " + std::to_string(h) + " of the communication scheduler (" +
          std::to_string(in_flight_.size()) + " partitions in flight, " +
          std::to_string(queue_.size()) + " queued)");
}

void CommScheduler::wait_all() {
  for (Handle h = 0; h < transfers_.size(); ++h)
    wait(h);
}

SchedulerTuner::SchedulerTuner(CommScheduler::Settings given, int budget) : chosen_(given) {
  if (budget <= 0)
    return;
  // Around the given settings: partitions 4x smaller, as given, 4x larger; credit of 2
  // or 8 partitions.
  for (std::int64_t p :
       {given.partition_bytes / 4, given.partition_bytes, given.partition_bytes * 4}) {
    for (std::int64_t credits : {2, 8}) {
      if (static_cast<int>(candidates_.size()) < budget) {
        candidates_.push_back(CommScheduler::Settings{std::max<std::int64_t>(4096, p),
                                                      std::max<std::int64_t>(4096, p) * credits});
      }
    }
  }
}

CommScheduler::Settings SchedulerTuner::next() const {
  return tuning() && warm_ ? candidates_[tried_] : chosen_;
}

void SchedulerTuner::record(Transport &net, double seconds, const char *what) {
  if (!tuning())
    return;
  if (!warm_) { // every process skips the same loop: no communication needed
    warm_ = true;
    return;
  }
  double slowest = seconds;
  {
    std::int64_t micros = static_cast<std::int64_t>(seconds * 1e6);
    net.allreduce_max(&micros, 1);
    slowest = static_cast<double>(micros) * 1e-6;
  }
  times_.push_back(slowest);
  ++tried_;
  if (tuning())
    return;
  const std::size_t best =
      static_cast<std::size_t>(std::min_element(times_.begin(), times_.end()) - times_.begin());
  chosen_ = candidates_[best];
  if (net.rank() == 0) {
    std::fprintf(stderr,
                 "weft: %s: communication partitions of %s, %s in flight (fastest of %zu settings "
                 "tried: %.3f s; "
                 "slowest %.3f s)\n",
                 what, bytes_text(chosen_.partition_bytes).c_str(),
                 bytes_text(chosen_.credit_bytes).c_str(), times_.size(), times_[best],
                 *std::max_element(times_.begin(), times_.end()));
  }
}

} // namespace weft::rt
