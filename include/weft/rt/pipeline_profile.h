// weft/rt/pipeline_profile.h — the profile a pipeline plan is computed from: a chain of
// layers with what one minibatch costs in each (compute time, the bytes of its output,
// the bytes of its weights), read and written as JSON or as PipeDream's graph.txt.
//
//   PipelineProfile p = weft::rt::read_pipeline_profile("mlp.profile.json");
//   weft::rt::write_pipeline_profile(p, "graph.txt");   // the form is chosen by the name
//
// JSON form (weft's own):
//
//   {"format": "weft-pipeline-profile", "version": 1, "input_bytes": 401408,
//    "layers": [{"name": "fc1", "forward_ms": 1.5, "backward_ms": 3.0,
//                "activation_bytes": 524288, "weight_bytes": 3211264}, ...]}
//
// graph.txt form (what PipeDream's profiler writes and its optimizer reads): one line per
// node, "<id> -- <description> -- forward_compute_time=<ms>, backward_compute_time=<ms>,
// activation_size=<bytes>, parameter_size=<bytes>" (optionally " -- stage_id=<n>", which
// is ignored), then one line per edge, a tab and "<from id> -- <to id>". The input is a
// source node whose description starts with "Input"; its activation_size is the input's
// bytes and its times are not the model's (PipeDream's optimizer ignores them too). A
// list activation_size "[a; b]" (a layer with several outputs) counts as a + b. The
// nodes other than the input must form one chain; anything else is a ProfileError
// naming the node. Written profiles name the input node1 and layer l node<l + 2>, and
// give each figure with three decimals as PipeDream does, or with all the digits that
// read back the same value when three are not enough.
//
// Every reader's error is a ProfileError "<path>:<line>: <what was expected>" (for JSON,
// the line of a syntax error, or the field, such as layers[2].forward_ms). Writers go
// through a temporary file in the same directory renamed over the target, so the target
// is either untouched or complete.
#pragma once

#include <string>
#include <vector>

#include "weft/detail/error.h"

namespace weft::rt {

// Malformed profile input, or a profile that cannot be written in the asked form.
struct ProfileError : weft::Error {
  using weft::Error::Error;
};

// One layer, for one minibatch.
struct LayerProfile {
  std::string name;            // non-empty; no newline, tab or " -- " (graph.txt's separators)
  double forward_ms = 0;       // forward compute time, milliseconds
  double backward_ms = 0;      // backward compute time, milliseconds
  double activation_bytes = 0; // the layer's output, which the next layer reads
  double weight_bytes = 0;     // the layer's parameters
};

// A chain of layers: layer l reads layer l - 1's output (layer 0 reads the input).
// Bytes are doubles because profilers report averages and sums of them.
struct PipelineProfile {
  double input_bytes = 0; // one minibatch of input, as read by layer 0
  std::vector<LayerProfile> layers;
};

// Checks what every reader and writer checks: at least one layer, names as above, every
// figure finite and non-negative. Throws ProfileError naming `source` and the field.
void check_pipeline_profile(const PipelineProfile &profile, const std::string &source);

// The JSON form, from text (`source` names it in errors) and to text.
PipelineProfile parse_pipeline_profile_json(const std::string &text, const std::string &source);
std::string pipeline_profile_to_json(const PipelineProfile &profile);

// The graph.txt form, from text and to text.
PipelineProfile parse_pipeline_profile_graph_txt(const std::string &text,
                                                 const std::string &source);
std::string pipeline_profile_to_graph_txt(const PipelineProfile &profile);

// Files: a path ending in ".json" is the JSON form, any other the graph.txt form.
PipelineProfile read_pipeline_profile(const std::string &path);
void write_pipeline_profile(const PipelineProfile &profile, const std::string &path);

} // namespace weft::rt
