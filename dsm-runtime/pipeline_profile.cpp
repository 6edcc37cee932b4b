// Reading and writing weft::rt::PipelineProfile as JSON and as PipeDream's graph.txt.
#include "weft/rt/pipeline_profile.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>
#include <unistd.h>

namespace weft::rt {
namespace {

constexpr const char *kFormat = "weft-pipeline-profile";
constexpr int kVersion = 1;
constexpr std::string_view kSeparator = " -- ";

[[noreturn]] void fail(const std::string &source, int line, const std::string &what) {
  throw ProfileError(source + ":" + std::to_string(line) + ": " + what);
}

[[noreturn]] void fail(const std::string &source, const std::string &what) {
  throw ProfileError(source + ": " + what);
}

bool ends_with(const std::string &s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos)
    return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

// `s` cut at every occurrence of `separator`.
std::vector<std::string_view> split(std::string_view s, std::string_view separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t at = s.find(separator); at != std::string_view::npos;
       at = s.find(separator, start)) {
    parts.push_back(s.substr(start, at - start));
    start = at + separator.size();
  }
  parts.push_back(s.substr(start));
  return parts;
}

// A decimal number ("12", "0.5", "1e9"), all of `s`; false when `s` is anything else.
bool parse_number(std::string_view s, double &out) {
  if (s.empty())
    return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

// Three decimals, as PipeDream writes its figures, when they read back as `v`; otherwise
// the shortest digits that do.
std::string format_number(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3f", v);
  double back = 0;
  if (parse_number(buffer, back) && back == v)
    return buffer;
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  if (ec != std::errc())
    throw std::logic_error("weft: internal error in " __FILE__ ": to_chars failed");
  return std::string(buffer, end);
}

void check_figure(double v, const std::string &source, const std::string &field) {
  if (!std::isfinite(v) || v < 0)
    fail(source, field + ": expected a finite, non-negative number");
}

// ---- JSON ----

// The 1-based line of byte offset `byte` (nlohmann counts bytes read, one past the error).
int line_of(const std::string &text, std::size_t byte) {
  const std::size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + end, '\n'));
}

double json_number(const nlohmann::json &object, const char *key, const std::string &source,
                   const std::string &where) {
  const auto it = object.find(key);
  if (it == object.end())
    fail(source, where + "." + key + ": missing; expected a number");
  if (!it->is_number())
    fail(source, where + "." + key + ": expected a number, got " + it->dump());
  const double v = it->get<double>();
  check_figure(v, source, where + "." + key);
  return v;
}

// ---- graph.txt ----

// A node line of graph.txt, as read.
struct GraphNode {
  std::string id, description;
  double forward_ms = 0, backward_ms = 0, activation_bytes = 0, parameter_bytes = 0;
  int line = 0;
  std::vector<std::string> successors, predecessors;
};

// "activation_size=<number>" or "activation_size=[<number>; <number>...]" (their sum).
double activation_figure(std::string_view value, const std::string &source, int line) {
  double v = 0;
  if (value.size() >= 2 && value.front() == '[' && value.back() == ']') {
    double sum = 0;
    for (std::string_view part : split(value.substr(1, value.size() - 2), "; ")) {
      if (!parse_number(trim(part), v))
        fail(source, line,
             "activation_size: expected a number or a list [a; b], got '" + std::string(value) +
                 "'");
      sum += v;
    }
    return sum;
  }
  if (!parse_number(value, v))
    fail(source, line,
         "activation_size: expected a number or a list [a; b], got '" + std::string(value) + "'");
  return v;
}

// Reads "<id> -- <description> -- forward_compute_time=.., backward_compute_time=..,
// activation_size=.., parameter_size=..[ -- stage_id=<n>]".
GraphNode parse_node_line(std::string_view text, const std::string &source, int line) {
  const auto tokens = split(text, kSeparator);
  if (tokens.size() != 3 && tokens.size() != 4)
    fail(source, line,
         "expected a node line '<id> -- <description> -- forward_compute_time=<ms>, "
         "backward_compute_time=<ms>, activation_size=<bytes>, parameter_size=<bytes>' or an "
         "edge line '\\t<id> -- <id>'");
  GraphNode node;
  node.id = std::string(trim(tokens[0]));
  node.description = std::string(tokens[1]);
  node.line = line;
  if (node.id.empty())
    fail(source, line, "expected a node id before ' -- '");
  if (tokens.size() == 4 && !starts_with(trim(tokens[3]), "stage_id="))
    fail(source, line,
         "expected 'stage_id=<n>' after the figures, got '" + std::string(tokens[3]) + "'");
  const char *const keys[] = {"forward_compute_time", "backward_compute_time", "activation_size",
                              "parameter_size"};
  const auto fields = split(tokens[2], ", ");
  if (fields.size() != 4)
    fail(source, line,
         "expected four figures 'forward_compute_time=<ms>, backward_compute_time=<ms>, "
         "activation_size=<bytes>, parameter_size=<bytes>', got '" +
             std::string(tokens[2]) + "'");
  double *const targets[] = {&node.forward_ms, &node.backward_ms, &node.activation_bytes,
                             &node.parameter_bytes};
  for (int f = 0; f < 4; ++f) {
    const std::string_view field = trim(fields[f]);
    const std::string key = std::string(keys[f]) + "=";
    if (!starts_with(field, key))
      fail(source, line,
           "expected '" + key + "<number>' as figure " + std::to_string(f + 1) + ", got '" +
               std::string(field) + "'");
    const std::string_view value = field.substr(key.size());
    if (f == 2) {
      *targets[f] = activation_figure(value, source, line);
    } else if (!parse_number(value, *targets[f])) {
      fail(source, line,
           std::string(keys[f]) + ": expected a number, got '" + std::string(value) + "'");
    }
    if (*targets[f] < 0)
      fail(source, line, std::string(keys[f]) + ": expected a non-negative number");
  }
  return node;
}

std::string join(const std::vector<std::string> &items) {
  std::string s;
  for (const auto &item : items)
    s += (s.empty() ? "" : ", ") + item;
  return s;
}

// The chain of layers that `nodes` (read in `order`) describe: an optional input node
// (a source described "Input..."), then one chain through every other node.
PipelineProfile chain_of(std::map<std::string, GraphNode> &nodes,
                         const std::vector<std::string> &order, const std::string &source) {
  PipelineProfile profile;
  const GraphNode *input = nullptr;
  for (const auto &id : order) {
    const GraphNode &node = nodes.at(id);
    if (!node.predecessors.empty() || !starts_with(node.description, "Input"))
      continue;
    if (input)
      fail(source, node.line,
           "a second input node '" + id + "' (the first is '" + input->id + "' on line " +
               std::to_string(input->line) + "); a pipeline profile has one input");
    input = &node;
  }
  if (input) {
    if (input->successors.size() != 1)
      fail(source, input->line,
           "input node '" + input->id + "' feeds " + std::to_string(input->successors.size()) +
               " nodes (" + join(input->successors) + "); expected exactly one, the first layer");
    profile.input_bytes = input->activation_bytes;
  }
  // The first layer: the input's successor, or else the one node without predecessors.
  std::string head;
  if (input) {
    head = input->successors.front();
  } else {
    for (const auto &id : order)
      if (nodes.at(id).predecessors.empty()) {
        if (!head.empty())
          fail(source, nodes.at(id).line,
               "node '" + id + "' has no predecessor, nor has '" + head +
                   "'; a pipeline profile is one chain of layers");
        head = id;
      }
    if (head.empty())
      fail(source, "no node without a predecessor; a pipeline profile is one chain of layers");
  }
  // Walk the chain from its head; a node met twice closes a cycle.
  std::set<std::string> on_chain;
  for (std::string id = head;;) {
    const GraphNode &node = nodes.at(id);
    const std::size_t inputs = node.predecessors.size();
    if (inputs > 1)
      fail(source, node.line,
           "node '" + id + "' has " + std::to_string(inputs) + " predecessors (" +
               join(node.predecessors) + "); a pipeline profile is one chain of layers");
    if (!on_chain.insert(id).second)
      fail(source, node.line, "node '" + id + "' closes a cycle; a pipeline profile is a chain");
    profile.layers.push_back(LayerProfile{node.description, node.forward_ms, node.backward_ms,
                                          node.activation_bytes, node.parameter_bytes});
    if (node.successors.empty())
      break;
    if (node.successors.size() > 1)
      fail(source, node.line,
           "node '" + id + "' has " + std::to_string(node.successors.size()) + " successors (" +
               join(node.successors) + "); a pipeline profile is one chain of layers");
    id = node.successors.front();
  }
  for (const auto &id : order)
    if (!on_chain.count(id) && !(input && id == input->id))
      fail(source, nodes.at(id).line,
           "node '" + id + "' is not on the chain that starts at '" + head +
               "'; a pipeline profile is one chain of layers");
  return profile;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ProfileError(path + ": cannot open for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    throw ProfileError(path + ": cannot read");
  return text.str();
}

// Writes `text` to `path + ".tmp.<pid>"`, flushes it to disk and renames it over `path`:
// a reader sees the old file or the whole new one, never a part.
void write_file_atomically(const std::string &path, const std::string &text) {
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  std::FILE *file = std::fopen(temp.c_str(), "wb");
  if (!file)
    throw ProfileError(temp + ": cannot create");
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size() &&
                       std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    std::remove(temp.c_str());
    throw ProfileError(temp + ": cannot write");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw ProfileError(path + ": cannot rename " + temp + " to it");
  }
}

} // namespace

void check_pipeline_profile(const PipelineProfile &profile, const std::string &source) {
  check_figure(profile.input_bytes, source, "input_bytes");
  if (profile.layers.empty())
    fail(source, "layers: expected at least one layer");
  for (std::size_t l = 0; l < profile.layers.size(); ++l) {
    const LayerProfile &layer = profile.layers[l];
    const std::string where = "layers[" + std::to_string(l) + "]";
    if (layer.name.empty())
      fail(source, where + ".name: expected a non-empty name");
    if (layer.name.find_first_of("\n\r\t") != std::string::npos ||
        layer.name.find(kSeparator) != std::string::npos)
      fail(source, where + ".name: '" + layer.name +
                       "' holds a newline, a tab or ' -- ', which graph.txt cannot hold");
    check_figure(layer.forward_ms, source, where + ".forward_ms");
    check_figure(layer.backward_ms, source, where + ".backward_ms");
    check_figure(layer.activation_bytes, source, where + ".activation_bytes");
    check_figure(layer.weight_bytes, source, where + ".weight_bytes");
  }
}

PipelineProfile parse_pipeline_profile_json(const std::string &text, const std::string &source) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error &e) {
    fail(source, line_of(text, e.byte), std::string("expected JSON: ") + e.what());
  }
  if (!json.is_object())
    fail(source, "expected a JSON object {\"format\": \"" + std::string(kFormat) + "\", ...}");
  const auto format = json.find("format");
  if (format == json.end() || *format != kFormat)
    fail(source, std::string("format: expected \"") + kFormat + "\"");
  const auto version = json.find("version");
  if (version == json.end() || *version != kVersion)
    fail(source, "version: expected " + std::to_string(kVersion));
  PipelineProfile profile;
  profile.input_bytes = json_number(json, "input_bytes", source, "profile");
  const auto layers = json.find("layers");
  if (layers == json.end() || !layers->is_array())
    fail(source, "layers: expected an array of layers");
  for (std::size_t l = 0; l < layers->size(); ++l) {
    const nlohmann::json &entry = (*layers)[l];
    const std::string where = "layers[" + std::to_string(l) + "]";
    if (!entry.is_object())
      fail(source, where + ": expected an object {\"name\": ..., \"forward_ms\": ...}");
    const auto name = entry.find("name");
    if (name == entry.end() || !name->is_string())
      fail(source, where + ".name: expected a string");
    profile.layers.push_back(LayerProfile{name->get<std::string>(),
                                          json_number(entry, "forward_ms", source, where),
                                          json_number(entry, "backward_ms", source, where),
                                          json_number(entry, "activation_bytes", source, where),
                                          json_number(entry, "weight_bytes", source, where)});
  }
  check_pipeline_profile(profile, source);
  return profile;
}

std::string pipeline_profile_to_json(const PipelineProfile &profile) {
  check_pipeline_profile(profile, "profile to write");
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerProfile &layer : profile.layers)
    layers.push_back({{"name", layer.name},
                      {"forward_ms", layer.forward_ms},
                      {"backward_ms", layer.backward_ms},
                      {"activation_bytes", layer.activation_bytes},
                      {"weight_bytes", layer.weight_bytes}});
  nlohmann::json json = {{"format", kFormat},
                         {"version", kVersion},
                         {"input_bytes", profile.input_bytes},
                         {"layers", layers}};
  return json.dump(2) + "\n";
}

PipelineProfile parse_pipeline_profile_graph_txt(const std::string &text,
                                                 const std::string &source) {
  std::map<std::string, GraphNode> nodes;
  std::vector<std::string> order; // node ids in the order of their lines
  int line = 0;
  for (std::string_view rest = text; !rest.empty();) {
    const auto newline = rest.find('\n');
    const std::string_view raw = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    ++line;
    if (trim(raw).empty())
      continue;
    if (raw.front() == '\t') {
      // An edge "\t<from> -- <to>"; PipeDream's reader needs both nodes declared before.
      const auto ends = split(trim(raw), kSeparator);
      if (ends.size() != 2 || ends[0].empty() || ends[1].empty())
        fail(source, line,
             "expected an edge line '\\t<id> -- <id>', got '" + std::string(trim(raw)) + "'");
      const std::string from(ends[0]), to(ends[1]);
      for (const std::string &id : {from, to})
        if (!nodes.count(id))
          fail(source, line, "edge names node '" + id + "', which no node line before it declares");
      auto &successors = nodes.at(from).successors;
      if (std::find(successors.begin(), successors.end(), to) != successors.end())
        fail(source, line, "edge " + from + " -- " + to + " appears twice");
      successors.push_back(to);
      nodes.at(to).predecessors.push_back(from);
      continue;
    }
    GraphNode node = parse_node_line(trim(raw), source, line);
    if (nodes.count(node.id))
      fail(source, line,
           "node '" + node.id + "' is declared twice (first on line " +
               std::to_string(nodes.at(node.id).line) + ")");
    order.push_back(node.id);
    nodes.emplace(node.id, std::move(node));
  }
  if (nodes.empty())
    fail(source, "expected node lines; the file has none");
  PipelineProfile profile = chain_of(nodes, order, source);
  check_pipeline_profile(profile, source);
  return profile;
}

std::string pipeline_profile_to_graph_txt(const PipelineProfile &profile) {
  check_pipeline_profile(profile, "profile to write");
  auto node_line = [](int id, const std::string &description, double forward_ms, double backward_ms,
                      double activation_bytes, double weight_bytes) {
    return "node" + std::to_string(id) + " -- " + description +
           " -- forward_compute_time=" + format_number(forward_ms) +
           ", backward_compute_time=" + format_number(backward_ms) +
           ", activation_size=" + format_number(activation_bytes) +
           ", parameter_size=" + format_number(weight_bytes) + "\n";
  };
  std::string text = node_line(1, "Input", 0, 0, profile.input_bytes, 0);
  const int layers = static_cast<int>(profile.layers.size());
  for (int l = 0; l < layers; ++l) {
    const LayerProfile &layer = profile.layers[l];
    text += node_line(l + 2, layer.name, layer.forward_ms, layer.backward_ms,
                      layer.activation_bytes, layer.weight_bytes);
  }
  for (int l = 0; l < layers; ++l)
    text += "\tnode" + std::to_string(l + 1) + " -- node" + std::to_string(l + 2) + "\n";
  return text;
}

PipelineProfile read_pipeline_profile(const std::string &path) {
  const std::string text = read_file(path);
  return ends_with(path, ".json") ? parse_pipeline_profile_json(text, path)
                                  : parse_pipeline_profile_graph_txt(text, path);
}

void write_pipeline_profile(const PipelineProfile &profile, const std::string &path) {
  write_file_atomically(path, ends_with(path, ".json") ? pipeline_profile_to_json(profile)
                                                       : pipeline_profile_to_graph_txt(profile));
}

} // namespace weft::rt
