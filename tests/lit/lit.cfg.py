# lit configuration for weftc's tests. Substitutions:
#   %weftc      the weftc under test
#   %weft_src   the source tree (for tests that run on the samples)
#   %cxx        the C++ compiler of the build
#   %python     the Python that runs lit
#   %check_parallel  compiles a file weftc wrote against the runtime's headers with
#               -Wall -Wextra -Werror, syntax only (the rewrite must compile cleanly)
#   %check_parallel_clang  the same with clang++-14 (it warns about more, e.g. unused
#               lambda captures)
# FileCheck, not and count come from LLVM 14's tools.
import os
import shutil
import sys
import lit.formats

config.name = "weftc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".test"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(os.path.dirname(config.weftc), "..", "..", "tests", "lit")

config.substitutions.append(("%weftc", config.weftc))
config.substitutions.append(("%weft_src", config.weft_source_dir))
config.substitutions.append(("%weft_include", config.weft_include_dir))
config.substitutions.append(("%cxx", config.cxx))
config.substitutions.append(("%python", sys.executable))
_mpi_includes = " ".join("-I" + d for d in config.mpi_include_dirs.split(";") if d)
# The longer name first: lit substitutes in order.
_clang = shutil.which("clang++-14") or "/usr/lib/llvm-14/bin/clang++"
config.substitutions.append(
    ("%check_parallel_clang", "%s -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I%s %s"
     % (_clang, config.weft_include_dir, _mpi_includes)))
config.substitutions.append(
    ("%check_parallel", "%s -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I%s %s"
     % (config.cxx, config.weft_include_dir, _mpi_includes)))
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", "")])
