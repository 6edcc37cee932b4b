// Calls every function of weft/serve.h and weft/serving.h the way a serving program does,
// so that compiling this file with -Wall -Wextra -Wpedantic -Werror checks the headers for
// warnings.
#include <weft/serve.h>
#include <weft/serving.h>

#include <cstdint>

namespace nn = weft::nn;
namespace serve = weft::serve;

int main(int argc, char **) {
  const serve::Code code = serve::make_code(argc > 1 ? "concatenation" : "addition", 2, 4, 4);
  serve::check_code(code);
  nn::Tensor X({2, 16}), P({1, 16}), small({2, 8}), cell({1, 8});
  serve::encode(code, X, P);
  if (code.encoding == serve::Encoding::concatenation) {
    serve::downsample(code, X, small);
    serve::cell(code, P, 1, cell);
  }
  nn::Tensor Y({2, 3}), Fp({1, 3}), decoded({1, 3});
  serve::decode(Y, 0, Fp, decoded);
  serve::Group group(2, 3);
  group.set_result(0, Y.data());
  group.set_result(2, Fp.data());
  const std::int64_t missing = group.answerable() ? group.answers(Y) : -1;
  serve::ServingOptions options;
  options.queries = argc > 2 ? 10 : 0;
  const serve::Model model = [](nn::ConstMatrix, nn::Matrix out) { out(0, 0) = 1.0f; };
  const serve::ServingReport report = serve::run_serving(options, X, 3, model, model);
  const bool slow = serve::is_slow_task(1, 2, 0.5);
  return static_cast<int>(missing + report.tasks + (slow ? 1 : 0) +
                          static_cast<std::int64_t>(serve::finish_time(options, 0.0, 1.0)) +
                          (serve::encoding_name(code.encoding)[0] == 'a' ? 1 : 0));
}
