# Finds everything weft builds with. Required: LLVM/Clang 14 (linked dynamically through
# libLLVM and libclang-cpp), isl, MPI, TBB, GoogleTest. Optional: CUDA + NCCL.

find_package(LLVM 14 REQUIRED CONFIG PATHS /usr/lib/llvm-14/lib/cmake/llvm NO_DEFAULT_PATH)
find_package(Clang REQUIRED CONFIG PATHS /usr/lib/llvm-14/lib/cmake/clang NO_DEFAULT_PATH)
message(STATUS "weft: LLVM ${LLVM_PACKAGE_VERSION} in ${LLVM_INSTALL_PREFIX}")
if(NOT LLVM_LINK_LLVM_DYLIB OR NOT TARGET clang-cpp)
  message(FATAL_ERROR "weft links LLVM and Clang dynamically, but this LLVM has no libLLVM / libclang-cpp")
endif()

# The clang resource directory holds the builtin headers (stddef.h, ...) that a
# LibTooling tool cannot find on its own.
find_program(WEFT_CLANG_EXECUTABLE NAMES clang-14 clang PATHS ${LLVM_TOOLS_BINARY_DIR} REQUIRED)
execute_process(COMMAND ${WEFT_CLANG_EXECUTABLE} -print-resource-dir
  OUTPUT_VARIABLE WEFT_CLANG_RESOURCE_DIR OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE _weft_rc)
if(NOT _weft_rc EQUAL 0 OR NOT IS_DIRECTORY "${WEFT_CLANG_RESOURCE_DIR}")
  message(FATAL_ERROR "weft: '${WEFT_CLANG_EXECUTABLE} -print-resource-dir' failed")
endif()

find_program(WEFT_FILECHECK NAMES FileCheck PATHS ${LLVM_TOOLS_BINARY_DIR} NO_DEFAULT_PATH REQUIRED)
find_file(WEFT_LIT lit.py PATHS ${LLVM_BUILD_MAIN_SRC_DIR}/utils/lit
  /usr/lib/llvm-${LLVM_VERSION_MAJOR}/build/utils/lit NO_DEFAULT_PATH REQUIRED)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

find_package(PkgConfig REQUIRED)
pkg_check_modules(ISL REQUIRED IMPORTED_TARGET isl>=0.25)

find_package(MPI REQUIRED COMPONENTS CXX)
find_package(TBB REQUIRED)
find_package(GTest REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
include(GoogleTest)

# CUDA and NCCL are optional: GPU code is built only when both are found.
if(NOT DEFINED CUDAToolkit_ROOT AND EXISTS /usr/local/cuda/bin/nvcc)
  set(CUDAToolkit_ROOT /usr/local/cuda)
endif()
find_package(CUDAToolkit QUIET)
find_library(WEFT_NCCL_LIBRARY nccl HINTS /usr/local/cuda/lib64 ${CUDAToolkit_LIBRARY_DIR})
find_path(WEFT_NCCL_INCLUDE_DIR nccl.h HINTS /usr/local/cuda/include ${CUDAToolkit_INCLUDE_DIRS})
set(_weft_cuda_default OFF)
if(CUDAToolkit_FOUND AND WEFT_NCCL_LIBRARY AND WEFT_NCCL_INCLUDE_DIR)
  set(_weft_cuda_default ON)
endif()
option(WEFT_WITH_CUDA "Build the CUDA + NCCL pipeline runtime" ${_weft_cuda_default})
if(WEFT_WITH_CUDA)
  if(NOT CUDAToolkit_FOUND OR NOT WEFT_NCCL_LIBRARY)
    message(FATAL_ERROR "WEFT_WITH_CUDA=ON but the CUDA toolkit or NCCL was not found")
  endif()
  if(NOT CMAKE_CUDA_COMPILER)
    set(CMAKE_CUDA_COMPILER ${CUDAToolkit_NVCC_EXECUTABLE})
  endif()
  enable_language(CUDA)
  message(STATUS "weft: CUDA ${CUDAToolkit_VERSION}, NCCL ${WEFT_NCCL_LIBRARY}")
else()
  message(STATUS "weft: building without CUDA (WEFT_WITH_CUDA=OFF)")
endif()
