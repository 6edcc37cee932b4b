// Communication scheduling on 2 processes (README.md): a data-parallel training step
// whose computation is emulated by spinning for each layer's profiled time, its
// gradients all-reduced by a TransferScheduler on an emulated link, under every policy,
// for three layer profiles; then the cost of the scheduler itself.
//
//   mpirun -np 2 comm_bench [--steps N] [--rounds R] [--scale S] [--compute spin|sleep]
//                           [--only contrived|vgg16|resnet50|overhead] [--priority P/C,... (KiB)]
//                           [--weft-emulate-link=G,L]
//
// Step time: from the start of step 1's first forward to the start of the last step's,
// per step (the first step, which waits for nothing, is left out), the slowest process's.
// Every configuration runs once per round, rounds alternate; the median is printed.
#include <weft/rt/comm_simulate.h>
#include <weft/rt/session.h>
#include <weft/rt/transfer_scheduler.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace weft::rt;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Profile {
  std::string name;
  std::vector<LayerTiming> layers; // bytes already scaled
};

// (forward ms, backward ms, parameters in millions) per layer, bytes = params * 4 / scale.
Profile make_profile(const std::string &name, const std::vector<std::array<double, 3>> &rows,
                     double scale) {
  Profile p{name, {}};
  for (const auto &r : rows) {
    const auto floats = static_cast<std::int64_t>(r[2] * 1e6 / scale);
    p.layers.push_back(LayerTiming{r[0] * 1e-3, r[1] * 1e-3, floats * 4});
  }
  return p;
}

std::vector<Profile> profiles(double scale) {
  std::vector<Profile> out;
  // (a) A large late layer whose gradient, ready first, blocks the early layers' (sizes
  // not scaled: 1 MB, 0.24 MB, 0.24 MB, 24 MB).
  out.push_back(make_profile("contrived", {{{25, 5, 0.25 * scale}}, {{25, 5, 0.06 * scale}},
                                           {{25, 5, 0.06 * scale}}, {{5, 10, 6.0 * scale}}},
                             scale));
  // (b) VGG-16: per-layer multiply-adds at 224x224 (2 ms per GMAC forward, backward
  // twice), parameters; the fully connected layers at the end hold most of the bytes.
  std::vector<std::array<double, 3>> vgg;
  const double gmacs[16] = {0.087, 1.85, 0.92, 1.85, 0.92, 1.85, 1.85, 0.92,
                            1.85,  1.85, 0.46, 0.46, 0.46, 0.10, 0.017, 0.004};
  const double params[16] = {0.0017, 0.037, 0.074, 0.148, 0.295, 0.59, 0.59,  1.18,
                             2.36,   2.36,  2.36,  2.36,  2.36,  102.8, 16.8, 4.1};
  for (int l = 0; l < 16; ++l)
    vgg.push_back({2 * gmacs[l], 4 * gmacs[l], params[l]});
  out.push_back(make_profile("vgg16", vgg, scale));
  // (c) ResNet-50 by stage: stem, 16 bottleneck blocks, fc (20 ms per GMAC forward).
  std::vector<std::array<double, 3>> resnet = {{2.4, 4.8, 0.0094}};
  const std::pair<int, double> stages[4] = {{3, 0.07}, {4, 0.28}, {6, 1.12}, {3, 4.46}};
  for (const auto &[blocks, p] : stages) {
    for (int b = 0; b < blocks; ++b)
      resnet.push_back({4.4, 8.8, p});
  }
  resnet.push_back({0.05, 0.1, 2.05});
  out.push_back(make_profile("resnet50", resnet, scale));
  return out;
}

// Spinning holds the core (a CPU computing); sleeping between polls gives it up (an
// accelerator computing while its host waits). On a machine with fewer free cores than
// processes a spinning process is descheduled and overshoots its deadline.
bool sleep_instead_of_spinning = false;

// Computes for `seconds` (spinning or sleeping), letting the scheduler move bytes
// meanwhile: a poll every 20 us.
void compute(TransferScheduler *scheduler, Transport *net,
             std::vector<std::vector<Request>> *direct, double seconds) {
  const Clock::time_point end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double>(seconds));
  Clock::time_point next_poll = Clock::now();
  for (Clock::time_point now = next_poll; now < end; now = Clock::now()) {
    if (now >= next_poll) {
      if (scheduler)
        scheduler->progress();
      if (direct) {
        for (std::vector<Request> &r : *direct)
          net->poll(r);
      }
      next_poll = Clock::now() + std::chrono::microseconds(20);
      if (sleep_instead_of_spinning)
        std::this_thread::sleep_until(std::min(next_poll, end));
    }
  }
}

// One run of `steps` training steps; the slowest process's step time.
double run_training(Transport &net, const Profile &p, const TransferScheduler::Settings &s,
                    int steps) {
  const std::size_t n = p.layers.size();
  std::vector<std::vector<float>> grads(n);
  std::vector<std::int64_t> counts;
  for (std::size_t l = 0; l < n; ++l) {
    grads[l].assign(static_cast<std::size_t>(p.layers[l].gradient_bytes / 4), 1.0f);
    counts.push_back(p.layers[l].gradient_bytes / 4);
  }
  TransferScheduler scheduler(net, s);
  if (s.policy.kind == PolicyKind::Buckets)
    scheduler.plan_allreduces(counts);
  std::vector<TransferScheduler::Handle> pending(n);
  std::vector<bool> started(n, false);
  net.barrier();
  Clock::time_point first{}, last{};
  for (int step = 0; step < steps; ++step) {
    for (std::size_t l = 0; l < n; ++l) {
      if (started[l])
        scheduler.wait(pending[l]);
      if (l == 0 && step == 1)
        first = Clock::now();
      if (l == 0 && step == steps - 1)
        last = Clock::now();
      compute(&scheduler, nullptr, nullptr, p.layers[l].forward_seconds);
    }
    for (std::size_t l = n; l-- > 0;) {
      compute(&scheduler, nullptr, nullptr, p.layers[l].backward_seconds);
      pending[l] = scheduler.allreduce_sum(grads[l].data(), counts[l], static_cast<std::int64_t>(l));
      started[l] = true;
      scheduler.progress();
    }
  }
  scheduler.wait_all();
  std::int64_t micros = static_cast<std::int64_t>(
      std::chrono::duration<double>(last - first).count() / (steps - 2) * 1e6);
  net.allreduce_max(&micros, 1);
  return static_cast<double>(micros) * 1e-6;
}

// The same step without a scheduler: each gradient sent whole to the other process as
// soon as it is ready (Transport's isend/irecv), summed in rank order before its
// forward. For the scheduler's overhead with scheduling disabled (2 processes).
double run_direct(Transport &net, const Profile &p, int steps) {
  const std::size_t n = p.layers.size();
  const int peer = 1 - net.rank();
  std::vector<std::vector<float>> grads(n), theirs(n);
  for (std::size_t l = 0; l < n; ++l) {
    grads[l].assign(static_cast<std::size_t>(p.layers[l].gradient_bytes / 4), 1.0f);
    theirs[l].resize(grads[l].size());
  }
  std::vector<std::vector<Request>> pending(n); // polled while computing
  net.barrier();
  Clock::time_point first{}, last{};
  for (int step = 0; step < steps; ++step) {
    for (std::size_t l = 0; l < n; ++l) {
      if (!pending[l].empty()) {
        net.wait_all(pending[l]);
        pending[l].clear();
        float *mine = grads[l].data();
        const float *other = theirs[l].data();
        for (std::size_t i = 0; i < grads[l].size(); ++i)
          mine[i] = net.rank() == 0 ? mine[i] + other[i] : other[i] + mine[i];
      }
      if (l == 0 && step == 1)
        first = Clock::now();
      if (l == 0 && step == steps - 1)
        last = Clock::now();
      compute(nullptr, &net, &pending, p.layers[l].forward_seconds);
    }
    for (std::size_t l = n; l-- > 0;) {
      compute(nullptr, &net, &pending, p.layers[l].backward_seconds);
      const auto bytes = static_cast<std::int64_t>(grads[l].size() * 4);
      pending[l].push_back(net.irecv(theirs[l].data(), bytes, peer, 100 + static_cast<int>(l)));
      pending[l].push_back(net.isend(grads[l].data(), bytes, peer, 100 + static_cast<int>(l)));
    }
  }
  for (auto &r : pending)
    net.wait_all(r);
  std::int64_t micros = static_cast<std::int64_t>(
      std::chrono::duration<double>(last - first).count() / (steps - 2) * 1e6);
  net.allreduce_max(&micros, 1);
  return static_cast<double>(micros) * 1e-6;
}

// The policy alone: seconds per chunk of ready + next + completed.
double policy_cost_per_chunk() {
  PolicySettings s;
  s.partition_bytes = 4096;
  s.credit_bytes = 4 * 4096;
  const auto policy = make_policy(s);
  constexpr int kTasks = 2000, kChunks = 64;
  std::vector<CommDispatch> flying;
  const Clock::time_point start = Clock::now();
  std::int64_t chunks = 0;
  for (int t = 0; t < kTasks; ++t) {
    policy->ready(CommTask{t, 4096 * kChunks, (t * 7919) % 97}, 0);
    // Keep a few tasks queued, so the heap is not trivial.
    if (t % 8 != 7)
      continue;
    while (true) {
      std::optional<CommDispatch> d = policy->next(0);
      if (!d) {
        if (flying.empty())
          break;
        policy->completed(flying.front());
        flying.erase(flying.begin());
        continue;
      }
      flying.push_back(std::move(*d));
      ++chunks;
    }
  }
  return seconds_since(start) / static_cast<double>(chunks);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv) {
  Session session(argc, argv);
  Transport &net = session.transport();
  int steps = 8, rounds = 3;
  double scale = 24;
  std::string only; // one profile
  std::vector<std::pair<std::int64_t, std::int64_t>> points = {
      {64 << 10, 256 << 10}, {128 << 10, 512 << 10}, {256 << 10, 1 << 20}, {1 << 20, 4 << 20}};
  for (int a = 1; a + 1 < argc; a += 2) {
    if (!std::strcmp(argv[a], "--steps"))
      steps = std::atoi(argv[a + 1]);
    else if (!std::strcmp(argv[a], "--rounds"))
      rounds = std::atoi(argv[a + 1]);
    else if (!std::strcmp(argv[a], "--scale"))
      scale = std::atof(argv[a + 1]);
    else if (!std::strcmp(argv[a], "--only"))
      only = argv[a + 1];
    else if (!std::strcmp(argv[a], "--priority")) {
      // PARTITION_KIB/CREDIT_KIB,...: the priority points to measure.
      points.clear();
      for (const char *at = argv[a + 1]; *at;) {
        char *end = nullptr;
        const long part = std::strtol(at, &end, 10);
        const long credit = *end == '/' ? std::strtol(end + 1, &end, 10) : 0;
        if (part <= 0 || credit <= 0)
          break;
        points.emplace_back(std::int64_t{part} << 10, std::int64_t{credit} << 10);
        at = *end == ',' ? end + 1 : end;
      }
    } else if (!std::strcmp(argv[a], "--compute"))
      sleep_instead_of_spinning = !std::strcmp(argv[a + 1], "sleep");
  }
  if (net.size() != 2 || steps < 3 || rounds < 1 || !(scale > 0) || points.empty()) {
    if (net.rank() == 0)
      std::fprintf(stderr, "comm_bench: 2 processes, --steps >= 3, --rounds >= 1, --scale > 0, "
                           "--priority P/C,... in KiB\n");
    return 2;
  }
  const bool root = net.rank() == 0;
  const TransferScheduler::Settings given = transfer_settings(session.options());
  SimulatedLink link{given.link.enabled() ? given.link.bytes_per_second : 1e12,
                     given.link.latency_seconds, 0};
  // The simulator's cost per message, measured: a 4 MiB all-reduce in 64 chunks of
  // 64 KiB (credit 256 KiB) against the same whole, on this link, per chunk.
  {
    std::vector<float> data(1 << 20, 1.0f);
    std::vector<double> whole, chunked;
    for (int round = 0; round < 3; ++round) {
      for (std::int64_t part : {kUnlimitedBytes, std::int64_t{64} << 10}) {
        TransferScheduler::Settings s = given;
        s.policy.partition_bytes = part;
        s.policy.credit_bytes = part == kUnlimitedBytes ? part : 4 * part;
        TransferScheduler scheduler(net, s);
        net.barrier();
        const Clock::time_point start = Clock::now();
        scheduler.wait(scheduler.allreduce_sum(data.data(), 1 << 20, 0));
        std::int64_t micros = static_cast<std::int64_t>(seconds_since(start) * 1e6);
        net.allreduce_max(&micros, 1);
        (part == kUnlimitedBytes ? whole : chunked).push_back(static_cast<double>(micros) * 1e-6);
      }
    }
    link.message_seconds = std::max(0.0, (median(chunked) - median(whole)) / 63);
  }
  if (root) {
    std::printf("link %.3g Gb/s, %.0f us; bytes / %.0f (bucket and fusion sizes too); %d steps, "
                "%d rounds; computation by %s; simulated cost per message %.0f us (measured)\n",
                link.bytes_per_second * 8 / 1e9, link.latency_seconds * 1e6, scale, steps, rounds,
                sleep_instead_of_spinning ? "sleeping" : "spinning", link.message_seconds * 1e6);
  }
  // The baselines' sizes scaled like the tensors.
  PolicySettings base;
  base.bucket_bytes = static_cast<std::int64_t>(static_cast<double>(base.bucket_bytes) / scale);
  base.first_bucket_bytes =
      static_cast<std::int64_t>(static_cast<double>(base.first_bucket_bytes) / scale);
  base.fusion_bytes = static_cast<std::int64_t>(static_cast<double>(base.fusion_bytes) / scale);

  for (const Profile &p : profiles(scale)) {
    if (!only.empty() && p.name != only)
      continue;
    double compute = 0;
    std::int64_t bytes = 0;
    for (const LayerTiming &l : p.layers) {
      compute += l.forward_seconds + l.backward_seconds;
      bytes += l.gradient_bytes;
    }
    // Priority at a few (partition, credit) points; the simulator's pick among them is
    // marked (the simulator knows the link, not MPI's cost per message).
    std::vector<std::pair<std::string, PolicySettings>> configs;
    for (PolicyKind k : {PolicyKind::Fifo, PolicyKind::Buckets, PolicyKind::Fusion}) {
      PolicySettings s = base;
      s.kind = k;
      configs.emplace_back(policy_name(k), s);
    }
    std::string simulated_pick;
    double best_time = 1e30;
    for (const auto &[part, credit] : points) {
      PolicySettings s = base;
      s.partition_bytes = part;
      s.credit_bytes = credit;
      const std::string name =
          "prio " + std::to_string(part >> 10) + "K/" + std::to_string(credit >> 10) + "K";
      configs.emplace_back(name, s);
      // Points go from small to large partitions: within 0.1%, the larger (fewer
      // messages, which the simulator does not charge for) wins.
      const double t = simulate_training(p.layers, link, s, steps).step_seconds;
      if (t <= best_time * 1.001) {
        best_time = t;
        simulated_pick = name;
      }
    }
    if (root) {
      std::printf("\n%s: %zu layers, %.1f ms computation, %.2f MB of gradients (%.1f ms on the "
                  "link)\n",
                  p.name.c_str(), p.layers.size(), compute * 1e3, static_cast<double>(bytes) / 1e6,
                  static_cast<double>(bytes) / link.bytes_per_second * 1e3);
    }
    std::map<std::string, std::vector<double>> times;
    for (int round = 0; round < rounds; ++round) {
      for (const auto &[name, policy] : configs) {
        TransferScheduler::Settings s = given;
        s.policy = policy;
        times[name].push_back(run_training(net, p, s, steps));
      }
    }
    if (root) {
      std::printf("  %-17s %10s %10s %9s\n", "policy", "measured", "simulated", "vs fifo");
      const double fifo = median(times["fifo"]);
      double best_priority = 1e30, best_baseline = 1e30;
      for (const auto &[name, policy] : configs) {
        const double m = median(times[name]);
        std::printf("  %-17s %7.1f ms %7.1f ms %8.3fx%s\n", name.c_str(), m * 1e3,
                    simulate_training(p.layers, link, policy, steps).step_seconds * 1e3, fifo / m,
                    name == simulated_pick ? "  (simulator's pick)" : "");
        (policy.kind == PolicyKind::Priority ? best_priority : best_baseline) =
            std::min(policy.kind == PolicyKind::Priority ? best_priority : best_baseline, m);
      }
      const double better = std::min(median(times["buckets"]), median(times["fusion"]));
      const double pick = median(times[simulated_pick]);
      std::printf("  simulator's pick over fifo %.3fx, over the better of buckets and fusion %.3fx, "
                  "over the best baseline %.3fx\n",
                  fifo / pick, better / pick, best_baseline / pick);
      std::printf("  best priority over fifo %.3fx, over the better of buckets and fusion %.3fx, "
                  "over the best baseline %.3fx\n",
                  fifo / best_priority, better / best_priority, best_baseline / best_priority);
      std::fflush(stdout);
    }
  }

  // (d) Scheduling disabled ("fifo", no emulated link) against no scheduler at all, on
  // the communication-light profile; and the policy's own cost per chunk.
  if (only.empty() || only == "overhead") {
    const Profile p = profiles(scale).back();
    TransferScheduler::Settings fifo;
    fifo.policy.kind = PolicyKind::Fifo;
    std::vector<double> direct, scheduled;
    for (int round = 0; round < rounds; ++round) {
      direct.push_back(run_direct(net, p, steps));
      scheduled.push_back(run_training(net, p, fifo, steps));
    }
    const double cost = policy_cost_per_chunk();
    // The whole scheduler's marginal cost per chunk (MPI's per-message cost included):
    // an 8 MiB all-reduce in 4 KiB chunks against the same whole, no emulated link.
    const std::int64_t count = 2 << 20;
    std::vector<float> data(static_cast<std::size_t>(count), 1.0f);
    std::vector<double> whole, chunked;
    for (int round = 0; round < 3 * rounds; ++round) {
      for (std::int64_t part : {kUnlimitedBytes, std::int64_t{4096}}) {
        TransferScheduler::Settings s;
        s.policy.partition_bytes = part;
        s.policy.credit_bytes = part == 4096 ? 16 * 4096 : part;
        TransferScheduler scheduler(net, s);
        net.barrier();
        const Clock::time_point start = Clock::now();
        scheduler.wait(scheduler.allreduce_sum(data.data(), count, 0));
        std::int64_t micros = static_cast<std::int64_t>(seconds_since(start) * 1e6);
        net.allreduce_max(&micros, 1);
        (part == 4096 ? chunked : whole).push_back(static_cast<double>(micros) * 1e-6);
      }
    }
    const double chunks = static_cast<double>(count * 4 / 4096);
    // The scheduler's own cost per chunk, without MPI's messages: the same on one
    // process (each process alone).
    std::vector<double> alone_whole, alone_chunked;
    {
      std::unique_ptr<Session> alone = session.split(net.rank(), 1);
      for (int round = 0; round < 3 * rounds; ++round) {
        for (std::int64_t part : {kUnlimitedBytes, std::int64_t{4096}}) {
          TransferScheduler::Settings s;
          s.policy.partition_bytes = part;
          s.policy.credit_bytes = part == 4096 ? 16 * 4096 : part;
          TransferScheduler scheduler(alone->transport(), s);
          const Clock::time_point start = Clock::now();
          scheduler.wait(scheduler.allreduce_sum(data.data(), count, 0));
          (part == 4096 ? alone_chunked : alone_whole).push_back(seconds_since(start));
        }
      }
    }
    if (root) {
      std::printf("\noverhead, %s without the emulated link: no scheduler %.2f ms, scheduler "
                  "with \"fifo\" %.2f ms (%+.2f%%)\n",
                  p.name.c_str(), median(direct) * 1e3, median(scheduled) * 1e3,
                  (median(scheduled) / median(direct) - 1) * 100);
      std::printf("policy cost per chunk (ready + next + completed, 4 KiB chunks): %.3f us\n",
                  cost * 1e6);
      std::printf("8 MiB all-reduce: whole %.2f ms, in %.0f chunks of 4 KiB %.2f ms: %.2f us more "
                  "per chunk, MPI's messages included\n",
                  median(whole) * 1e3, chunks, median(chunked) * 1e3,
                  (median(chunked) - median(whole)) / chunks * 1e6);
      std::printf("the same on one process (no messages): whole %.3f ms, chunked %.3f ms: %.2f us "
                  "more per chunk\n",
                  median(alone_whole) * 1e3, median(alone_chunked) * 1e3,
                  (median(alone_chunked) - median(alone_whole)) / chunks * 1e6);
    }
  }
  return 0;
}
