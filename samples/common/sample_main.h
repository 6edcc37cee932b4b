// What the samples' command lines and main() share: flags with checked numeric values,
// usage errors (exit status 2), the wall-clock timer of the training loops, and the
// report of an error while running (exit status 1).
//
// A sample keeps its own options, defaults and usage text and includes this header as
// "../common/sample_main.h" (weftc and the parallel build find it through the sample's
// directory on the include path). Only the standard library and weft/weft.h are used.
#pragma once

#include <weft/weft.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace weft_samples {

// A sample's command line: the program's name and its usage text, which every usage
// error prints.
class CommandLine {
public:
  constexpr CommandLine(const char *program, const char *usage)
      : program_(program), usage_(usage) {}

  // Prints "<program>: error: <what>" and the usage on stderr and exits with status 2
  // (weft::command_line_error: once per parallel run).
  [[noreturn]] void usage_error(const std::string &what) const {
    weft::command_line_error(std::string(program_) + ": error: " + what + "\n" + usage_, 2);
  }

  // `text` read whole as a T in [lo, hi]; anything else is the usage error
  // "<flag> needs a number between <lo> and <hi>, got '<text>'" (floating-point bounds
  // printed as %g).
  template <class T> T number(const std::string &flag, const std::string &text, T lo, T hi) const {
    return parse<T>(flag, text, lo, hi, "a number");
  }

  // The same for an integer type, the error saying "needs an integer between".
  template <class T> T integer(const std::string &flag, const std::string &text, T lo, T hi) const {
    static_assert(std::is_integral_v<T>, "integer() reads integer types");
    return parse<T>(flag, text, lo, hi, "an integer");
  }

  // Walks argv[1..] as "--flag value" pairs and calls on_flag(flag, value), which returns
  // whether it knows the flag. "--help" or "-h" prints the usage on stdout and exits 0;
  // a flag listed in `switches` takes no value (on_flag gets ""). Usage errors:
  // "<flag> needs a value" when the last flag lacks one (checked before the flag is
  // looked at), "unknown argument '<flag>'" when on_flag returns false.
  template <class OnFlag>
  void for_each_flag(int argc, char **argv, OnFlag on_flag,
                     std::initializer_list<std::string_view> switches = {}) const {
    for (int n = 1; n < argc; ++n) {
      const std::string flag = argv[n];
      if (flag == "--help" || flag == "-h") {
        std::fputs(usage_, stdout);
        std::exit(0);
      }
      std::string value;
      if (std::find(switches.begin(), switches.end(), flag) == switches.end()) {
        if (n + 1 == argc)
          usage_error(flag + " needs a value");
        value = argv[++n];
      }
      if (!on_flag(flag, value))
        usage_error("unknown argument '" + flag + "'");
    }
  }

private:
  template <class T> static std::string format_bound(T v) {
    if constexpr (std::is_floating_point_v<T>) {
      char text[32];
      std::snprintf(text, sizeof text, "%g", static_cast<double>(v));
      return text;
    } else {
      return std::to_string(v);
    }
  }

  template <class T>
  T parse(const std::string &flag, const std::string &text, T lo, T hi, const char *kind) const {
    T value{};
    const char *last = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), last, value);
    // Written as !(in range) so that a NaN is out of range too.
    if (text.empty() || ec != std::errc() || ptr != last || !(value >= lo && value <= hi)) {
      usage_error(flag + " needs " + kind + " between " + format_bound(lo) + " and " +
                  format_bound(hi) + ", got '" + text + "'");
    }
    return value;
  }

  const char *program_;
  const char *usage_;
};

// Wall-clock seconds from `start` to now.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Returns run(); what it throws becomes "<program>: error: <what>" on stderr ("out of
// memory" for std::bad_alloc) and exit status 1.
template <class Run> int run_reporting_errors(const char *program, Run run) {
  try {
    return run();
  } catch (const weft::Error &e) {
    std::fprintf(stderr, "%s: error: %s\n", program, e.what());
    return 1;
  } catch (const std::bad_alloc &) {
    std::fprintf(stderr, "%s: error: out of memory\n", program);
    return 1;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "%s: error: %s\n", program, e.what());
    return 1;
  }
}

} // namespace weft_samples
