# weft_add_parallel_executable(<target> SOURCES <file.cpp>... [WEFTC_ARGS <arg>...])
#
# Builds the parallel version of a serial weft program: at build time weftc rewrites
# each source (--emit=source) into ${CMAKE_CURRENT_BINARY_DIR}/weft/<target>/, and the
# rewritten files are compiled and linked with the weft runtime (MPI + TBB). A source
# file, its headers or weftc changing reruns weftc. The directory of each source is on
# the include path, so "local.h" includes keep working from the rewritten copies.
# WEFTC_ARGS go to weftc's parser after `--` (for example -DN=4 or -I<dir>); the
# target's own compile options and definitions are set as usual with target_*().
#
# In weft's own tree weftc and the runtime are targets; after
# `find_package(weft CONFIG)` they come from the installed package (weftConfig.cmake sets
# WEFT_WEFTC and the imported target weft::weft_dsm).
include_guard(GLOBAL)

function(weft_add_parallel_executable target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;WEFTC_ARGS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "weft_add_parallel_executable(${target}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "weft_add_parallel_executable(${target}): no SOURCES given")
  endif()
  if(TARGET weftc)
    set(weftc $<TARGET_FILE:weftc>)
    set(weftc_depends weftc)
  elseif(WEFT_WEFTC)
    set(weftc ${WEFT_WEFTC})
    set(weftc_depends ${WEFT_WEFTC})
  else()
    message(FATAL_ERROR "weft_add_parallel_executable(${target}): weftc not found (use find_package(weft))")
  endif()

  set(generated)
  set(source_dirs)
  foreach(source IN LISTS ARG_SOURCES)
    get_filename_component(absolute ${source} ABSOLUTE)
    get_filename_component(name ${source} NAME)
    get_filename_component(dir ${absolute} DIRECTORY)
    set(output ${CMAKE_CURRENT_BINARY_DIR}/weft/${target}/${name})
    add_custom_command(
      OUTPUT ${output}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/weft/${target}
      COMMAND ${weftc} -o ${output} ${absolute} -- -I${dir} ${ARG_WEFTC_ARGS}
      DEPENDS ${absolute} ${weftc_depends}
      IMPLICIT_DEPENDS CXX ${absolute}
      COMMENT "weftc: rewriting ${source} for ${target}"
      VERBATIM)
    list(APPEND generated ${output})
    list(APPEND source_dirs ${dir})
  endforeach()
  list(REMOVE_DUPLICATES source_dirs)

  add_executable(${target} ${generated})
  target_include_directories(${target} PRIVATE ${source_dirs})
  # weftc models the <cmath> functions as pure: errno is not part of a loop's effects
  # (and each worker thread has its own), so the generated program does not set it.
  # Without errno, std::sqrt is one instruction that vectorizes, with the same results.
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -fno-math-errno)
  endif()
  target_link_libraries(${target} PRIVATE weft::weft_dsm)
endfunction()
