// PipelineProfile's two forms (JSON, PipeDream's graph.txt): round trips, PipeDream's own
// spelling, whole-file writes, and one test per malformed input.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "weft/rt/pipeline_profile.h"

namespace {

namespace fs = std::filesystem;
using weft::rt::LayerProfile;
using weft::rt::PipelineProfile;
using weft::rt::ProfileError;

PipelineProfile three_layers() {
  PipelineProfile p;
  p.input_bytes = 401408;
  p.layers = {LayerProfile{"fc1", 1.5, 3.25, 524288, 3211264},
              LayerProfile{"relu(inplace)", 0.125, 0.1234567, 524288, 0},
              LayerProfile{"fc2 [out=10]", 0.0625, 0.1, 5120, 41000.5}};
  return p;
}

void expect_same(const PipelineProfile &a, const PipelineProfile &b) {
  EXPECT_EQ(a.input_bytes, b.input_bytes);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    SCOPED_TRACE("layer " + std::to_string(l));
    EXPECT_EQ(a.layers[l].name, b.layers[l].name);
    EXPECT_EQ(a.layers[l].forward_ms, b.layers[l].forward_ms);
    EXPECT_EQ(a.layers[l].backward_ms, b.layers[l].backward_ms);
    EXPECT_EQ(a.layers[l].activation_bytes, b.layers[l].activation_bytes);
    EXPECT_EQ(a.layers[l].weight_bytes, b.layers[l].weight_bytes);
  }
}

// A fresh directory under the test's temporary directory.
fs::path scratch(const std::string &name) {
  const fs::path dir = fs::temp_directory_path() /
                       ("weft_pipeline_profile_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string slurp(const fs::path &path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The message of the ProfileError that `parse` throws ("" when it throws none).
template <class Parse> std::string error_of(Parse &&parse) {
  try {
    parse();
  } catch (const ProfileError &e) {
    return e.what();
  }
  return "";
}

std::string graph_error(const std::string &text) {
  return error_of([&] { weft::rt::parse_pipeline_profile_graph_txt(text, "g.txt"); });
}

std::string json_error(const std::string &text) {
  return error_of([&] { weft::rt::parse_pipeline_profile_json(text, "p.json"); });
}

const std::string kInput = "node1 -- Input -- forward_compute_time=0.000, "
                           "backward_compute_time=0.000, activation_size=8.000, "
                           "parameter_size=0.000\n";
std::string node(const std::string &id, const std::string &figures = "1.0, 2.0, 3.0, 4.0") {
  std::istringstream in(figures);
  std::string f, b, a, p;
  std::getline(in, f, ',');
  std::getline(in, b, ',');
  std::getline(in, a, ',');
  std::getline(in, p, ',');
  return id + " -- layer " + id + " -- forward_compute_time=" + f +
         ", backward_compute_time=" + b.substr(1) + ", activation_size=" + a.substr(1) +
         ", parameter_size=" + p.substr(1) + "\n";
}

TEST(PipelineProfileJson, RoundTripsEveryFigureExactly) {
  const fs::path dir = scratch("json");
  const PipelineProfile p = three_layers();
  weft::rt::write_pipeline_profile(p, (dir / "p.json").string());
  expect_same(weft::rt::read_pipeline_profile((dir / "p.json").string()), p);
  fs::remove_all(dir);
}

TEST(PipelineProfileGraphTxt, RoundTripsEveryFigureExactly) {
  const fs::path dir = scratch("graph");
  const PipelineProfile p = three_layers();
  weft::rt::write_pipeline_profile(p, (dir / "graph.txt").string());
  expect_same(weft::rt::read_pipeline_profile((dir / "graph.txt").string()), p);
  fs::remove_all(dir);
}

TEST(PipelineProfileGraphTxt, WritesPipeDreamsLinesWithThreeDecimalsWhenTheyAreExact) {
  PipelineProfile p;
  p.input_bytes = 602112;
  p.layers = {LayerProfile{"Conv2d(3, 64)", 22.316, 6.405, 198246400, 93184},
              LayerProfile{"ReLU(inplace)", 0.8125, 0.1234567, 198246400, 0}};
  EXPECT_EQ(weft::rt::pipeline_profile_to_graph_txt(p),
            "node1 -- Input -- forward_compute_time=0.000, backward_compute_time=0.000, "
            "activation_size=602112.000, parameter_size=0.000\n"
            "node2 -- Conv2d(3, 64) -- forward_compute_time=22.316, "
            "backward_compute_time=6.405, activation_size=198246400.000, "
            "parameter_size=93184.000\n"
            "node3 -- ReLU(inplace) -- forward_compute_time=0.8125, "
            "backward_compute_time=0.1234567, activation_size=198246400.000, "
            "parameter_size=0.000\n"
            "\tnode1 -- node2\n"
            "\tnode2 -- node3\n");
}

// PipeDream's profiler lists nodes in no particular order, edges after them, may add
// " -- stage_id=<n>", and gives a node with several outputs a list of sizes.
TEST(PipelineProfileGraphTxt, ReadsPipeDreamsSpellingInAnyNodeOrder) {
  const std::string text =
      "node3 -- ReLU(inplace) -- forward_compute_time=0.539, backward_compute_time=0.188, "
      "activation_size=[100.0; 28.0], parameter_size=0.000 -- stage_id=1\n"
      "node2 -- Linear(in_features=4, out_features=8, bias=True) -- "
      "forward_compute_time=1.737, backward_compute_time=3.072, activation_size=128.0, "
      "parameter_size=160.000 -- stage_id=0\n"
      "node1 -- Input -- forward_compute_time=635.902, backward_compute_time=0.000, "
      "activation_size=64.000, parameter_size=0.000\n"
      "\tnode2 -- node3\n"
      "\tnode1 -- node2";
  const PipelineProfile p = weft::rt::parse_pipeline_profile_graph_txt(text, "graph.txt");
  EXPECT_EQ(p.input_bytes, 64);
  ASSERT_EQ(p.layers.size(), 2u);
  EXPECT_EQ(p.layers[0].name, "Linear(in_features=4, out_features=8, bias=True)");
  EXPECT_EQ(p.layers[0].forward_ms, 1.737);
  EXPECT_EQ(p.layers[0].weight_bytes, 160);
  EXPECT_EQ(p.layers[1].name, "ReLU(inplace)");
  EXPECT_EQ(p.layers[1].activation_bytes, 128);
}

TEST(PipelineProfileGraphTxt, ReadsAChainWithoutAnInputNode) {
  const PipelineProfile p =
      weft::rt::parse_pipeline_profile_graph_txt(node("a") + node("b") + "\ta -- b\n", "g");
  EXPECT_EQ(p.input_bytes, 0);
  ASSERT_EQ(p.layers.size(), 2u);
  EXPECT_EQ(p.layers[1].name, "layer b");
}

TEST(PipelineProfileFiles, WriteLeavesNoTemporaryFileBehind) {
  const fs::path dir = scratch("temp");
  weft::rt::write_pipeline_profile(three_layers(), (dir / "p.json").string());
  weft::rt::write_pipeline_profile(three_layers(), (dir / "p.json").string());
  int files = 0;
  for (const auto &entry : fs::directory_iterator(dir))
    files += entry.is_regular_file();
  EXPECT_EQ(files, 1);
  fs::remove_all(dir);
}

TEST(PipelineProfileFiles, FailedWriteKeepsTheOldFile) {
  const fs::path dir = scratch("keep");
  const std::string path = (dir / "graph.txt").string();
  weft::rt::write_pipeline_profile(three_layers(), path);
  const std::string before = slurp(path);
  PipelineProfile bad = three_layers();
  bad.layers[1].name = "a -- b";
  const std::string message = error_of([&] { weft::rt::write_pipeline_profile(bad, path); });
  EXPECT_NE(message.find("layers[1].name"), std::string::npos) << message;
  EXPECT_EQ(slurp(path), before);
  fs::remove_all(dir);
}

TEST(PipelineProfileFiles, WriteIntoAMissingDirectoryIsAnError) {
  const std::string message =
      error_of([] { weft::rt::write_pipeline_profile(three_layers(), "/nonexistent/dir/p.json"); });
  EXPECT_NE(message.find("/nonexistent/dir/p.json.tmp."), std::string::npos) << message;
  EXPECT_NE(message.find("cannot create"), std::string::npos) << message;
}

TEST(PipelineProfileFiles, MissingFileIsAnErrorNamingIt) {
  const std::string message =
      error_of([] { weft::rt::read_pipeline_profile("/nonexistent/profile.json"); });
  EXPECT_EQ(message, "/nonexistent/profile.json: cannot open for reading");
}

// ---- malformed JSON ----

TEST(PipelineProfileJsonErrors, SyntaxErrorNamesItsLine) {
  const std::string message = json_error("{\n  \"format\": \"weft-pipeline-profile\",\n  oops\n}");
  EXPECT_EQ(message.rfind("p.json:3: expected JSON", 0), 0u) << message;
}

TEST(PipelineProfileJsonErrors, WrongFormatTagIsNamed) {
  EXPECT_EQ(json_error(R"({"format": "other", "version": 1})"),
            "p.json: format: expected \"weft-pipeline-profile\"");
}

TEST(PipelineProfileJsonErrors, UnknownVersionIsNamed) {
  EXPECT_EQ(json_error(R"({"format": "weft-pipeline-profile", "version": 2})"),
            "p.json: version: expected 1");
}

TEST(PipelineProfileJsonErrors, MissingFieldIsNamedWithItsLayer) {
  EXPECT_EQ(json_error(R"({"format": "weft-pipeline-profile", "version": 1, "input_bytes": 1,
      "layers": [{"name": "a", "forward_ms": 1, "backward_ms": 1, "activation_bytes": 1}]})"),
            "p.json: layers[0].weight_bytes: missing; expected a number");
}

TEST(PipelineProfileJsonErrors, StringWhereANumberBelongsIsNamed) {
  EXPECT_EQ(json_error(R"({"format": "weft-pipeline-profile", "version": 1, "input_bytes": 1,
      "layers": [{"name": "a", "forward_ms": "1", "backward_ms": 1, "activation_bytes": 1,
                  "weight_bytes": 0}]})"),
            "p.json: layers[0].forward_ms: expected a number, got \"1\"");
}

TEST(PipelineProfileJsonErrors, NegativeFigureIsNamed) {
  EXPECT_EQ(json_error(R"({"format": "weft-pipeline-profile", "version": 1, "input_bytes": -5,
      "layers": []})"),
            "p.json: profile.input_bytes: expected a finite, non-negative number");
}

TEST(PipelineProfileJsonErrors, EmptyLayerListIsAnError) {
  EXPECT_EQ(json_error(R"({"format": "weft-pipeline-profile", "version": 1, "input_bytes": 0,
      "layers": []})"),
            "p.json: layers: expected at least one layer");
}

// ---- malformed graph.txt ----

TEST(PipelineProfileGraphTxtErrors, NodeLineWithoutFiguresNamesItsLine) {
  const std::string message = graph_error(kInput + "node2 -- Linear\n");
  EXPECT_EQ(message.rfind("g.txt:2: expected a node line '<id> -- <description> -- ", 0), 0u)
      << message;
}

TEST(PipelineProfileGraphTxtErrors, MisnamedFigureIsNamed) {
  EXPECT_EQ(graph_error(kInput + "node2 -- L -- forward_time=1, backward_compute_time=1, "
                                 "activation_size=1, parameter_size=1\n"),
            "g.txt:2: expected 'forward_compute_time=<number>' as figure 1, got "
            "'forward_time=1'");
}

TEST(PipelineProfileGraphTxtErrors, MissingFigureIsNamed) {
  const std::string message =
      graph_error(kInput + "node2 -- L -- forward_compute_time=1, backward_compute_time=1, "
                           "activation_size=1\n");
  EXPECT_EQ(message.rfind("g.txt:2: expected four figures", 0), 0u) << message;
}

TEST(PipelineProfileGraphTxtErrors, FigureThatIsNoNumberIsNamed) {
  EXPECT_EQ(graph_error(kInput + node("node2", "1.0, x, 3.0, 4.0")),
            "g.txt:2: backward_compute_time: expected a number, got 'x'");
}

TEST(PipelineProfileGraphTxtErrors, NegativeFigureIsNamed) {
  EXPECT_EQ(graph_error(kInput + node("node2", "1.0, 2.0, 3.0, -4.0")),
            "g.txt:2: parameter_size: expected a non-negative number");
}

TEST(PipelineProfileGraphTxtErrors, BadActivationListIsNamed) {
  EXPECT_EQ(graph_error(kInput + node("node2", "1.0, 2.0, [3.0; y], 4.0")),
            "g.txt:2: activation_size: expected a number or a list [a; b], got '[3.0; y]'");
}

TEST(PipelineProfileGraphTxtErrors, EdgeToAnUndeclaredNodeIsNamed) {
  EXPECT_EQ(graph_error(kInput + node("node2") + "\tnode1 -- node2\n\tnode2 -- node9\n"),
            "g.txt:4: edge names node 'node9', which no node line before it declares");
}

TEST(PipelineProfileGraphTxtErrors, MalformedEdgeIsNamed) {
  EXPECT_EQ(graph_error(kInput + node("node2") + "\tnode1 node2\n"),
            "g.txt:3: expected an edge line '\\t<id> -- <id>', got 'node1 node2'");
}

TEST(PipelineProfileGraphTxtErrors, NodeDeclaredTwiceIsNamed) {
  EXPECT_EQ(graph_error(kInput + node("node2") + node("node2")),
            "g.txt:3: node 'node2' is declared twice (first on line 2)");
}

TEST(PipelineProfileGraphTxtErrors, BranchIsRejectedAsNotAChain) {
  EXPECT_EQ(graph_error(kInput + node("node2") + node("node3") + node("node4") +
                        "\tnode1 -- node2\n\tnode2 -- node3\n\tnode2 -- node4\n"),
            "g.txt:2: node 'node2' has 2 successors (node3, node4); a pipeline profile is one "
            "chain of layers");
}

TEST(PipelineProfileGraphTxtErrors, JoinIsRejectedAsNotAChain) {
  EXPECT_EQ(graph_error(node("a") + node("b") + node("c") + "\ta -- c\n\tb -- c\n"),
            "g.txt:2: node 'b' has no predecessor, nor has 'a'; a pipeline profile is one "
            "chain of layers");
}

TEST(PipelineProfileGraphTxtErrors, NodeOffTheChainIsNamed) {
  EXPECT_EQ(graph_error(kInput + node("node2") + node("node3") + node("node4") +
                        "\tnode1 -- node2\n\tnode3 -- node4\n\tnode4 -- node3\n"),
            "g.txt:3: node 'node3' is not on the chain that starts at 'node2'; a pipeline "
            "profile is one chain of layers");
}

TEST(PipelineProfileGraphTxtErrors, CycleThroughTheFirstLayerIsNamed) {
  EXPECT_EQ(graph_error(kInput + node("node2") + node("node3") +
                        "\tnode1 -- node2\n\tnode2 -- node3\n\tnode3 -- node2\n"),
            "g.txt:2: node 'node2' has 2 predecessors (node1, node3); a pipeline profile is "
            "one chain of layers");
}

TEST(PipelineProfileGraphTxtErrors, SecondInputIsNamed) {
  const std::string second = "node9 -- Input2 -- forward_compute_time=0, "
                             "backward_compute_time=0, activation_size=1, parameter_size=0\n";
  EXPECT_EQ(graph_error(kInput + second + node("node2") + "\tnode1 -- node2\n\tnode9 -- node2\n"),
            "g.txt:2: a second input node 'node9' (the first is 'node1' on line 1); a "
            "pipeline profile has one input");
}

TEST(PipelineProfileGraphTxtErrors, EmptyFileIsAnError) {
  EXPECT_EQ(graph_error("\n\n"), "g.txt: expected node lines; the file has none");
}

TEST(PipelineProfileGraphTxtErrors, InputAloneHasNoLayers) {
  EXPECT_EQ(graph_error(kInput),
            "g.txt:1: input node 'node1' feeds 0 nodes (); expected exactly one, the first "
            "layer");
}

} // namespace
