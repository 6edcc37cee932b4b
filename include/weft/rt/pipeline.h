// weft/rt/pipeline.h — the pipeline executor on CPU processes: a `#pragma weft pipeline`
// training loop, cut into layers, run as stages (ranges of layers) on MPI processes, each
// stage on one or more replicas, in the order of a schedule (pipeline_schedule.h).
//
//   weft::rt::pipeline::Loop loop;
//   loop.examples(Z1, 0).examples(H1, 0).boundary(0, H1, dH1).gradient(dW1, 0)
//       .state(W1, 0).accumulator(loss) ...;
//   loop.layer([&](std::int64_t b) { nn::linear(pipeline::microbatch(nn::rows(X, b * B, B)),
//                                               W1, b1, Z1); nn::relu(Z1, H1); },
//              [&](std::int64_t b) { ... backward ... },
//              [&](std::int64_t b) { nn::adam(W1, dW1, mW1, vW1, b + 1, lr); ... });
//   weft::rt::pipeline::run(session, loop, /*first*/ 0, /*end*/ batches, plan);
//
// The loop's iterations are minibatches; each statement of its body is in one layer, as
// a forward, backward or update statement (analysis/Pipeline.cpp finds them). The arrays
// the body writes play one of three parts:
//   examples  rows are the minibatch's examples (activations and their gradients): every
//             statement treats its rows independently. A microbatch is a range of the
//             rows; the executor gives each microbatch its own copy with its rows only.
//   gradient  written by backward statements as sums over the rows (weight gradients):
//             each microbatch's is computed apart, and the minibatch's is their sum,
//             formed before the updates.
//   state     read and written by one layer's update statements (weights, optimizer
//             moments): lives on the stage that holds the layer.
// Reads of other arrays (the data set) go through microbatch(view), which narrows a view
// of the minibatch's rows to the current microbatch's; a loss that averages over the rows
// goes through row_mean(value, gradient), which scales a microbatch's mean and gradient
// rows by n_k / B, its share of the minibatch.
//
// Exactness. A microbatch k of n_k rows runs the body's forward and backward statements on
// its rows alone. The statements treat rows independently, except for sums over the rows
// (weight gradients, counts) and the loss's mean: with the mean's rows scaled by n_k / B,
// every row holds what the serial program computes for it, and the minibatch's sums are
// the sums of the microbatches', up to the order of float additions. Updates run once
// per minibatch with those gradients, and, under the flush and gpipe schedules, no forward
// of minibatch t + 1 runs before the update of t on the same stage: the serial program's
// result up to float summation order.
//
// Memory model. Between loops every array is whole on every process. After the loop:
// state and gradients are broadcast from the stage that holds them, examples arrays
// (the last minibatch's rows, from the microbatches' copies) from where they were
// computed, accumulators are summed over the processes; everything then holds what the
// serial loop leaves, up to float summation order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/nn.h"
#include "weft/rt/pipeline_profile.h"
#include "weft/rt/pipeline_schedule.h"
#include "weft/rt/session.h"
#include "weft/weft.h"

namespace weft::rt::pipeline {

// A bad pipeline request (a plan that does not fit the loop or the processes, a
// minibatch that microbatches cannot split): the message says which.
struct PipelineError : weft::Error {
  using weft::Error::Error;
};

enum class Part { examples, gradient, state };

// One array of the loop, whatever its element type: its part, the layer that writes it,
// and the operations the executor needs on it. Implemented by ArrayOf below.
class LoopArray {
public:
  LoopArray(Part part, int layer) : part_(part), layer_(layer) {}
  virtual ~LoopArray() = default;
  LoopArray(const LoopArray &) = delete;
  LoopArray &operator=(const LoopArray &) = delete;

  Part part() const { return part_; }
  int layer() const { return layer_; }
  // State that forward or backward statements read (weights): an asynchronous schedule
  // keeps older versions of it (weight stashing).
  bool stashed() const { return stashed_; }
  void set_stashed() { stashed_ = true; }
  virtual std::int64_t rows() const = 0;
  virtual std::int64_t row_bytes() const = 0;
  virtual std::int64_t bytes() const = 0;
  virtual void *data() = 0;
  // `count` copies (slots) of the array; copy k with rows[k] rows (examples) or with
  // the array's shape (rows empty).
  virtual void make_slots(const std::vector<std::int64_t> &rows, int count) = 0;
  // Exchanges the array's storage with slot k's (call again to exchange back).
  virtual void exchange(int slot) = 0;
  virtual void *slot_data(int slot) = 0;
  virtual std::int64_t slot_bytes(int slot) const = 0;
  // Floating-point arrays: slot `into` += slot `from`; the element-wise sum of the array
  // over `transport`'s processes. Any array: its elements = 0.
  virtual void add_to(int into, int from) = 0;
  virtual void clear_array() = 0;
  // Exchanges the storage of slots i and j.
  virtual void swap_slots(int i, int j) = 0;
  // Rows [offset, offset + slot k's rows) of the array = slot k.
  virtual void copy_rows(int slot, std::int64_t offset) = 0;
  virtual void allreduce_sum(Transport &transport) = 0;
  // The elements when they are floats (the scheduled all-reduce's type), else nullptr.
  virtual float *float_data() = 0;
  virtual std::int64_t elements() const = 0;

  // Slot `slot` = the array.
  virtual void copy_to_slot(int slot) = 0;

private:
  Part part_;
  int layer_;
  bool stashed_ = false;
};

template <class T, std::size_t N> class ArrayOf final : public LoopArray {
public:
  ArrayOf(DistArray<T, N> &array, Part part, int layer) : LoopArray(part, layer), array_(array) {}

  std::int64_t rows() const override { return array_.shape()[0]; }
  std::int64_t row_bytes() const override {
    return rows() == 0 ? 0 : static_cast<std::int64_t>(sizeof(T)) * array_.size() / rows();
  }
  std::int64_t bytes() const override {
    return static_cast<std::int64_t>(sizeof(T)) * array_.size();
  }
  void *data() override { return weft::detail::RuntimeAccess::storage(array_); }
  void make_slots(const std::vector<std::int64_t> &rows, int count) override {
    slots_.clear();
    for (int k = 0; k < count; ++k) {
      std::array<std::int64_t, N> shape = array_.shape();
      if (!rows.empty())
        shape[0] = rows[static_cast<std::size_t>(k)];
      slots_.emplace_back(shape);
    }
  }
  void exchange(int slot) override {
    weft::detail::RuntimeAccess::exchange(array_, slots_[static_cast<std::size_t>(slot)]);
  }
  void *slot_data(int slot) override {
    return weft::detail::RuntimeAccess::storage(slots_[static_cast<std::size_t>(slot)]);
  }
  std::int64_t slot_bytes(int slot) const override {
    return static_cast<std::int64_t>(sizeof(T)) * slots_[static_cast<std::size_t>(slot)].size();
  }
  void add_to(int into, int from) override {
    if constexpr (std::is_floating_point_v<T>) {
      T *to = static_cast<T *>(slot_data(into));
      const T *x = static_cast<const T *>(slot_data(from));
      const std::int64_t n = slots_[static_cast<std::size_t>(from)].size();
      for (std::int64_t i = 0; i < n; ++i)
        to[i] += x[i];
    } else {
      not_floating("summed");
    }
  }
  void clear_array() override { array_.fill(T{}); }
  void copy_to_slot(int slot) override {
    DistArray<T, N> &to = slots_[static_cast<std::size_t>(slot)];
    std::copy(static_cast<const T *>(data()), static_cast<const T *>(data()) + array_.size(),
              weft::detail::RuntimeAccess::storage(to));
  }
  void swap_slots(int i, int j) override {
    weft::detail::RuntimeAccess::exchange(slots_[static_cast<std::size_t>(i)],
                                          slots_[static_cast<std::size_t>(j)]);
  }
  void copy_rows(int slot, std::int64_t offset) override {
    const T *from = static_cast<const T *>(slot_data(slot));
    const std::int64_t n = slots_[static_cast<std::size_t>(slot)].size();
    std::copy(from, from + n,
              static_cast<T *>(data()) +
                  offset * (row_bytes() / static_cast<std::int64_t>(sizeof(T))));
  }
  float *float_data() override {
    if constexpr (std::is_same_v<T, float>)
      return static_cast<float *>(data());
    else
      return nullptr;
  }
  std::int64_t elements() const override { return array_.size(); }
  void allreduce_sum(Transport &transport) override {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      transport.allreduce_sum(static_cast<T *>(data()), static_cast<int>(array_.size()));
    } else {
      not_floating("summed over replicas");
    }
  }

private:
  [[noreturn]] static void not_floating(const char *what) {
    throw PipelineError(std::string("weft pipeline: a gradient array must be float or double "
                                    "to be ") +
                        what);
  }

  DistArray<T, N> &array_;
  std::vector<DistArray<T, N>> slots_;
};

// An accumulator the body adds to: this process's contributions are collected apart and
// summed over the processes after the loop.
class LoopAccumulator {
public:
  LoopAccumulator() = default;
  virtual ~LoopAccumulator() = default;
  LoopAccumulator(const LoopAccumulator &) = delete;
  LoopAccumulator &operator=(const LoopAccumulator &) = delete;
  // Redirects the body's += to a fresh partial value of 0; returns what was added since.
  virtual void begin_collecting() = 0;
  virtual double end_collecting() = 0;
  // Adds `total` (this loop's, already summed over processes) to the value.
  virtual void add(double total) = 0;
};

template <class T> class AccumulatorOf final : public LoopAccumulator {
  static_assert(std::is_arithmetic_v<T>, "weft pipeline: accumulators must be arithmetic");

public:
  explicit AccumulatorOf(Accumulator<T> &acc) : acc_(acc) {}
  void begin_collecting() override {
    partial_.value = T{};
    weft::detail::RuntimeAccess::partials(acc_) = &partial_;
  }
  double end_collecting() override {
    weft::detail::RuntimeAccess::partials(acc_) = nullptr;
    return static_cast<double>(partial_.value);
  }
  void add(double total) override { acc_ += static_cast<T>(total); }

private:
  Accumulator<T> &acc_;
  weft::detail::Partial<T> partial_{};
};

using Statements = std::function<void(std::int64_t iteration)>;

// The loop as the rewrite describes it: its layers' statements and its arrays' parts.
class Loop {
public:
  // Layer l (in the order of calls, from 0): its forward, backward and update statements,
  // each a function of the loop's iteration variable (any of them may be empty).
  Loop &layer(Statements forward, Statements backward, Statements update);
  template <class T, std::size_t N> Loop &examples(DistArray<T, N> &a, int written_by_layer) {
    return add(std::make_unique<ArrayOf<T, N>>(a, Part::examples, written_by_layer), &a);
  }
  template <class T, std::size_t N> Loop &gradient(DistArray<T, N> &a, int layer) {
    return add(std::make_unique<ArrayOf<T, N>>(a, Part::gradient, layer), &a);
  }
  template <class T, std::size_t N> Loop &state(DistArray<T, N> &a, int layer) {
    return add(std::make_unique<ArrayOf<T, N>>(a, Part::state, layer), &a);
  }
  // State that the layer's forward or backward statements read (its weights).
  template <class T, std::size_t N> Loop &weights(DistArray<T, N> &a, int layer) {
    state(a, layer);
    arrays_.back()->set_stashed();
    return *this;
  }
  // The schedule the loop's pragma names (`schedule(...)`): the loop's default, and the
  // only asynchronous one (1f1b, 2bw) the runtime may run for it.
  Loop &schedule(ScheduleKind kind) {
    schedule_ = kind;
    return *this;
  }
  ScheduleKind pragma_schedule() const { return schedule_; }
  // The cut after layer `layer`: its activation (an examples array written before it,
  // read after it) and that activation's gradient (an examples array written after it,
  // read before it).
  template <class T, std::size_t N, class U, std::size_t M>
  Loop &boundary(int layer, DistArray<T, N> &activation, DistArray<U, M> &gradient) {
    boundaries_.push_back({layer, find(&activation), find(&gradient)});
    return *this;
  }
  template <class T> Loop &accumulator(Accumulator<T> &acc) {
    accumulators_.push_back(std::make_unique<AccumulatorOf<T>>(acc));
    return *this;
  }

  struct Layer {
    Statements forward, backward, update;
  };
  struct Boundary {
    int layer;      // the cut after this layer
    int activation; // indices into arrays()
    int gradient;
  };
  const std::vector<Layer> &layers() const { return layers_; }
  std::vector<std::unique_ptr<LoopArray>> &arrays() { return arrays_; }
  const std::vector<std::unique_ptr<LoopArray>> &arrays() const { return arrays_; }
  const std::vector<Boundary> &boundaries() const { return boundaries_; }
  // The rows every examples array has (the minibatch's); -1 with the reason in `why`
  // when they disagree or there is none.
  std::int64_t minibatch_rows(std::string *why) const;
  std::vector<std::unique_ptr<LoopAccumulator>> &accumulators() { return accumulators_; }
  // The address of each array's DistArray, in the order of arrays().
  const std::vector<const void *> &addresses() const { return addresses_; }

private:
  Loop &add(std::unique_ptr<LoopArray> array, const void *address);
  int find(const void *address) const;

  std::vector<Layer> layers_;
  std::vector<std::unique_ptr<LoopArray>> arrays_;
  std::vector<const void *> addresses_;
  std::vector<Boundary> boundaries_;
  std::vector<std::unique_ptr<LoopAccumulator>> accumulators_;
  ScheduleKind schedule_ = ScheduleKind::flush;
};

// Where the layers run: stage s holds layers [stage_begin[s], stage_begin[s + 1]) on
// replicas[s] processes (stage 0 on the first processes, then stage 1, ...), in the
// order of `schedule` with `microbatches` microbatches per minibatch. Processes beyond
// the replicas' sum run no stage: they wait for the loop's results, which every process
// holds after it.
struct Plan {
  std::vector<int> stage_begin; // p + 1 entries: 0 = first, last = the number of layers
  std::vector<int> replicas;    // p entries, each >= 1; their sum <= the processes
  ScheduleKind schedule = ScheduleKind::flush;
  int microbatches = 1;
};

// What a run measured, on this process.
struct RunStats {
  int stage = 0;          // -1: a process beyond the plan's replicas (it ran no op)
  int replica = 0;        // -1 likewise
  double seconds = 0;     // wall time of the loop
  double ops_seconds = 0; // of which from the first op to the last (the schedule's span)
  double busy = 0;        // of which in the body's statements
  int versions_kept = 0;  // the most older weight versions kept at once (asynchronous schedules)
};

// Runs iterations [first, end) of `loop` on `session`'s processes as `plan` says
// (collective). PipelineError when the plan does not fit the loop or the processes; the
// asynchronous schedules (1f1b, 2bw) only where the loop's pragma asks for them.
RunStats run(Session &session, Loop &loop, std::int64_t first, std::int64_t end, const Plan &plan);

// The plan `session`'s options ask for (options.h: pipeline_stages, _microbatches,
// _schedule) on its processes: p stages cut at the loop's declared boundaries, as evenly
// by layers as they allow, the processes spread over them (the first stages get one more
// where they do not divide; under 1f1b and 2bw one each, the others wait). PipelineError when the
// options ask for more stages than the loop's legal cuts allow or than there are processes.
Plan plan_from_options(const Session &session, const Loop &loop);

// Times each layer group's forward, backward and update statements (the layers between
// two legal cuts) on iteration `first`, the whole minibatch, on copies of the loop's
// arrays (state copied with its values; the loop's arrays and accumulators stay as they
// are), the least of three runs after one to warm up; the update, once per minibatch,
// counts into the backward time. Activation bytes are the boundary's, weight bytes the
// gradients'.
// Every process gets process 0's figures (collective).
PipelineProfile profile_loop(Session &session, Loop &loop, std::int64_t first);

// The plan for `loop` on `session`'s processes: plan_from_options() when the options name
// the stages or there is one process; otherwise the partitioner's (pipeline_partition.h)
// on profile_loop() and a link measured between processes 0 and 1, its stages cut only
// at legal cuts. --weft-pipeline-stats prints the plan (process 0). Collective.
Plan choose_plan(Session &session, Loop &loop, std::int64_t first);

// run() with choose_plan(): the call the rewrite writes. A loop that runs again (every
// epoch) over the same arrays (the same DistArray objects, shapes and parts), layers,
// processes and options runs its earlier plan: it is profiled once per program, not once
// per run (every process agrees, collectively, that the plan is known).
RunStats run(Session &session, Loop &loop, std::int64_t first, std::int64_t end);

// The current microbatch's rows of a view of the minibatch's rows: rows
// [offset, offset + n) of `view` while the executor runs microbatch k (offset, n its
// place in the minibatch), the whole view outside it. weft::Error unless the view has
// the minibatch's rows.
nn::Matrix microbatch(nn::Matrix view);
nn::ConstMatrix microbatch(nn::ConstMatrix view);
nn::ConstLabels microbatch(nn::ConstLabels view);

// The current microbatch's share n_k / B of the minibatch's rows; 1 outside a run.
double microbatch_share();
// For a loss that averages over the minibatch's rows (WEFT_ROWS mean_rows): scales the
// rows of `gradient` by microbatch_share() and returns value * microbatch_share(), so
// that a microbatch's mean counts as its rows' part of the minibatch's (the identity
// outside a run).
// scale_gradient scales only the gradient's rows (a loss whose value is no mean, or
// none); row_mean(value) only the value.
inline void scale_gradient(nn::Matrix gradient) {
  const double share = microbatch_share();
  if (share == 1.0)
    return;
  const float f = static_cast<float>(share);
  float *g = gradient.data();
  for (std::int64_t i = 0, n = gradient.rows() * gradient.cols(); i < n; ++i)
    g[i] *= f;
}
template <class V> V scale_gradient(V value, nn::Matrix gradient) {
  scale_gradient(gradient);
  return value;
}
template <class V> V row_mean(V value) {
  const double share = microbatch_share();
  return share == 1.0 ? value : static_cast<V>(value * share);
}
template <class V> V row_mean(V value, nn::Matrix gradient) {
  scale_gradient(gradient);
  return row_mean(value);
}

} // namespace weft::rt::pipeline
