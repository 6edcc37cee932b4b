//===- weftc - the weft compiler driver -----------------------------------===//
//
//   weftc [options] <file.cpp>... [-- <compiler args>]
//   weftc [options] -p <build dir> <file.cpp>...
//
// Reads as the pipeline: parse -> loop models (frontend) -> dependences -> schedule
// (analysis) -> rewrite (transforms) or another output.
//
//===----------------------------------------------------------------------===//

#include "BuildLoopModel.h"
#include "Dependences.h"
#include "Explain.h"
#include "Inputs.h"
#include "InternalError.h"
#include "LargeStack.h"
#include "LoopModel.h"
#include "Options.h"
#include "Output.h"
#include "Parse.h"
#include "Rewrite.h"
#include "Schedule.h"

#include "clang/AST/ASTContext.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <isl/version.h>

namespace cl = llvm::cl;

static cl::OptionCategory weftc_category("weftc options");

static cl::list<std::string> source_paths(cl::Positional, cl::desc("<file.cpp>..."), cl::OneOrMore,
                                          cl::cat(weftc_category));
static cl::opt<std::string> build_path("p", cl::desc("Build directory with compile_commands.json"),
                                       cl::value_desc("build dir"), cl::cat(weftc_category));
// A string, not a cl::values enum: LLVM's message for an unknown value ("Cannot find
// option named 'x'!") names it an option.
static cl::opt<std::string>
    emit_kind("emit",
              cl::desc("What to write: 'source', the file with its parallel loops rewritten "
                       "into calls of the weft runtime (default); 'model', the loop model of "
                       "every annotated loop, as text; 'report', the verdict of every "
                       "annotated loop, as JSON"),
              cl::value_desc("source|model|report"), cl::init("source"), cl::cat(weftc_category));
static cl::opt<bool> explain("explain",
                             cl::desc("Print a note for every loop, not only rejected ones"),
                             cl::cat(weftc_category));
static cl::opt<unsigned long>
    isl_max_operations("isl-max-operations",
                       cl::desc("Bound on isl operations per loop (0: unbounded)"),
                       cl::init(weft::Options().isl_max_operations), cl::cat(weftc_category));
static cl::opt<std::string> output_path("o", cl::desc("Output file ('-' for standard output)"),
                                        cl::value_desc("path"), cl::init("-"),
                                        cl::cat(weftc_category));

namespace {

/// weft's user headers: next to an installed weftc (<prefix>/include), else the source tree.
std::string find_include_dir(const char *argv0) {
  std::string exe =
      llvm::sys::fs::getMainExecutable(argv0, reinterpret_cast<void *>(&find_include_dir));
  llvm::SmallString<256> installed(llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(installed, "include");
  llvm::SmallString<256> header(installed);
  llvm::sys::path::append(header, "weft", "weft.h");
  if (llvm::sys::fs::exists(header))
    return std::string(installed);
  return WEFT_SOURCE_INCLUDE_DIR;
}

/// Adds to a loop's report entry what the rewrite does with it, so that the report
/// says what the generated program runs:
///   "verdict"          the executor the rewritten program calls ("data_parallel",
///                      "partition_1d", "rotation_2d", "wavefront", "relaxed"), or
///                      "sequential" when the loop stays as written;
///   "proven"           the strongest schedule the analysis proved (Schedule::verdict);
///   "kept_sequential"  only when a parallel schedule was proven but the rewrite keeps
///                      the loop sequential: why (the text of its warning);
///   "alias_check"      only when the rewritten call is guarded by a run-time check
///                      that arrays the analysis assumed distinct are: the pairs.
void add_rewrite(nlohmann::json &loop, const weft::LoopModel &model, const weft::Dependences &deps,
                 const weft::Schedule &schedule, const weft::LoopRewrite &rewrite) {
  loop["proven"] = weft::verdict_name(schedule.verdict);
  loop["verdict"] = rewrite.parallel ? rewrite.executor : "sequential";
  if (!rewrite.parallel && schedule.verdict != weft::Verdict::Sequential)
    loop["kept_sequential"] = rewrite.kept_serial;
  // The rewrite guards the call with a run-time check of the arrays the analysis
  // assumed distinct (docs/design.md, "Aliasing"); when they are not, the loop runs as
  // written.
  if (rewrite.parallel && !deps.assumed_distinct.empty()) {
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto &[x, y] : deps.assumed_distinct)
      pairs.push_back({model.arrays[x].name, model.arrays[y].name});
    loop["alias_check"] = pairs;
  }
}

} // namespace

static int run_weftc(int argc, const char **argv) {
  // Everything after `--` is the compiler command line shared by all files.
  std::string db_error;
  std::unique_ptr<clang::tooling::CompilationDatabase> db =
      clang::tooling::FixedCompilationDatabase::loadFromCommandLine(argc, argv, db_error);
  if (!db_error.empty()) {
    llvm::errs() << "weftc: error: " << db_error << "\n";
    return 1;
  }
  cl::HideUnrelatedOptions(weftc_category);
  cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    // The isl weftc runs with: the system library, never the copy inside libLLVM.
    os << "  isl: " << isl_version() << "\n";
  });
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "weft compiler: parallelizes loops annotated with "
                                   "#pragma weft\n",
                                   &llvm::errs()))
    return 1;

  if (!build_path.empty()) {
    if (db) {
      llvm::errs()
          << "weftc: error: give either -p <build dir> or '-- <compiler args>', not both\n";
      return 1;
    }
    db = clang::tooling::CompilationDatabase::loadFromDirectory(build_path, db_error);
    if (!db) {
      llvm::errs() << "weftc: error: " << db_error << "\n";
      return 1;
    }
  }
  if (!db)
    db =
        std::make_unique<clang::tooling::FixedCompilationDatabase>(".", std::vector<std::string>());

  weft::Options options;
  if (emit_kind == "source")
    options.emit = weft::Emit::Source;
  else if (emit_kind == "model")
    options.emit = weft::Emit::Model;
  else if (emit_kind == "report")
    options.emit = weft::Emit::Report;
  else {
    llvm::errs() << "weftc: error: unknown --emit value '" << emit_kind
                 << "' (expected source, model or report)\n";
    return 1;
  }
  options.output = output_path;
  options.explain = explain;
  options.isl_max_operations = isl_max_operations;
  options.include_dir = find_include_dir(argv[0]);
  options.resource_dir = WEFT_CLANG_RESOURCE_DIR;
  if (!llvm::sys::fs::is_directory(options.resource_dir)) {
    llvm::errs() << "weftc: error: clang's resource directory '" << options.resource_dir
                 << "' is missing (is clang-14 installed?)\n";
    return 1;
  }
  // Every input and the output are checked before the (long) parse: each problem is
  // one line naming its reason, and nothing is written.
  if (!weft::check_inputs(source_paths, *db))
    return 1;
  if (std::string problem = weft::check_output(options.output); !problem.empty()) {
    llvm::errs() << "weftc: error: " << problem << "\n";
    return 1;
  }

  if (options.emit == weft::Emit::Source && source_paths.size() != 1) {
    llvm::errs() << "weftc: error: --emit=source rewrites one file at a time; "
                 << source_paths.size() << " were given\n";
    return 1;
  }

  std::string out;
  nlohmann::json reports = nlohmann::json::array();
  bool ok = weft::parse_files(*db, source_paths, options, [&](weft::ParsedFile &file) {
    const clang::SourceManager &sm = file.context.getSourceManager();
    std::vector<weft::LoopModel> models;
    try {
      models = weft::build_loop_models(file.context, file.pragmas);
      weft::warn_serial_io(file.context, models);
    } catch (const weft::InternalError &e) {
      llvm::errs() << "weftc: internal error: building the loop models of " << file.path << ": "
                   << e.what() << "\n";
      return false;
    }
    if (options.emit == weft::Emit::Model)
      out += "file " + file.path + ": " + std::to_string(models.size()) + " annotated loop" +
             (models.size() == 1 ? "" : "s") + "\n";
    nlohmann::json report = {{"file", file.path}, {"loops", nlohmann::json::array()}};
    std::vector<weft::Dependences> deps;
    std::vector<weft::Schedule> schedules;
    deps.reserve(models.size());
    schedules.reserve(models.size());
    for (const weft::LoopModel &model : models) {
      if (options.emit == weft::Emit::Model)
        out += weft::print_model(model, sm);
      try {
        deps.push_back(weft::compute_dependences(model, options));
        try {
          schedules.push_back(weft::choose_schedule(model, deps.back()));
        } catch (const isl::exception &e) {
          // An isl error after the operation limit was reached is the limit's: the loop
          // stays sequential with the limit as its reason.
          if (!weft::operation_limit_reached(e, deps.back()))
            throw;
          deps.back() = weft::at_operation_limit(model, options);
          schedules.push_back(weft::choose_schedule(model, deps.back()));
        }
        weft::explain_schedule(file.context, model, deps.back(), schedules.back());
        if (options.explain && options.emit == weft::Emit::Model)
          weft::explain_outcome(file.context, model, schedules.back(),
                                weft::verdict_name(schedules.back().verdict), "");
        // The rewrite reads the model and the schedule, never the isl relations.
        weft::release_isl(deps.back());
      } catch (const weft::InternalError &e) {
        llvm::errs() << "weftc: internal error: analysing the loop at "
                     << weft::location_string(model.range.getBegin(), sm) << ": " << e.what()
                     << "\n";
        return false;
      } catch (const isl::exception &e) {
        // Not the user's fault: an isl object weft built is wrong.
        llvm::errs() << "weftc: internal error: analysing the loop at "
                     << weft::location_string(model.range.getBegin(), sm) << ": isl: " << e.what()
                     << "\nthe loop model was:\n"
                     << weft::print_model(model, sm);
        return false;
      }
    }
    if (options.emit == weft::Emit::Model)
      return true;
    // The report and the source come from one rewrite: the report names what the
    // rewritten program runs, and both emit modes warn about the same loops.
    std::vector<weft::AnalyzedLoop> loops;
    for (size_t i = 0; i < models.size(); ++i)
      loops.push_back({&models[i], &deps[i], &schedules[i]});
    std::vector<weft::LoopRewrite> rewrites;
    std::string source;
    try {
      source = weft::rewrite_source(file.context, loops, &rewrites);
    } catch (const weft::InternalError &e) {
      llvm::errs() << "weftc: internal error: rewriting " << file.path << ": " << e.what() << "\n";
      return false;
    }
    if (options.explain)
      for (size_t i = 0; i < models.size(); ++i)
        weft::explain_outcome(file.context, models[i], schedules[i], rewrites[i].executor,
                              rewrites[i].kept_serial);
    if (options.emit == weft::Emit::Source) {
      out = std::move(source);
      return true;
    }
    // The report lists every dependence: built only when it is written.
    for (size_t i = 0; i < models.size(); ++i) {
      nlohmann::json loop = weft::report_loop(models[i], deps[i], schedules[i], sm);
      add_rewrite(loop, models[i], deps[i], schedules[i], rewrites[i]);
      report["loops"].push_back(std::move(loop));
    }
    reports.push_back(std::move(report));
    return true;
  });
  if (options.emit == weft::Emit::Report)
    out = (reports.size() == 1 ? reports[0] : reports).dump(2) + "\n";
  // No output at all when any file failed: never a partial result.
  if (!ok)
    return 1;
  return weft::write_output(options.output, out) ? 0 : 1;
}

int main(int argc, const char **argv) {
  // A failed write on stdout (also --version's, --help's) is a diagnostic, not an abort.
  weft::check_standard_streams_at_exit();
  // Deep expressions recurse deeply in clang's parser and weft's walks (LargeStack.h).
  return weft::run_with_large_stack(run_weftc, argc, argv);
}
