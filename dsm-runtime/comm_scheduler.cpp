// The communication scheduler: partitions, priorities, credit; and its tuner.
#include "weft/rt/comm_scheduler.h"

#include <algorithm>
#include <cstdio>

namespace weft::rt {
namespace {

[[maybe_unused]] std::string bytes_text(std::int64_t b) {
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

SchedulerTuner::SchedulerTuner(CommScheduler::Settings given, int budget, LinkProfile link)
    : given_(given), budget_(std::max(0, budget)),
      tuner_(
          [&] {
            TunerOptions o;
            o.budget = std::max(0, budget);
            return o;
          }(),
          std::move(link), TunerPoint{given.partition_bytes, given.credit_bytes}) {}

CommScheduler::Settings SchedulerTuner::next() const {
  if (!warm_)
    return given_;
  CommScheduler::Settings s = given_;
  s.partition_bytes = tuner_.next().partition_bytes;
  s.credit_bytes = tuner_.next().credit_bytes;
  return s;
}

namespace {
void print_tuner_log(Transport &net, CommTuner &tuner, const char *what) {
  for (const std::string &line : tuner.take_log()) {
    if (net.rank() == 0)
      std::fprintf(stderr, "weft: %s: %s\n", what, line.c_str());
  }
}
} // namespace

void SchedulerTuner::record(Transport &net, double seconds, const char *what) {
  if (!tuning())
    return;
  if (!warm_) { // every process skips the same loop: no communication needed
    warm_ = true;
    return;
  }
  std::int64_t micros = static_cast<std::int64_t>(seconds * 1e6);
  net.allreduce_max(&micros, 1);
  tuner_.observe(static_cast<double>(micros) * 1e-6);
  print_tuner_log(net, tuner_, what);
}

void SchedulerTuner::report_bandwidth(Transport &net, double bytes_per_second, const char *what) {
  if (budget_ <= 0)
    return;
  std::int64_t rate = static_cast<std::int64_t>(bytes_per_second);
  net.allreduce_min(&rate, 1);
  tuner_.report_bandwidth(static_cast<double>(rate));
  print_tuner_log(net, tuner_, what);
}

} // namespace weft::rt
