//===- Pipeline.cpp - Layers and legal cut points of a pipeline loop -----===//
//
// Items. The top-level statements of the loop body (with what nests in them) are the
// items; an item reads and writes the arrays its accesses touch. Reductions into a
// weft::Accumulator commute and are left out. An array is *state* when a flow goes
// from one iteration to a later one (analysis/Dependences.h: a carried flow): weights,
// optimizer moments. Arrays that every iteration writes before it reads them
// (activations, gradients) carry no flow between iterations: the write kills it.
//
// Layers, in source order:
//   - an *anchor* is the first item touching some state array; each anchor starts a
//     layer (a layer's forward operation reads its weights first);
//   - an item touching state joins the layer of the earliest anchor among its state
//     (state first touched in the backward part, such as an optimizer's moments, has no
//     anchor of its own);
//   - the *backward part* starts at the first item that is no anchor and touches state
//     an earlier item touched (a backward operation reading a weight). Before it, an item
//     joins the layer of the last earlier item that writes what it reads (its input),
//     or starts a layer when there is none; from it on, an item joins the layer of the
//     first later item that reads what it writes (the layer its gradient goes to),
//     else of its last producer, else the last layer.
// Cuts: the cut after layer k splits the items into those of layers 0..k (before) and
// the rest (after); its legality is stated in Pipeline.h and checked array by array.
//
//===----------------------------------------------------------------------===//

#include "Pipeline.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace weft {

namespace {

struct Item {
  std::vector<unsigned> statements;
  std::map<unsigned, unsigned> reads, writes; ///< array -> first statement with that access
  bool writes_state = false;
  bool summarized_call = false; ///< calls a function weft summarized from its body
  bool replicable = false;      ///< every stage can compute it for itself (collect_items)
  std::optional<unsigned> unknown_statement; ///< a statement with effects weft cannot see
  bool touches(unsigned a) const { return reads.count(a) || writes.count(a); }
  unsigned statement_of(unsigned a) const {
    auto w = writes.find(a);
    return w != writes.end() ? w->second : reads.at(a);
  }
};

class PipelineBuilder {
public:
  PipelineBuilder(const LoopModel &model, const Dependences &deps) : m_(model), d_(deps) {}

  PipelinePlan run() {
    // Without every dependence, state cannot be told from activations: no plan.
    for (const Obstacle &o : d_.obstacles)
      if (o.reason == Reason::AnalysisLimit || o.reason == Reason::ModelTooLarge)
        return plan_;
    collect_items();
    assign_layers();
    for (unsigned k = 0; k + 1 < plan_.layers.size(); ++k)
      plan_.cuts.push_back(cut_after(k));
    plan_.execution = execution();
    // Arrays of different layers that the analysis took to be different objects: an
    // executor must check them at run time, as for the other schedules.
    for (const auto &[x, y] : d_.assumed_distinct) {
      std::set<int> lx, ly;
      for (unsigned i = 0; i < items_.size(); ++i) {
        if (items_[i].touches(x))
          lx.insert(layer_of_[i]);
        if (items_[i].touches(y))
          ly.insert(layer_of_[i]);
      }
      if (!lx.empty() && !ly.empty() && lx != ly)
        plan_.assumed_distinct.push_back({m_.arrays[x].name, m_.arrays[y].name});
    }
    return plan_;
  }

private:
  const LoopModel &m_;
  const Dependences &d_;
  std::vector<Item> items_;
  std::set<unsigned> state_;
  std::set<unsigned> replicated_; ///< locals only replicable items write: each stage's own
  std::vector<int> layer_of_;     ///< per item
  unsigned backward_ = 0;         ///< the first item of the backward part
  PipelinePlan plan_;

  void collect_items() {
    std::map<int, unsigned> item_of_position;
    std::vector<unsigned> item_of_statement(m_.statements.size());
    for (const Statement &s : m_.statements) {
      auto [it, fresh] = item_of_position.emplace(s.item, items_.size());
      if (fresh)
        items_.emplace_back();
      items_[it->second].statements.push_back(s.id);
      item_of_statement[s.id] = it->second;
    }
    for (const Dependence &dep : d_.deps) {
      unsigned a = m_.accesses[dep.source].array;
      if (dep.kind == DependenceKind::Flow && dep.carried &&
          m_.arrays[a].kind != ArrayKind::Accumulator)
        state_.insert(a);
    }
    for (const Access &a : m_.accesses) {
      if (a.kind == AccessKind::Reduce || m_.arrays[a.array].kind == ArrayKind::Accumulator)
        continue;
      Item &item = items_[item_of_statement[a.statement]];
      auto &map = a.is_write() ? item.writes : item.reads;
      map.emplace(a.array, a.statement);
      if (a.is_write() && state_.count(a.array))
        item.writes_state = true;
    }
    for (const Call &c : m_.calls)
      if (c.summarized)
        items_[item_of_statement[c.statement]].summarized_call = true;
    for (const UnknownEffect &u : m_.unknown_effects)
      items_[item_of_statement[u.statement]].unknown_statement = u.statement;
    for (const Call &c : m_.calls)
      if (c.unknown_effects)
        items_[item_of_statement[c.statement]].unknown_statement = c.statement;
    // Items every stage can compute for itself: they write only scalars local to an
    // iteration and read only what the loop never writes or what such items write (a
    // learning rate computed from the step number).
    std::set<unsigned> computed; // arrays written by replicable items
    for (Item &item : items_) {
      bool replicable = !item.writes.empty() && !item.unknown_statement;
      for (const auto &[a, s] : item.writes)
        replicable = replicable && m_.arrays[a].local && m_.arrays[a].kind == ArrayKind::Scalar;
      for (const auto &[a, s] : item.reads)
        replicable = replicable && (computed.count(a) || !written_anywhere(a));
      if (!replicable)
        continue;
      item.replicable = true;
      for (const auto &[a, s] : item.writes)
        computed.insert(a);
    }
    for (unsigned a : computed) {
      bool other_writer = false;
      for (const Item &item : items_)
        other_writer = other_writer || (!item.replicable && item.writes.count(a));
      if (!other_writer)
        replicated_.insert(a);
    }
  }

  bool written_anywhere(unsigned a) const {
    for (const Access &x : m_.accesses)
      if (x.array == a && x.is_write())
        return true;
    return false;
  }

  /// The statement that holds `range`'s start: the last one (in source order) starting
  /// at or before it (for a jump, which is no statement of the model, the condition or
  /// statement before it in its item); the first statement when none does.
  unsigned statement_at(clang::SourceRange range) const {
    unsigned found = 0;
    for (const Statement &s : m_.statements)
      if (!(range.getBegin() < s.range.getBegin()))
        found = s.id;
    return found;
  }

  bool feeds(unsigned from, unsigned to) const {
    for (const auto &[a, s] : items_[from].writes)
      if (items_[to].reads.count(a))
        return true;
    return false;
  }

  int new_layer(unsigned item) {
    plan_.layers.emplace_back();
    layer_of_[item] = static_cast<int>(plan_.layers.size() - 1);
    return layer_of_[item];
  }

  void assign_layers() {
    unsigned n = items_.size();
    layer_of_.assign(n, -1);
    // The anchor of each state array: the first item touching it.
    std::map<unsigned, unsigned> anchor; // state array -> item
    std::set<unsigned> anchors;
    for (unsigned i = 0; i < n; ++i)
      for (unsigned a : state_)
        if (items_[i].touches(a) && anchor.emplace(a, i).second)
          anchors.insert(i);
    unsigned backward = n;
    for (unsigned i = 0; i < n && backward == n; ++i)
      if (!anchors.count(i))
        for (unsigned a : state_)
          if (items_[i].touches(a) && anchor.at(a) < i)
            backward = i;
    backward_ = backward;
    // State first touched in the backward part (an optimizer's moments) starts no layer:
    // its item joins the layer of the weights it updates.
    for (auto it = anchor.begin(); it != anchor.end();)
      it = it->second >= backward ? anchor.erase(it) : std::next(it);
    for (auto it = anchors.begin(); it != anchors.end();)
      it = *it >= backward ? anchors.erase(it) : std::next(it);

    for (unsigned i = 0; i < n; ++i) {
      if (items_[i].replicable)
        continue; // below: each stage computes it; listed with its first consumer
      if (anchors.count(i)) {
        new_layer(i);
        continue;
      }
      std::optional<unsigned> earliest;
      for (const auto &[a, first] : anchor)
        if (items_[i].touches(a) && (!earliest || first < *earliest))
          earliest = first;
      if (earliest) {
        layer_of_[i] = layer_of_[*earliest];
        continue;
      }
      if (i >= backward)
        continue; // below, from the last item up
      std::optional<unsigned> producer;
      for (unsigned j = 0; j < i; ++j)
        if (feeds(j, i))
          producer = j;
      // Without any state the body is a chain of statements: each is a layer.
      if (producer && !anchor.empty())
        layer_of_[i] = layer_of_[*producer];
      else
        new_layer(i);
    }
    if (plan_.layers.empty() && n > 0)
      new_layer(n - 1);
    for (unsigned i = n; i-- > 0;) {
      if (layer_of_[i] >= 0 || (i < backward && !items_[i].replicable))
        continue;
      for (unsigned j = i + 1; j < n && layer_of_[i] < 0; ++j)
        if (layer_of_[j] >= 0 && feeds(i, j))
          layer_of_[i] = layer_of_[j];
      for (unsigned j = i; j-- > 0 && layer_of_[i] < 0;)
        if (layer_of_[j] >= 0 && feeds(j, i))
          layer_of_[i] = layer_of_[j];
      if (layer_of_[i] < 0)
        layer_of_[i] = static_cast<int>(plan_.layers.size() - 1);
    }
    for (unsigned i = 0; i < n; ++i)
      for (unsigned s : items_[i].statements)
        plan_.layers[layer_of_[i]].statements.push_back(s);
  }

  std::string quoted(unsigned statement) const {
    std::string text = m_.statements[statement].text;
    if (text.size() > 60)
      text = text.substr(0, 57) + "...";
    return "'" + text + "'";
  }

  /// The facts the pipeline executor runs the loop by, or why it cannot (the first
  /// obstacle in source order). The executor runs, per microbatch, the forward items of a
  /// stage's layers in layer order, their backward items in reverse layer order, and per
  /// minibatch their update items; so the body must already be in that order: forward
  /// items by non-decreasing layer, then backward items by non-increasing layer, then
  /// the updates. Each item must be one call of an operation that declares how it treats
  /// the rows (WEFT_ROWS), its value added to an Accumulator or unused; then every array
  /// the loop writes is examples (written through rows or mean_rows arguments, whole),
  /// a gradient (written through sum_rows arguments, read by updates) or state, and
  /// arrays the loop only reads are row views narrowed per microbatch or read whole as
  /// weights (docs/design.md, "Pipelines").
  /// The annotated loop's trip count when its bounds are constants.
  std::optional<int64_t> constant_trip_count() const {
    for (const LoopLevel &level : m_.levels) {
      if (level.parent != -1)
        continue;
      if (level.kind != LevelKind::Counted || !level.lower || !level.upper ||
          !level.lower->is_constant() || !level.upper->is_constant() || level.step < 1)
        return std::nullopt;
      const int64_t span = level.upper->constant - level.lower->constant;
      return span < 0 ? 0 : span / level.step + 1;
    }
    return std::nullopt;
  }

  PipelineExecution execution() const {
    PipelineExecution x;
    auto refuse = [&](unsigned statement, const std::string &why) {
      x = PipelineExecution();
      x.why_not = why;
      x.why_statement = statement;
      return x;
    };
    for (const Item &item : items_)
      if (item.unknown_statement)
        return refuse(*item.unknown_statement,
                      quoted(*item.unknown_statement) + " has effects weft cannot see");
    if (!d_.obstacles.empty())
      return refuse(statement_at(d_.obstacles.front().range), d_.obstacles.front().detail);
    if (!m_.continues.empty())
      return refuse(statement_at(m_.continues.front()), "the loop has a 'continue'");
    // Layers start at their weights, which a loop of one iteration does not carry.
    if (const std::optional<int64_t> trips = constant_trip_count(); trips && *trips <= 1) {
      return refuse(items_.empty() ? 0 : items_.front().statements.front(),
                    "the loop runs " + std::to_string(*trips) +
                        (*trips == 1 ? " iteration" : " iterations") +
                        ": no weights go from one step to the next, and there is nothing "
                        "to pipeline");
    }

    // Each item: one statement, one call of a weft::nn operation with WEFT_ROWS.
    std::vector<const Call *> call_of(items_.size(), nullptr);
    for (unsigned i = 0; i < items_.size(); ++i) {
      const Item &item = items_[i];
      unsigned s = item.statements.front();
      const std::string not_a_call =
          quoted(s) + " is not one call of a weft::nn operation (the pipeline executor runs "
                      "only those)";
      if (item.statements.size() != 1 || item.summarized_call)
        return refuse(s, not_a_call);
      for (const Call &c : m_.calls) {
        if (c.statement != s)
          continue;
        if (call_of[i] || !c.declared_effects)
          return refuse(s, not_a_call);
        call_of[i] = &c;
      }
      if (!call_of[i])
        return refuse(s, not_a_call);
      const Call &c = *call_of[i];
      if (!c.declared_rows)
        return refuse(s, quoted(s) + " calls '" + c.callee +
                             "', which does not declare how it treats a minibatch's rows "
                             "(WEFT_ROWS)" +
                             (c.rows_why.empty() ? "" : ": " + c.rows_why));
      for (const Access &a : m_.accesses) {
        if (a.statement != s)
          continue;
        const ArrayInfo &info = m_.arrays[a.array];
        if (info.kind == ArrayKind::Accumulator) {
          if (a.kind != AccessKind::Reduce || c.accumulated_into != static_cast<int>(a.array))
            return refuse(s, quoted(s) + " uses the accumulator '" + info.name +
                                 "' other than by adding the operation's value to it");
          if (c.value_role != RowRole::SumRows && c.value_role != RowRole::MeanRows)
            return refuse(s, quoted(s) + " adds a value to '" + info.name +
                                 "' that is neither a sum nor a mean over the rows");
          // The microbatches' values are summed: the accumulator must sum too.
          if (info.accumulator_op.find("std::plus<") == std::string::npos)
            return refuse(s, "the accumulator '" + info.name + "' combines with " +
                                 info.accumulator_op +
                                 ", not a sum, which microbatches' parts cannot make");
          if (std::find(x.accumulators.begin(), x.accumulators.end(), a.array) ==
              x.accumulators.end())
            x.accumulators.push_back(a.array);
        } else if (a.is_write() && info.kind != ArrayKind::DistArray) {
          return refuse(s, quoted(s) + " writes '" + info.name + "', which is not a weft array");
        }
      }
    }

    // Parts, in the order the executor runs them.
    int last_layer = -1;
    PipelineExecution::Part last_part = PipelineExecution::Part::Forward;
    for (unsigned i = 0; i < items_.size(); ++i) {
      PipelineExecution::Item item;
      item.statements = items_[i].statements;
      item.layer = static_cast<unsigned>(layer_of_[i]);
      item.part = items_[i].writes_state ? PipelineExecution::Part::Update
                  : i >= backward_       ? PipelineExecution::Part::Backward
                                         : PipelineExecution::Part::Forward;
      unsigned s = item.statements.front();
      if (item.part < last_part)
        return refuse(s,
                      quoted(s) + " comes after a minibatch's " +
                          (last_part == PipelineExecution::Part::Update ? "updates" : "backward") +
                          " statements; the pipeline executor runs forwards, then backwards, "
                          "then updates");
      if (item.part != last_part)
        last_layer = -1;
      const int layer = layer_of_[i];
      if (last_layer >= 0 && item.part == PipelineExecution::Part::Forward && layer < last_layer)
        return refuse(s, quoted(s) + " runs the forward of an earlier layer after a later one's");
      if (last_layer >= 0 && item.part == PipelineExecution::Part::Backward && layer > last_layer)
        return refuse(s, quoted(s) + " runs the backward of a later layer after an earlier one's");
      last_layer = layer;
      last_part = item.part;
      x.items.push_back(item);
    }

    // Updates run once per minibatch, outside the microbatches: none may use the rows.
    for (unsigned i = 0; i < items_.size(); ++i) {
      if (x.items[i].part != PipelineExecution::Part::Update)
        continue;
      const Call &c = *call_of[i];
      if (!c.row_arguments.empty() || c.value_role != RowRole::None)
        return refuse(c.statement, quoted(c.statement) +
                                       " updates state from a minibatch's rows; the pipeline "
                                       "executor runs updates once per minibatch, outside its "
                                       "microbatches");
    }

    // Arrays: the role of every use (None where the call names no row role).
    struct Use {
      RowRole role;
      bool view, write;
      unsigned item;
      std::string text;
      clang::SourceRange range;
    };
    std::map<unsigned, std::vector<Use>> uses;
    for (unsigned i = 0; i < items_.size(); ++i) {
      const Call &c = *call_of[i];
      std::set<unsigned> with_role;
      for (const RowArgument &r : c.row_arguments) {
        if (r.array < 0)
          return refuse(c.statement, quoted(c.statement) + " passes '" + r.text +
                                         "', which is no weft array, as a minibatch's rows");
        unsigned a = static_cast<unsigned>(r.array);
        with_role.insert(a);
        uses[a].push_back({r.role, r.view, items_[i].writes.count(a) != 0, i, r.text, r.range});
      }
      for (const auto *m : {&items_[i].reads, &items_[i].writes})
        for (const auto &[a, st] : *m)
          if (!with_role.count(a) && m_.arrays[a].kind == ArrayKind::DistArray)
            uses[a].push_back({RowRole::None, false, items_[i].writes.count(a) != 0, i, "", {}});
    }
    for (const auto &[a, list] : uses) {
      const std::string &name = m_.arrays[a].name;
      std::optional<unsigned> writer;
      for (const Use &u : list)
        if (u.write && !writer)
          writer = u.item;
      const unsigned s = items_[writer ? *writer : list.front().item].statements.front();
      if (!writer) {
        // Read only: weights every stage reads whole, or the data, narrowed per microbatch.
        for (const Use &u : list) {
          const unsigned us = items_[u.item].statements.front();
          if (u.role == RowRole::None)
            continue;
          if (u.role != RowRole::Rows || !u.view)
            return refuse(us, quoted(us) + " reads all of '" + name +
                                  "' as a minibatch's rows; pass nn::rows(" + name +
                                  ", first, count)");
          x.microbatch_views.push_back(u.range);
        }
        continue;
      }
      PipelineExecution::Array arr;
      arr.array = a;
      arr.layer = static_cast<unsigned>(layer_of_[*writer]);
      const RowRole role = list.front().role;
      if (state_.count(a)) {
        arr.part = PipelineExecution::ArrayPart::State;
        for (const Use &u : list)
          arr.weights = arr.weights || x.items[u.item].part != PipelineExecution::Part::Update;
      } else if (role == RowRole::Rows || role == RowRole::MeanRows) {
        arr.part = PipelineExecution::ArrayPart::Examples;
      } else if (role == RowRole::SumRows) {
        arr.part = PipelineExecution::ArrayPart::Gradient;
      } else {
        return refuse(s, quoted(s) + " writes '" + name +
                             "' without a row role, and iterations do not carry it");
      }
      for (const Use &u : list) {
        const unsigned us = items_[u.item].statements.front();
        const PipelineExecution::Part part = x.items[u.item].part;
        // An update runs once per minibatch, outside the microbatches, on its own layer's
        // arrays: updates of different layers then commute.
        if (part == PipelineExecution::Part::Update && layer_of_[u.item] != layer_of_[*writer])
          return refuse(us, quoted(us) + " updates with '" + name +
                                "', an array of another layer; the pipeline executor runs each "
                                "layer's updates apart");
        bool fits = true;
        switch (arr.part) {
        case PipelineExecution::ArrayPart::State:
          fits = u.role == RowRole::None;
          break;
        case PipelineExecution::ArrayPart::Examples:
          fits = (u.role == RowRole::Rows || u.role == RowRole::MeanRows) && !u.view;
          break;
        case PipelineExecution::ArrayPart::Gradient:
          // Summed over the microbatches at the update: written by backward operations
          // and read by updates only.
          fits = (u.role == RowRole::SumRows && u.write && !u.view &&
                  part == PipelineExecution::Part::Backward) ||
                 (u.role == RowRole::None && !u.write && part == PipelineExecution::Part::Update);
          break;
        }
        if (!fits)
          return refuse(us, quoted(us) + " uses '" + name +
                                "' differently from the other statements (as a minibatch's "
                                "rows, a sum over them, or a weight, whole)");
      }
      x.arrays.push_back(arr);
    }

    // Means over the rows: scaled by each microbatch's share.
    for (unsigned i = 0; i < items_.size(); ++i) {
      const Call &c = *call_of[i];
      PipelineExecution::RowMean mean{c.range, "", c.value_role == RowRole::MeanRows,
                                      c.returns_void};
      bool any = mean.value;
      for (const RowArgument &r : c.row_arguments) {
        if (r.role != RowRole::MeanRows)
          continue;
        if (!mean.gradient.empty())
          return refuse(c.statement, quoted(c.statement) + " averages more than one array "
                                                           "over the rows");
        mean.gradient = r.text;
        any = true;
      }
      if (any)
        x.row_means.push_back(mean);
    }
    return x;
  }

  PipelineCut cut_after(unsigned k) {
    PipelineCut cut;
    cut.after = k;
    auto before = [&](unsigned item) { return layer_of_[item] <= static_cast<int>(k); };
    for (unsigned i = 0; i < items_.size(); ++i)
      if (items_[i].unknown_statement) {
        unsigned s = *items_[i].unknown_statement;
        cut.refusals.push_back({Reason::PipelineUnknownEffect, "", s, s,
                                quoted(s) + " has effects weft cannot see",
                                "keep calls weft cannot see out of the loop, or declare their "
                                "effects"});
        return cut;
      }
    // Anything else that keeps the loop sequential by itself (an early exit, a read of an
    // accumulator) refuses every cut too.
    if (!d_.obstacles.empty()) {
      const Obstacle &o = d_.obstacles.front();
      unsigned s = statement_at(o.range);
      cut.refusals.push_back({o.reason, "", s, s, o.detail, ""});
      return cut;
    }
    if (!m_.continues.empty()) {
      unsigned s = statement_at(m_.continues.front());
      cut.refusals.push_back({Reason::PipelineControlFlow, "", s, s,
                              "a 'continue' of the loop skips the statements after it, on both "
                              "sides of the cut",
                              "compute what the condition decides as data (a step of zero), or "
                              "move the condition out of the loop"});
      return cut;
    }

    struct Flow {
      unsigned array, writer, reader; // statements
      bool into_update;               // the reader updates state that iterations carry
    };
    std::vector<Flow> forward, backward;
    for (unsigned a = 0; a < m_.arrays.size(); ++a) {
      std::vector<unsigned> side[2]; // items before / after the cut touching a
      for (unsigned i = 0; i < items_.size(); ++i)
        if (items_[i].touches(a))
          side[before(i) ? 0 : 1].push_back(i);
      if (side[0].empty() || side[1].empty() || replicated_.count(a))
        continue;
      const std::string &name = m_.arrays[a].name;
      auto refuse = [&](Reason reason, unsigned first_item, unsigned second_item,
                        const std::string &detail, const std::string &fix) {
        cut.refusals.push_back({reason, name, items_[first_item].statement_of(a),
                                items_[second_item].statement_of(a), detail, fix});
      };
      auto find = [&](int s, auto pred) -> std::optional<unsigned> {
        for (unsigned i : side[s])
          if (pred(items_[i]))
            return i;
        return std::nullopt;
      };
      auto writer = [&](const Item &it) { return it.writes.count(a) != 0; };
      auto pure_reader = [&](const Item &it) { return !it.writes.count(a); };
      auto summarized = [](const Item &it) { return it.summarized_call; };
      auto updater = [](const Item &it) { return it.writes_state; };
      unsigned a0 = side[0].front(), a1 = side[1].front();

      if (auto c0 = find(0, summarized), c1 = find(1, summarized); c0 || c1) {
        unsigned f = c0 ? *c0 : a0, s = c1 ? *c1 : a1;
        unsigned call = c0 ? f : s;
        refuse(Reason::PipelineCallSpansStages, f, s,
               quoted(items_[call].statement_of(a)) +
                   " calls a function that is not a weft::nn "
                   "operation, and '" +
                   name + "' is touched on both sides of the cut",
               "keep the call's arrays in one stage, or split the call into one per stage");
        continue;
      }
      if (state_.count(a)) {
        auto r0 = find(0, pure_reader), r1 = find(1, pure_reader);
        if (r0 && r1) {
          refuse(Reason::PipelineTiedWeights, *r0, *r1,
                 "'" + name +
                     "', which iterations carry (a weight), is read on both sides of "
                     "the cut, by " +
                     quoted(items_[*r0].statement_of(a)) + " and " +
                     quoted(items_[*r1].statement_of(a)),
                 "keep the layers that share '" + name +
                     "' in one stage, or give each its own "
                     "copy");
        } else {
          unsigned f = find(0, writer).value_or(a0), s = find(1, writer).value_or(a1);
          refuse(Reason::PipelineSplitUpdate, f, s,
                 "'" + name +
                     "' is state that iterations carry, touched on both sides of the "
                     "cut, by " +
                     quoted(items_[f].statement_of(a)) + " and " +
                     quoted(items_[s].statement_of(a)),
                 "update each stage's state with its own operation (one nn::sgd or nn::adam "
                 "per layer)");
        }
        continue;
      }
      auto w0 = find(0, writer), w1 = find(1, writer);
      if (w0 && w1) {
        refuse(Reason::PipelineExtraFlow, *w0, *w1,
               "'" + name + "' is written on both sides of the cut, by " +
                   quoted(items_[*w0].statement_of(a)) + " and " +
                   quoted(items_[*w1].statement_of(a)),
               "give each stage its own array");
        continue;
      }
      if (!w0 && !w1)
        continue; // read-only here: data and constants every stage may read
      int from = w0 ? 0 : 1;
      unsigned w = w0 ? *w0 : *w1;
      auto u = find(1 - from, updater);
      auto r = u ? u : find(1 - from, [&](const Item &it) { return it.reads.count(a) != 0; });
      if (!r)
        continue;
      Flow flow{a, items_[w].statement_of(a), items_[*r].statement_of(a), u.has_value()};
      (from == 0 ? forward : backward).push_back(flow);
    }

    // The activation is the forward flow written last, the gradient the backward flow
    // read last; a flow into an update of state is one only when it is the sole flow
    // (a stage that updates running statistics from its input). Any other flow is
    // refused: into an update, as an update spanning stages.
    auto extra = [&](std::vector<Flow> &flows, bool is_forward, std::string &main) {
      if (flows.empty())
        return;
      auto key = [&](const Flow &f) {
        return std::make_pair(!f.into_update, is_forward ? f.writer : f.reader);
      };
      auto best = std::max_element(flows.begin(), flows.end(),
                                   [&](const Flow &x, const Flow &y) { return key(x) < key(y); });
      main = m_.arrays[best->array].name;
      for (const Flow &f : flows) {
        if (&f == &*best)
          continue;
        const std::string &name = m_.arrays[f.array].name;
        unsigned first = is_forward ? f.writer : f.reader,
                 second = is_forward ? f.reader : f.writer;
        if (f.into_update) {
          cut.refusals.push_back(
              {Reason::PipelineSplitUpdate, name, first, second,
               quoted(f.reader) + " updates state on one side of the cut and reads '" + name +
                   "', which " + quoted(f.writer) + " writes on the other",
               "update each stage's state with its own operation (one nn::sgd or nn::adam per "
               "layer)"});
          continue;
        }
        cut.refusals.push_back(
            {Reason::PipelineExtraFlow, name, first, second,
             "'" + name + "' crosses the cut " + (is_forward ? "forward" : "backward") +
                 " besides the " + (is_forward ? "activation '" : "gradient '") + main +
                 "': " + quoted(f.writer) + " writes it and " + quoted(f.reader) + " reads it",
             "keep the layers that read '" + name +
                 "' in the stage that writes it, or cut "
                 "elsewhere"});
      }
    };
    extra(forward, true, cut.activation);
    extra(backward, false, cut.gradient);
    cut.legal = cut.refusals.empty();
    if (!cut.legal) {
      cut.activation.clear();
      cut.gradient.clear();
    }
    return cut;
  }
};

} // namespace

PipelinePlan plan_pipeline(const LoopModel &model, const Dependences &deps) {
  return PipelineBuilder(model, deps).run();
}

} // namespace weft
