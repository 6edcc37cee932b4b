// Plans for the pipeline executor (include/weft/rt/pipeline.h): from the options, or from
// a profile of the loop's first iteration and a measured link, by the partitioner of
// pipeline_partition.h.
#include "weft/rt/pipeline.h"
#include "weft/rt/pipeline_partition.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace weft::rt::pipeline {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The legal cut points of `loop` (after layer c), sorted, each once.
std::vector<int> legal_cuts(const Loop &loop) {
  std::vector<int> cuts;
  for (const Loop::Boundary &b : loop.boundaries())
    cuts.push_back(b.layer);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

int default_microbatches(const Plan &plan) {
  const int p = static_cast<int>(plan.replicas.size());
  if (plan.schedule == ScheduleKind::one_f_one_b)
    return 1; // one microbatch per minibatch, each updating the weights
  if (plan.schedule == ScheduleKind::two_bw)
    return std::max(p - 1, 1) * 2; // at least p - 1 (pipeline_schedule.h)
  const int most = *std::max_element(plan.replicas.begin(), plan.replicas.end());
  return most * (p > 1 ? 4 * p : 1);
}

// The options' microbatches, or by default one per replica of the most replicated stage
// times 4 per stage in a pipeline (1 for 1f1b, 2 (p - 1) for 2bw), at most one per row
// of the minibatch.
int microbatches_for(const Options &o, const Plan &plan, const Loop &loop) {
  if (o.pipeline_microbatches > 0)
    return o.pipeline_microbatches;
  std::string why;
  const std::int64_t rows = std::max<std::int64_t>(loop.minibatch_rows(&why), 1);
  return static_cast<int>(std::min<std::int64_t>(default_microbatches(plan), rows));
}

// The link between processes 0 and 1, from two ping-pongs (8 bytes, then 1 MiB), each
// the best of three: latency = half the small round trip, bandwidth = the large
// message's bytes over half its round trip less the latency. Collective.
LinkModel measure_link(Session &session) {
  LinkModel link;
  Transport &t = session.transport();
  const int me = t.rank();
  double results[2] = {0, 0};
  if (me <= 1) {
    std::vector<char> buffer(std::size_t{1} << 20);
    const std::int64_t sizes[2] = {8, static_cast<std::int64_t>(buffer.size())};
    for (int which = 0; which < 2; ++which) {
      double best = 1e30;
      for (int round = 0; round < 3; ++round) {
        const auto start = std::chrono::steady_clock::now();
        for (int leg = 0; leg < 2; ++leg) {
          if ((leg == 0) == (me == 0)) {
            Request r = t.isend(buffer.data(), sizes[which], 1 - me, 30000 + which, Kind::Control);
            t.wait(r);
          } else {
            Request r = t.irecv(buffer.data(), sizes[which], 1 - me, 30000 + which);
            t.wait(r);
          }
        }
        best = std::min(best, seconds_since(start));
      }
      results[which] = best / 2;
    }
  }
  t.broadcast(results, sizeof results, 0);
  link.latency_s = results[0];
  const double transfer = results[1] - results[0];
  link.bandwidth_bytes_per_s = transfer > 0 ? static_cast<double>(1 << 20) / transfer : 1e12;
  return link;
}

} // namespace

Plan plan_from_options(const Session &session, const Loop &loop) {
  const Options &o = session.options();
  const int processes = session.size();
  const int layers = static_cast<int>(loop.layers().size());
  const std::vector<int> cuts = legal_cuts(loop);
  const int most = std::min(processes, static_cast<int>(cuts.size()) + 1);
  const int p = o.pipeline_stages > 0 ? o.pipeline_stages : std::max(most, 1);
  if (p > most) {
    throw PipelineError("weft pipeline: " + std::to_string(p) +
                        " stages asked for (--weft-pipeline-stages, WEFT_PIPELINE_STAGES) with " +
                        std::to_string(processes) + " processes and " +
                        std::to_string(cuts.size()) + " legal cuts (at most " +
                        std::to_string(most) + " stages)");
  }
  Plan plan;
  plan.schedule = o.pipeline_schedule.empty() ? loop.pragma_schedule()
                                              : parse_schedule_kind(o.pipeline_schedule);
  // Stage s ends at the legal cut nearest to s * layers / p (each cut used once).
  plan.stage_begin.push_back(0);
  std::size_t next = 0;
  for (int s = 1; s < p; ++s) {
    const double target = static_cast<double>(s) * layers / p - 1;
    std::size_t best = next;
    // Leave enough cuts for the stages after this one.
    const std::size_t last = cuts.size() - static_cast<std::size_t>(p - s);
    for (std::size_t c = next; c <= last; ++c) {
      if (std::abs(cuts[c] - target) < std::abs(cuts[best] - target))
        best = c;
    }
    plan.stage_begin.push_back(cuts[best] + 1);
    next = best + 1;
  }
  plan.stage_begin.push_back(layers);
  // The asynchronous schedules run each stage on one process (the others wait).
  const bool asynchronous =
      plan.schedule == ScheduleKind::one_f_one_b || plan.schedule == ScheduleKind::two_bw;
  for (int s = 0; s < p; ++s)
    plan.replicas.push_back(asynchronous ? 1 : processes / p + (s < processes % p ? 1 : 0));
  plan.microbatches = microbatches_for(o, plan, loop);
  return plan;
}

PipelineProfile profile_loop(Session &session, Loop &loop, std::int64_t first) {
  const std::vector<int> cuts = legal_cuts(loop);
  const int layers = static_cast<int>(loop.layers().size());
  // Profile layer g: the loop's layers from one legal cut to the next.
  std::vector<int> begin{0};
  for (int c : cuts)
    begin.push_back(c + 1);
  begin.push_back(layers);
  const std::size_t groups = begin.size() - 1;
  // Per group: forward, backward, and the update that runs once per minibatch (counted
  // into the backward time: the cost model's compute per minibatch holds both).
  std::vector<double> forward(groups, 0), backward(groups, 0), update(groups, 0);

  // On copies of every array of the loop, with the accumulators collecting into nothing:
  // the loop's arrays stay as they are. State (weights, optimizer state) is copied with
  // its values, so that the updates compute on what they would.
  for (auto &a : loop.arrays()) {
    a->make_slots({}, 1);
    if (a->part() == Part::state)
      a->copy_to_slot(0);
    a->exchange(0);
  }
  const auto give_back = [&] {
    for (auto &a : loop.arrays())
      a->exchange(0);
  };
  const auto timed = [&](std::vector<double> &figure, std::size_t g, int round, auto &&run) {
    const auto start = std::chrono::steady_clock::now();
    run();
    const double t = seconds_since(start);
    figure[g] = round == 1 ? t : round > 1 ? std::min(figure[g], t) : 0;
  };
  constexpr int kRounds = 3; // the least of three, after one to warm up
  try {
    for (int round = 0; round <= kRounds; ++round) {
      for (auto &acc : loop.accumulators())
        acc->begin_collecting();
      for (std::size_t g = 0; g < groups; ++g) {
        timed(forward, g, round, [&] {
          for (int l = begin[g]; l < begin[g + 1]; ++l)
            if (const Statements &f = loop.layers()[static_cast<std::size_t>(l)].forward)
              f(first);
        });
      }
      for (std::size_t g = groups; g-- > 0;) {
        timed(backward, g, round, [&] {
          for (int l = begin[g + 1] - 1; l >= begin[g]; --l)
            if (const Statements &f = loop.layers()[static_cast<std::size_t>(l)].backward)
              f(first);
        });
      }
      for (std::size_t g = groups; g-- > 0;) {
        timed(update, g, round, [&] {
          for (int l = begin[g + 1] - 1; l >= begin[g]; --l)
            if (const Statements &f = loop.layers()[static_cast<std::size_t>(l)].update)
              f(first);
        });
      }
      for (auto &acc : loop.accumulators())
        acc->end_collecting();
    }
  } catch (...) {
    // The accumulators and arrays get their own storage back (the program may catch it).
    for (auto &acc : loop.accumulators())
      acc->end_collecting();
    give_back();
    throw;
  }
  give_back();
  for (std::size_t g = 0; g < groups; ++g)
    backward[g] += update[g];
  // Every process plans with process 0's figures.
  std::vector<double> figures(forward);
  figures.insert(figures.end(), backward.begin(), backward.end());
  session.transport().broadcast(figures.data(),
                                static_cast<std::int64_t>(figures.size() * sizeof(double)), 0);

  PipelineProfile profile;
  for (std::size_t g = 0; g < groups; ++g) {
    LayerProfile layer;
    layer.name = "layers " + std::to_string(begin[g]) + "-" + std::to_string(begin[g + 1] - 1);
    layer.forward_ms = 1e3 * figures[g];
    layer.backward_ms = 1e3 * figures[groups + g];
    for (const Loop::Boundary &b : loop.boundaries())
      if (g + 1 < groups && b.layer == begin[g + 1] - 1)
        layer.activation_bytes =
            static_cast<double>(loop.arrays()[static_cast<std::size_t>(b.activation)]->bytes());
    for (const auto &a : loop.arrays())
      if (a->part() == Part::gradient && a->layer() >= begin[g] && a->layer() < begin[g + 1])
        layer.weight_bytes += static_cast<double>(a->bytes());
    profile.layers.push_back(layer);
  }
  return profile;
}

Plan choose_plan(Session &session, Loop &loop, std::int64_t first) {
  const Options &o = session.options();
  if (loop.layers().empty() ||
      ((o.pipeline_stages > 0 || session.size() == 1) && o.pipeline_profile.empty()))
    return plan_from_options(session, loop);
  const PipelineProfile profile = profile_loop(session, loop, first);
  if (!o.pipeline_profile.empty()) {
    // Written by process 0; a file it cannot write is every process's error.
    std::optional<std::string> error;
    if (session.rank() == 0) {
      try {
        write_pipeline_profile(profile, o.pipeline_profile);
      } catch (const weft::Error &e) {
        error = e.what();
      }
    }
    session.transport().agree_on_error(error);
    if (o.pipeline_stages > 0 || session.size() == 1)
      return plan_from_options(session, loop);
  }
  PartitionOptions options;
  options.workers = session.size();
  // The asynchronous schedules run every stage on one process.
  const ScheduleKind kind = o.pipeline_schedule.empty() ? loop.pragma_schedule()
                                                        : parse_schedule_kind(o.pipeline_schedule);
  options.replicate_stages = kind == ScheduleKind::flush || kind == ScheduleKind::gpipe;
  options.allow_idle_workers = !options.replicate_stages;
  options.link = measure_link(session);
  const PipelinePlan best = partition_pipeline(profile, options);
  Plan plan;
  plan.schedule = o.pipeline_schedule.empty() ? loop.pragma_schedule()
                                              : parse_schedule_kind(o.pipeline_schedule);
  const std::vector<int> cuts = legal_cuts(loop);
  for (const PipelineStage &stage : best.stages) {
    plan.stage_begin.push_back(
        stage.begin == 0 ? 0 : cuts[static_cast<std::size_t>(stage.begin - 1)] + 1);
    plan.replicas.push_back(stage.replicas);
  }
  plan.stage_begin.push_back(static_cast<int>(loop.layers().size()));
  plan.microbatches = microbatches_for(o, plan, loop);
  if (o.pipeline_stats && session.rank() == 0)
    std::fprintf(stderr, "weft pipeline: plan\n%s", explain(best, profile).c_str());
  return plan;
}

namespace {

// What a chosen plan depends on besides measurements: the session, the options that pick
// a plan, and the loop's layers, cuts and arrays (which DistArray, its part, layer, shape).
std::string plan_signature(const Session &session, const Loop &loop) {
  const Options &o = session.options();
  std::string text =
      std::to_string(reinterpret_cast<std::uintptr_t>(&session)) +
      ";P=" + std::to_string(session.size()) + ";stages=" + std::to_string(o.pipeline_stages) +
      ";m=" + std::to_string(o.pipeline_microbatches) + ";schedule=" + o.pipeline_schedule +
      ";pragma=" + std::to_string(static_cast<int>(loop.pragma_schedule())) +
      ";profile=" + o.pipeline_profile + ";layers=" + std::to_string(loop.layers().size()) +
      ";cuts=";
  for (const Loop::Boundary &b : loop.boundaries())
    text += std::to_string(b.layer) + ":" + std::to_string(b.activation) + ":" +
            std::to_string(b.gradient) + ",";
  text += ";arrays=";
  for (std::size_t a = 0; a < loop.arrays().size(); ++a) {
    const LoopArray &array = *loop.arrays()[a];
    text += std::to_string(reinterpret_cast<std::uintptr_t>(loop.addresses()[a])) + ":" +
            std::to_string(static_cast<int>(array.part())) + ":" + std::to_string(array.layer()) +
            ":" + (array.stashed() ? "w" : "-") + ":" + std::to_string(array.rows()) + ":" +
            std::to_string(array.bytes()) + ",";
  }
  return text;
}

// Plans chosen in this process, the most recent last (a few loops at most).
std::vector<std::pair<std::string, Plan>> &chosen_plans() {
  static std::vector<std::pair<std::string, Plan>> plans;
  return plans;
}
constexpr std::size_t kChosenPlansKept = 16;

} // namespace

RunStats run(Session &session, Loop &loop, std::int64_t first, std::int64_t end) {
  // No profile where the executor will run the loop as written (arrays of a minibatch's
  // rows that disagree on the rows) or has nothing to run.
  std::string why;
  const bool profile = end > first && loop.minibatch_rows(&why) >= 0;
  if (!profile)
    return run(session, loop, first, end, plan_from_options(session, loop));
  const std::string signature = plan_signature(session, loop);
  auto &plans = chosen_plans();
  const auto known =
      std::find_if(plans.begin(), plans.end(), [&](const auto &p) { return p.first == signature; });
  // Every process must take the same branch (choose_plan is collective).
  std::int64_t everywhere = known != plans.end() ? 1 : 0;
  session.transport().allreduce_min(&everywhere, 1);
  if (everywhere == 1)
    return run(session, loop, first, end, known->second);
  if (known != plans.end())
    plans.erase(known);
  const Plan plan = choose_plan(session, loop, first);
  if (plans.size() == kChosenPlansKept)
    plans.erase(plans.begin());
  plans.emplace_back(signature, plan);
  return run(session, loop, first, end, plan);
}

} // namespace weft::rt::pipeline
