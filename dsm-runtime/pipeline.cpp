// The pipeline executor on CPU processes (include/weft/rt/pipeline.h): one process per
// stage replica, activations and their gradients between stages over MPI, each stage's
// gradients summed over its replicas before its updates.
#include "weft/rt/pipeline.h"
#include "weft/rt/transfer_scheduler.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <optional>

namespace weft::rt::pipeline {

namespace {

// The microbatch whose statements run now (microbatch() reads it).
struct CurrentMicrobatch {
  bool active = false;
  std::int64_t offset = 0, rows = 0, minibatch_rows = 0;
};
thread_local CurrentMicrobatch current;

struct MicrobatchScope {
  MicrobatchScope(std::int64_t offset, std::int64_t rows, std::int64_t minibatch_rows) {
    current = {true, offset, rows, minibatch_rows};
  }
  ~MicrobatchScope() { current = {}; }
  MicrobatchScope(const MicrobatchScope &) = delete;
  MicrobatchScope &operator=(const MicrobatchScope &) = delete;
};

std::int64_t narrowed_offset(std::int64_t view_rows) {
  if (view_rows != current.minibatch_rows) {
    throw weft::Error("weft::rt::pipeline::microbatch: a view of " + std::to_string(view_rows) +
                      " rows in a loop whose minibatch has " +
                      std::to_string(current.minibatch_rows) + " rows");
  }
  return current.offset;
}

[[noreturn]] void internal_error(int line, const std::string &what) {
  throw std::logic_error(
      "weft: internal error at dsm-runtime/pipeline.cpp:" + std::to_string(line) + ": " + what);
}

// Messages between stages: tag 2 (i mod 2^14) + direction, so that a receive can only
// match its own microbatch's message while fewer than 2^14 microbatches are in flight.
// Arrays exchanged with one of their copies for as long as it lives, exchanged back when
// it ends, also by an exception (the program may catch it and read the arrays).
class Exchanged {
public:
  Exchanged() = default;
  Exchanged(const Exchanged &) = delete;
  Exchanged &operator=(const Exchanged &) = delete;
  ~Exchanged() { undo(); }
  void add(LoopArray &array, int slot) {
    array.exchange(slot);
    done_.emplace_back(&array, slot);
  }
  void undo() {
    for (auto it = done_.rbegin(); it != done_.rend(); ++it)
      it->first->exchange(it->second);
    done_.clear();
  }

private:
  std::vector<std::pair<LoopArray *, int>> done_;
};

bool is_examples(Part part) { return part == Part::examples; }

int tag_of(int microbatch, bool gradient) { return 2 * (microbatch % 16384) + (gradient ? 1 : 0); }

// The checks of a plan against the loop and the processes; the message of the first
// violation, or nothing.
std::optional<std::string> plan_error(const Loop &loop, const Plan &plan, int processes) {
  const int layers = static_cast<int>(loop.layers().size());
  const std::size_t p = plan.replicas.size();
  if (layers == 0)
    return "the loop has no layers";
  if (p == 0 || plan.stage_begin.size() != p + 1)
    return "a plan needs one replica count per stage and stage_begin with one entry more";
  if (plan.stage_begin.front() != 0 || plan.stage_begin.back() != layers)
    return "the stages must cover layers 0 to " + std::to_string(layers - 1);
  int total = 0;
  for (std::size_t s = 0; s < p; ++s) {
    if (plan.stage_begin[s] >= plan.stage_begin[s + 1])
      return "stage " + std::to_string(s) + " holds no layer";
    if (plan.replicas[s] < 1)
      return "stage " + std::to_string(s) + " has no replica";
    total += plan.replicas[s];
  }
  // Fewer replicas than processes: the others wait for the loop's results (an
  // asynchronous schedule runs each stage on one process, whatever the processes).
  if (total > processes) {
    return "the plan's stages have " + std::to_string(total) + " replicas in all, for " +
           std::to_string(processes) + " processes";
  }
  if (plan.microbatches < 1)
    return "a minibatch needs at least one microbatch";
  if (plan.schedule != ScheduleKind::flush && plan.schedule != ScheduleKind::gpipe) {
    // The asynchronous schedules compute with stale weights: only where the loop asks.
    if (loop.pragma_schedule() != plan.schedule) {
      return std::string("schedule ") + schedule_kind_name(plan.schedule) +
             " updates with stale weights, which the loop does not allow (its pragma must "
             "ask for it: #pragma weft pipeline schedule(" +
             schedule_kind_name(plan.schedule) + "))";
    }
    for (int r : plan.replicas)
      if (r != 1)
        return std::string("schedule ") + schedule_kind_name(plan.schedule) +
               " runs every stage on one process";
  }
  for (std::size_t s = 0; s + 1 < p; ++s) {
    const int cut = plan.stage_begin[s + 1] - 1;
    bool declared = false;
    for (const Loop::Boundary &b : loop.boundaries())
      declared = declared || b.layer == cut;
    if (!declared)
      return "no activation is declared for the cut after layer " + std::to_string(cut);
  }
  return std::nullopt;
}

// The processes a plan runs its stages on.
int plan_processes(const Plan &plan) {
  int total = 0;
  for (int r : plan.replicas)
    total += r;
  return total;
}

// One process's part of a run.
class StageRunner {
public:
  StageRunner(Session &session, Loop &loop, const Plan &plan, std::int64_t first)
      : session_(session), loop_(loop), plan_(plan), first_(first) {
    const int me = session.rank();
    int base = 0;
    for (std::size_t s = 0; s < plan.replicas.size(); ++s) {
      base_.push_back(base);
      if (me >= base && me < base + plan.replicas[s]) {
        stage_ = static_cast<int>(s);
        replica_ = me - base;
      }
      base += plan.replicas[s];
    }
    for (std::size_t s = 0; s + 1 < plan.stage_begin.size(); ++s) {
      for (int l = plan.stage_begin[s]; l < plan.stage_begin[s + 1]; ++l)
        stage_of_layer_.push_back(static_cast<int>(s));
    }
  }

  int stage() const { return stage_; }
  int replica() const { return replica_; }
  int stage_of_layer(int layer) const {
    if (layer < 0 || layer >= static_cast<int>(stage_of_layer_.size()))
      internal_error(__LINE__, "array of layer " + std::to_string(layer) + " out of range");
    return stage_of_layer_[static_cast<std::size_t>(layer)];
  }
  int rank_of(int stage, int microbatch_in_minibatch) const {
    return base_[static_cast<std::size_t>(stage)] +
           microbatch_in_minibatch % plan_.replicas[static_cast<std::size_t>(stage)];
  }
  int first_rank(int stage) const { return base_[static_cast<std::size_t>(stage)]; }

  // Splits the minibatch of B rows into the plan's microbatches and makes the copies:
  // `slots` copies of each examples array (microbatch i uses copy i mod slots; at most
  // `slots` consecutive microbatches are in flight, and under an asynchronous schedule
  // every microbatch has the same rows), two of each gradient array, and the weight
  // versions' stash.
  void prepare(std::int64_t B, int slots, const std::vector<Op> &ops) {
    const int m = plan_.microbatches;
    slots_ = slots;
    rows_.clear();
    offsets_.clear();
    std::int64_t offset = 0;
    for (int k = 0; k < m; ++k) {
      rows_.push_back(B / m + (k < B % m ? 1 : 0));
      offsets_.push_back(offset);
      offset += rows_.back();
    }
    B_ = B;
    std::vector<std::int64_t> slot_rows(static_cast<std::size_t>(slots));
    for (int j = 0; j < slots; ++j)
      slot_rows[static_cast<std::size_t>(j)] = rows_[static_cast<std::size_t>(j % m)];
    plan_versions(ops);
    for (auto &a : loop_.arrays()) {
      if (is_examples(a->part()))
        a->make_slots(slot_rows, slots);
      else if (a->part() == Part::gradient)
        a->make_slots({}, 2); // 0: one microbatch's gradient, 1: their combination
      else if (a->stashed())
        a->make_slots({}, stash_slots_);
    }
    pending_.clear();
    pending_.resize(loop_.arrays().size() * static_cast<std::size_t>(slots));
    totals_.assign(loop_.accumulators().size(), 0.0);
    summed_.assign(loop_.arrays().size(), false);
  }

  void forward(int i) {
    const int k = i % plan_.microbatches, slot = i % slots_;
    if (stage_ > 0)
      receive(boundary_before().activation, slot, rank_of(stage_ - 1, k), tag_of(i, false));
    run_statements(
        i, slot,
        [&](const Loop::Layer &layer, std::int64_t it) {
          if (layer.forward)
            layer.forward(it);
        },
        false);
    if (stage_ + 1 < stages())
      send(boundary_after().activation, slot, rank_of(stage_ + 1, k), tag_of(i, false));
  }

  void backward(int i) {
    const int k = i % plan_.microbatches, slot = i % slots_;
    if (stage_ + 1 < stages())
      receive(boundary_after().gradient, slot, rank_of(stage_ + 1, k), tag_of(i, true));
    Exchanged gradients;
    for (auto &a : loop_.arrays()) {
      if (a->part() == Part::gradient && stage_of_layer(a->layer()) == stage_)
        gradients.add(*a, 0);
    }
    run_statements(
        i, slot,
        [&](const Loop::Layer &layer, std::int64_t it) {
          if (layer.backward)
            layer.backward(it);
        },
        true);
    gradients.undo();
    // The minibatch's sum in copy 1: the first microbatch's gradient moves there (no
    // copy), later ones are added.
    for (std::size_t a = 0; a < loop_.arrays().size(); ++a) {
      LoopArray &array = *loop_.arrays()[a];
      if (array.part() != Part::gradient || stage_of_layer(array.layer()) != stage_)
        continue;
      if (summed_[a]) {
        array.add_to(1, 0);
      } else {
        array.swap_slots(0, 1);
        summed_[a] = true;
      }
    }
    if (stage_ > 0)
      send(boundary_before().gradient, slot, rank_of(stage_ - 1, k), tag_of(i, true));
  }

  // Weight versions (pipeline_schedule.h): before the update that makes version v + 1, a
  // copy of version v's weights is kept when a later op of this stage uses v; an op that
  // uses an older version than the current runs with the kept copy exchanged in, and
  // the copy is given back after the last op that uses it.
  void before_op(std::size_t index, const Op &op) {
    if (op.kind == OpKind::update) {
      const int v = current_version_;
      if (last_use_.count(v) && last_use_.at(v) > index) {
        if (free_stash_.empty())
          internal_error(__LINE__, "more weight versions alive than the schedule's bound");
        const int slot = free_stash_.back();
        free_stash_.pop_back();
        for (auto &a : loop_.arrays())
          if (a->stashed() && stage_of_layer(a->layer()) == stage_)
            a->copy_to_slot(slot);
        stash_[v] = slot;
        versions_kept_ = std::max(versions_kept_, static_cast<int>(stash_.size()));
      }
      return;
    }
    if (op.version != current_version_)
      exchange_weights(op.version);
  }
  // Op `op` threw between before_op and after_op: the current weights back in place.
  void abandon_op(const Op &op) {
    if (op.kind != OpKind::update && op.version != current_version_ && stash_.count(op.version))
      exchange_weights(op.version);
  }
  void after_op(std::size_t index, const Op &op) {
    if (op.kind == OpKind::update) {
      current_version_ = op.version;
      return;
    }
    if (op.version == current_version_)
      return;
    exchange_weights(op.version);
    if (last_use_.at(op.version) == index) {
      free_stash_.push_back(stash_.at(op.version));
      stash_.erase(op.version);
    }
  }

  void update(int t, Session *replicas) {
    // The sum becomes the array (its storage moves there; the array's old storage is
    // the next minibatch's scratch); a replica that ran no microbatch contributes 0.
    for (std::size_t a = 0; a < loop_.arrays().size(); ++a) {
      LoopArray &array = *loop_.arrays()[a];
      if (array.part() != Part::gradient || stage_of_layer(array.layer()) != stage_)
        continue;
      array.exchange(1);
      if (!summed_[a])
        array.clear_array();
      summed_[a] = false;
      // A gradient of another type than float is summed at once (MPI's all-reduce).
      if (replicas != nullptr && array.float_data() == nullptr)
        array.allreduce_sum(replicas->transport());
    }
    // The float gradients go through the transfer scheduler (DESIGN section 5): each
    // all-reduce is cut into chunks that leave in forward layer order (priority: the
    // array's place in that order), and a layer's updates run as soon as its own
    // gradients are summed, while later layers' chunks are still on the wire.
    // The order, priorities and chunks are planned at the first update; later steps
    // only post the all-reduces and wait for them.
    if (replicas != nullptr) {
      if (!reducer_) {
        reducer_ = std::make_unique<TransferScheduler>(replicas->transport(),
                                                       transfer_settings(session_.options()));
        reduced_gradients_ = forward_float_gradients();
        std::vector<std::int64_t> counts;
        for (const int a : reduced_gradients_)
          counts.push_back(loop_.arrays()[static_cast<std::size_t>(a)]->elements());
        reducer_->plan_allreduces(counts);
        reduced_.assign(loop_.layers().size(), {});
      }
      for (auto &handles : reduced_)
        handles.clear();
      std::int64_t priority = 0;
      for (const int a : reduced_gradients_) {
        LoopArray &array = *loop_.arrays()[static_cast<std::size_t>(a)];
        reduced_[static_cast<std::size_t>(array.layer())].push_back(
            reducer_->allreduce_sum(array.float_data(), array.elements(), priority++));
      }
    }
    for (int l = layer_begin(); l < layer_end(); ++l) {
      if (replicas != nullptr)
        for (const TransferScheduler::Handle h : reduced_[static_cast<std::size_t>(l)])
          reducer_->wait(h);
      const Loop::Layer &layer = loop_.layers()[static_cast<std::size_t>(l)];
      if (layer.update) {
        const auto start = std::chrono::steady_clock::now();
        collect([&] { layer.update(first_ + t); });
        busy_ += seconds_since(start);
      }
      if (reducer_)
        reducer_->progress();
    }
  }

  // This stage's float gradient arrays in forward layer order (then the loop's order).
  std::vector<int> forward_float_gradients() {
    std::vector<int> list;
    for (int l = layer_begin(); l < layer_end(); ++l) {
      for (std::size_t a = 0; a < loop_.arrays().size(); ++a) {
        LoopArray &array = *loop_.arrays()[a];
        if (array.part() == Part::gradient && array.layer() == l && array.float_data() != nullptr)
          list.push_back(static_cast<int>(a));
      }
    }
    return list;
  }

  // After the last op: every array whole on every process (collective, same order
  // everywhere), accumulators summed.
  void finish(std::int64_t iterations) {
    Transport &world = session_.transport();
    for (Request &r : pending_) {
      if (r.active())
        world.wait(r);
    }
    if (iterations > 0) {
      for (auto &a : loop_.arrays()) {
        const int owner = stage_of_layer(a->layer());
        if (is_examples(a->part())) {
          for (int k = 0; k < plan_.microbatches; ++k) {
            const int root = rank_of(owner, k);
            const std::int64_t offset = offsets_[static_cast<std::size_t>(k)];
            const int slot = static_cast<int>(((iterations - 1) * plan_.microbatches + k) % slots_);
            if (session_.rank() == root) {
              a->copy_rows(slot, offset);
            }
            world.broadcast(static_cast<std::byte *>(a->data()) + offset * a->row_bytes(),
                            a->slot_bytes(slot), root, Kind::Data);
          }
        } else {
          world.broadcast(a->data(), a->bytes(), first_rank(owner), Kind::Data);
        }
      }
    }
    for (std::size_t a = 0; a < totals_.size(); ++a) {
      double total = totals_[a];
      world.allreduce_sum(&total, 1);
      loop_.accumulators()[a]->add(total);
    }
  }

  double busy() const { return busy_; }
  int versions_kept() const { return versions_kept_; }
  int stages() const { return static_cast<int>(plan_.replicas.size()); }

private:
  void exchange_weights(int version) {
    const auto kept = stash_.find(version);
    if (kept == stash_.end())
      internal_error(__LINE__, "weight version " + std::to_string(version) + " was not kept");
    for (auto &a : loop_.arrays())
      if (a->stashed() && stage_of_layer(a->layer()) == stage_)
        a->exchange(kept->second);
  }
  // The last op (index into this stage's list) that uses each version, and how many
  // copies the stash needs: the most versions alive at once, less the current one.
  void plan_versions(const std::vector<Op> &ops) {
    last_use_.clear();
    stash_.clear();
    current_version_ = 0;
    for (std::size_t j = 0; j < ops.size(); ++j)
      if (ops[j].kind != OpKind::update)
        last_use_[ops[j].version] = j;
    // After the update at j, the versions a later op still uses are all older than the
    // current one: each needs a kept copy.
    int most = 0;
    for (std::size_t j = 0; j < ops.size(); ++j) {
      if (ops[j].kind != OpKind::update)
        continue;
      int kept = 0;
      for (const auto &[v, last] : last_use_)
        kept += v < ops[j].version && last > j ? 1 : 0;
      most = std::max(most, kept);
    }
    stash_slots_ = most;
    free_stash_.clear();
    for (int slot = most - 1; slot >= 0; --slot)
      free_stash_.push_back(slot);
  }

  int layer_begin() const { return plan_.stage_begin[static_cast<std::size_t>(stage_)]; }
  int layer_end() const { return plan_.stage_begin[static_cast<std::size_t>(stage_) + 1]; }
  const Loop::Boundary &boundary_at(int layer) const {
    for (const Loop::Boundary &b : loop_.boundaries()) {
      if (b.layer == layer)
        return b;
    }
    internal_error(__LINE__, "no boundary after layer " + std::to_string(layer));
  }
  const Loop::Boundary &boundary_before() const { return boundary_at(layer_begin() - 1); }
  const Loop::Boundary &boundary_after() const { return boundary_at(layer_end() - 1); }

  Request &pending(int array, int slot) {
    return pending_[static_cast<std::size_t>(array) * static_cast<std::size_t>(slots_) +
                    static_cast<std::size_t>(slot)];
  }
  // A slot is written (received into, or computed) only once its earlier send is done.
  void settle(int k) {
    for (std::size_t a = 0; a < loop_.arrays().size(); ++a) {
      Request &r = pending(static_cast<int>(a), k);
      if (r.active())
        session_.transport().wait(r);
    }
  }
  void receive(int array, int k, int from, int tag) {
    settle(k);
    LoopArray &a = *loop_.arrays()[static_cast<std::size_t>(array)];
    Request r = session_.transport().irecv(a.slot_data(k), a.slot_bytes(k), from, tag);
    session_.transport().wait(r);
  }
  void send(int array, int k, int to, int tag) {
    LoopArray &a = *loop_.arrays()[static_cast<std::size_t>(array)];
    pending(array, k) = session_.transport().isend(a.slot_data(k), a.slot_bytes(k), to, tag);
  }

  // Runs `body` with the accumulators collecting into this process's totals.
  // (An exception gives the accumulators back their own storage and drops the parts.)
  template <class Body> void collect(Body &&body) {
    struct Collecting {
      Loop &loop;
      bool done = false;
      ~Collecting() {
        if (!done)
          for (auto &acc : loop.accumulators())
            acc->end_collecting();
      }
    } collecting{loop_};
    for (auto &acc : loop_.accumulators())
      acc->begin_collecting();
    body();
    collecting.done = true;
    for (std::size_t a = 0; a < totals_.size(); ++a) {
      LoopAccumulator &acc = *loop_.accumulators()[a];
      totals_[a] += acc.end_collecting();
    }
  }

  // The stage's layers' statements on microbatch i (forward order, or backward order
  // from the stage's last layer), with every examples array exchanged for its copy k.
  template <class Run> void run_statements(int i, int slot, Run &&run, bool backward) {
    const auto k = static_cast<std::size_t>(i % plan_.microbatches);
    settle(slot);
    Exchanged examples;
    for (auto &a : loop_.arrays()) {
      if (is_examples(a->part()))
        examples.add(*a, slot);
    }
    const auto start = std::chrono::steady_clock::now();
    {
      MicrobatchScope scope(offsets_[k], rows_[k], B_);
      const std::int64_t it = first_ + i / plan_.microbatches;
      collect([&] {
        if (!backward) {
          for (int l = layer_begin(); l < layer_end(); ++l)
            run(loop_.layers()[static_cast<std::size_t>(l)], it);
        } else {
          for (int l = layer_end() - 1; l >= layer_begin(); --l)
            run(loop_.layers()[static_cast<std::size_t>(l)], it);
        }
      });
    }
    busy_ += seconds_since(start);
  }

  static double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  Session &session_;
  Loop &loop_;
  const Plan &plan_;
  std::int64_t first_;
  int stage_ = -1, replica_ = -1;
  std::vector<int> base_;
  std::vector<int> stage_of_layer_;
  std::int64_t B_ = 0;
  std::vector<std::int64_t> rows_, offsets_;
  std::vector<Request> pending_;
  std::vector<double> totals_;
  std::vector<bool> summed_; // per gradient array: copy 1 holds this minibatch's sum
  int slots_ = 1;            // copies of each examples array
  int current_version_ = 0;  // of the stage's weights
  std::map<int, std::size_t> last_use_;
  std::map<int, int> stash_; // kept version -> its copy (slot of the stashed arrays)
  std::vector<int> free_stash_;
  int stash_slots_ = 0;
  int versions_kept_ = 0;
  double busy_ = 0;
  // The replicas' all-reduces (made at the first update of a replicated stage): the
  // stage's float gradients in forward layer order, and per layer this step's handles.
  std::unique_ptr<TransferScheduler> reducer_;
  std::vector<int> reduced_gradients_;
  std::vector<std::vector<TransferScheduler::Handle>> reduced_;
};

} // namespace

Loop &Loop::layer(Statements forward, Statements backward, Statements update) {
  layers_.push_back({std::move(forward), std::move(backward), std::move(update)});
  return *this;
}

Loop &Loop::add(std::unique_ptr<LoopArray> array, const void *address) {
  if (find(address) >= 0)
    throw PipelineError("weft pipeline: an array is declared twice");
  arrays_.push_back(std::move(array));
  addresses_.push_back(address);
  return *this;
}

std::int64_t Loop::minibatch_rows(std::string *why) const {
  std::int64_t rows = -1;
  for (const auto &a : arrays_) {
    if (!is_examples(a->part()))
      continue;
    if (rows >= 0 && a->rows() != rows) {
      *why = "arrays of a minibatch's rows have " + std::to_string(rows) + " and " +
             std::to_string(a->rows()) + " rows";
      return -1;
    }
    rows = a->rows();
  }
  if (rows < 0)
    *why = "the loop declares no array of a minibatch's rows";
  return rows;
}

int Loop::find(const void *address) const {
  for (std::size_t a = 0; a < addresses_.size(); ++a) {
    if (addresses_[a] == address)
      return static_cast<int>(a);
  }
  return -1;
}

// The loop's statements in the serial program's order, iteration by iteration (forwards
// by layer, backwards from the last layer, updates: the order the analysis checked the
// body to have, updates of different layers commuting), on every process alike.
RunStats run_serially(Session &session, Loop &loop, std::int64_t first, std::int64_t end,
                      const std::string &why) {
  static bool told = false;
  if (!told && session.rank() == 0) {
    std::fprintf(stderr, "weft pipeline: %s; the loop runs as written on every process\n",
                 why.c_str());
    told = true;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto &layers = loop.layers();
  for (std::int64_t t = first; t < end; ++t) {
    for (const Loop::Layer &layer : layers)
      if (layer.forward)
        layer.forward(t);
    for (auto it = layers.rbegin(); it != layers.rend(); ++it)
      if (it->backward)
        it->backward(t);
    for (const Loop::Layer &layer : layers)
      if (layer.update)
        layer.update(t);
  }
  RunStats stats;
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stats.busy = stats.seconds;
  return stats;
}

RunStats run(Session &session, Loop &loop, std::int64_t first, std::int64_t end, const Plan &plan) {
  const auto start = std::chrono::steady_clock::now();
  if (const auto error = plan_error(loop, plan, session.size()))
    throw PipelineError("weft pipeline: " + *error);
  for (const Loop::Boundary &b : loop.boundaries()) {
    if (b.activation < 0 || b.gradient < 0)
      throw PipelineError("weft pipeline: a boundary names an array not declared as examples");
  }
  std::string serial_because;
  const std::int64_t B = loop.minibatch_rows(&serial_because);
  // Shapes that the compiler could not see contradict the loop's description (a function
  // whose WEFT_ROWS does not hold): the loop as written, on every process.
  if (!serial_because.empty())
    return run_serially(session, loop, first, end, serial_because);
  if (plan.microbatches > B) {
    throw PipelineError("weft pipeline: " + std::to_string(plan.microbatches) +
                        " microbatches of a minibatch of " + std::to_string(B) + " rows");
  }
  if ((plan.schedule == ScheduleKind::one_f_one_b || plan.schedule == ScheduleKind::two_bw) &&
      B % plan.microbatches != 0) {
    throw PipelineError("weft pipeline: schedule " +
                        std::string(schedule_kind_name(plan.schedule)) +
                        " needs microbatches of equal rows: " + std::to_string(B) +
                        " rows do not split into " + std::to_string(plan.microbatches));
  }
  StageRunner runner(session, loop, plan, first);
  const std::int64_t iterations = std::max<std::int64_t>(end - first, 0);
  if (iterations > std::numeric_limits<int>::max() / plan.microbatches)
    throw PipelineError("weft pipeline: too many iterations for one loop");
  // Replicas of a stage sum their gradients over their own communicator (collective over
  // all processes, since every process holds the same plan).
  bool replicated = false;
  for (int r : plan.replicas)
    replicated = replicated || r > 1;
  // An idle process (beyond the plan's replicas) runs no op: it takes part in the
  // collective calls and receives the results in finish().
  const bool idle = runner.stage() < 0;
  std::unique_ptr<Session> replicas;
  if (replicated)
    replicas = session.split(runner.stage(), 1);
  const int r = idle ? 0 : plan.replicas[static_cast<std::size_t>(runner.stage())];
  Session *replica_session = r > 1 ? replicas.get() : nullptr;

  session.begin_loop();
  std::vector<Op> mine; // this process's ops: its replica's microbatches, every update
  int slots = plan.microbatches;
  if (iterations > 0) {
    const Schedule schedule = make_schedule(plan.schedule, runner.stages(), plan.microbatches,
                                            static_cast<int>(iterations));
    if (!idle) {
      for (const Op &op : schedule.ops[static_cast<std::size_t>(runner.stage())])
        if (op.kind == OpKind::update ||
            (op.microbatch % plan.microbatches) % r == runner.replica())
          mine.push_back(op);
    }
    // The copies of the examples arrays: the most microbatches in flight on any stage (a
    // window of consecutive ones), at least one minibatch's.
    for (const std::vector<Op> &list : schedule.ops) {
      int in_flight = 0;
      for (const Op &op : list) {
        in_flight += op.kind == OpKind::forward ? 1 : op.kind == OpKind::backward ? -1 : 0;
        slots = std::max(slots, in_flight);
      }
    }
  }
  // A failure here leaves the other processes waiting for this one: the session is
  // marked failed (it ends the job when it ends, session.h), and this process's arrays
  // and accumulators are given back their own storage before the exception goes on.
  std::size_t j = 0;
  std::chrono::steady_clock::time_point ops_begin, ops_end;
  try {
    runner.prepare(B, slots, mine);
    ops_begin = std::chrono::steady_clock::now();
    for (; j < mine.size(); ++j) {
      const Op &op = mine[j];
      runner.before_op(j, op);
      if (op.kind == OpKind::update)
        runner.update(op.minibatch, replica_session);
      else if (op.kind == OpKind::forward)
        runner.forward(op.microbatch);
      else
        runner.backward(op.microbatch);
      runner.after_op(j, op);
    }
    ops_end = std::chrono::steady_clock::now();
    runner.finish(iterations);
  } catch (...) {
    if (j < mine.size())
      runner.abandon_op(mine[j]);
    session.mark_failed();
    session.end_loop();
    throw;
  }
  session.end_loop();
  RunStats stats;
  stats.stage = runner.stage();
  stats.replica = runner.replica();
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stats.ops_seconds = std::chrono::duration<double>(ops_end - ops_begin).count();
  stats.busy = runner.busy();
  stats.versions_kept = runner.versions_kept();
  if (session.options().pipeline_stats) {
    if (idle) {
      std::fprintf(stderr, "weft pipeline: rank %d, no stage (the plan has %d processes): %.3f s\n",
                   session.rank(), plan_processes(plan), stats.seconds);
    } else {
      std::fprintf(stderr,
                   "weft pipeline: rank %d, stage %d of %zu, replica %d: %.3f s, busy %.3f s, "
                   "idle %.1f%%\n",
                   session.rank(), stats.stage, plan.replicas.size(), stats.replica, stats.seconds,
                   stats.busy,
                   stats.seconds > 0 ? 100 * (stats.seconds - stats.busy) / stats.seconds : 0.0);
    }
  }
  return stats;
}

nn::Matrix microbatch(nn::Matrix view) {
  if (!current.active)
    return view;
  const std::int64_t offset = narrowed_offset(view.rows());
  return nn::Matrix(view.data() + offset * view.cols(), current.rows, view.cols());
}

nn::ConstMatrix microbatch(nn::ConstMatrix view) {
  if (!current.active)
    return view;
  const std::int64_t offset = narrowed_offset(view.rows());
  return nn::ConstMatrix(view.data() + offset * view.cols(), current.rows, view.cols());
}

double microbatch_share() {
  return current.active
             ? static_cast<double>(current.rows) / static_cast<double>(current.minibatch_rows)
             : 1.0;
}

nn::ConstLabels microbatch(nn::ConstLabels view) {
  if (!current.active)
    return view;
  const std::int64_t offset = narrowed_offset(view.size());
  return nn::ConstLabels(view.data() + offset, current.rows);
}

} // namespace weft::rt::pipeline
