# LibTorch from the PyPI `torch` wheel, described by our own imported target `mindt::torch`.
#
# Why not find_package(Torch)? The PyPI wheel is CUDA-enabled, and TorchConfig then insists on a
# full CUDA toolkit at configure time (and overrides CMAKE_CUDA_ARCHITECTURES). A CPU-only user
# machine has no toolkit, so we read what we need (include dirs, libraries, ABI flag) from the
# wheel itself and decide on CUDA separately.
#
# Inputs : MINDT_PYTHON (default: python3 on PATH) — an interpreter that can `import torch`.
# Outputs: target mindt::torch, MINDT_HAS_CUDA, Torch_VERSION, Torch_DIR, function mindt_torch_target().

# Under `pip install .` (scikit-build-core), the interpreter running pip.
if(DEFINED Python_EXECUTABLE AND SKBUILD)
  set(_mindt_default_python ${Python_EXECUTABLE})
else()
  set(_mindt_default_python python3)
endif()
set(MINDT_PYTHON "${_mindt_default_python}" CACHE STRING "Python interpreter whose `torch` package provides LibTorch")

execute_process(
  COMMAND ${MINDT_PYTHON} -c
    "import os, torch; print(os.path.dirname(torch.__file__)); print(torch.__version__.split('+')[0]); print(int(torch._C._GLIBCXX_USE_CXX11_ABI)); print(torch.version.cuda or '')"
  OUTPUT_VARIABLE _mindt_torch_info
  ERROR_VARIABLE _mindt_torch_err
  RESULT_VARIABLE _mindt_torch_rc
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _mindt_torch_rc EQUAL 0)
  message(FATAL_ERROR "mindt: cannot import torch with MINDT_PYTHON='${MINDT_PYTHON}'.\n"
                      "Run tools/setup.sh (it creates the virtual environment), or pass "
                      "-DMINDT_PYTHON=/path/to/python with torch installed.\n${_mindt_torch_err}")
endif()
string(REPLACE "\n" ";" _mindt_torch_info "${_mindt_torch_info}")
list(GET _mindt_torch_info 0 Torch_DIR)
list(GET _mindt_torch_info 1 Torch_VERSION)
list(GET _mindt_torch_info 2 _mindt_cxx11_abi)
list(LENGTH _mindt_torch_info _n)
set(_mindt_torch_cuda "")
if(_n GREATER 3)
  list(GET _mindt_torch_info 3 _mindt_torch_cuda)
endif()

set(_lib ${Torch_DIR}/lib)
add_library(mindt_torch INTERFACE)
add_library(mindt::torch ALIAS mindt_torch)
target_include_directories(mindt_torch SYSTEM INTERFACE
  ${Torch_DIR}/include ${Torch_DIR}/include/torch/csrc/api/include)
target_compile_definitions(mindt_torch INTERFACE _GLIBCXX_USE_CXX11_ABI=${_mindt_cxx11_abi})
# libtorch.so exports its own, statically linked copy of std::filesystem; a binary that lists
# libtorch before libstdc++ binds std::filesystem calls to that copy, and some of them crash
# (remove_all jumps to address 0). Naming libstdc++ first in the same list, kept even by linkers that
# default to --as-needed (Ubuntu's: there the libstdc++ entry vanished when it was a link option),
# makes the dynamic linker find the system's implementation first.
target_link_libraries(mindt_torch INTERFACE "-Wl,--push-state,--no-as-needed" stdc++ "-Wl,--pop-state"
                      ${_lib}/libtorch.so ${_lib}/libtorch_cpu.so ${_lib}/libc10.so)
# The wheel's libraries find their own dependencies (libgomp, nvidia/*) through $ORIGIN rpaths;
# our binaries only need to find the torch/lib folder itself.
set(CMAKE_BUILD_RPATH ${_lib})
set(CMAKE_INSTALL_RPATH ${_lib})

# ---------------------------------------------------------------------------
# CUDA: compiled when the wheel has CUDA and nvcc is present (MINDT_CUDA=AUTO), forced by ON.
# ---------------------------------------------------------------------------
set(MINDT_HAS_CUDA OFF)
if(NOT MINDT_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER AND _mindt_torch_cuda)
    set(MINDT_HAS_CUDA ON)
  elseif(MINDT_CUDA STREQUAL "ON")
    message(FATAL_ERROR "mindt: MINDT_CUDA=ON but "
      "${_mindt_torch_cuda}nvcc=[${CMAKE_CUDA_COMPILER}] torch.version.cuda=[${_mindt_torch_cuda}]: "
      "need both nvcc and a CUDA-enabled torch.")
  else()
    message(STATUS "mindt: CUDA kernels off (nvcc: '${CMAKE_CUDA_COMPILER}', torch CUDA: '${_mindt_torch_cuda}')")
  endif()
endif()

if(MINDT_HAS_CUDA)
  set(CMAKE_CUDA_ARCHITECTURES ${MINDT_CUDA_ARCHS})
  set(CMAKE_CUDA_STANDARD 17)
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  add_library(mindt_torch_cuda INTERFACE)
  add_library(mindt::torch_cuda ALIAS mindt_torch_cuda)
  # --no-as-needed: nothing in our executables references libtorch_cuda symbols directly, and an
  # --as-needed linker would drop it, making torch::cuda::is_available() false.
  target_link_libraries(mindt_torch_cuda INTERFACE mindt_torch
    -Wl,--no-as-needed ${_lib}/libtorch_cuda.so ${_lib}/libc10_cuda.so -Wl,--as-needed
    CUDA::cudart)
  if(NOT _mindt_torch_cuda VERSION_EQUAL "${CUDAToolkit_VERSION_MAJOR}.${CUDAToolkit_VERSION_MINOR}")
    message(STATUS "mindt: note: torch built with CUDA ${_mindt_torch_cuda}, nvcc is ${CUDAToolkit_VERSION}")
  endif()
endif()

# ---------------------------------------------------------------------------
# Per-target flags (never global) and one precompiled header shared by every LibTorch target.
# ---------------------------------------------------------------------------
set(_mindt_cxx_flags -Wall -Wextra -Wno-unused-parameter)
if(MINDT_NATIVE)
  list(APPEND _mindt_cxx_flags -march=native)
endif()

add_library(mindt_pch OBJECT ${CMAKE_SOURCE_DIR}/cmake/pch_anchor.cpp)
target_link_libraries(mindt_pch PUBLIC mindt::torch)
target_compile_options(mindt_pch PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${_mindt_cxx_flags}>)
target_precompile_headers(mindt_pch PRIVATE <torch/torch.h>)

# mindt_torch_target(tgt): our warning/arch flags for C++ sources (not nvcc), LibTorch, the shared PCH.
function(mindt_torch_target tgt)
  target_compile_options(${tgt} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${_mindt_cxx_flags}>)
  target_include_directories(${tgt} PUBLIC ${CMAKE_SOURCE_DIR})
  get_target_property(_type ${tgt} TYPE)
  if(_type STREQUAL "INTERFACE_LIBRARY")
    target_link_libraries(${tgt} INTERFACE mindt::torch)
  else()
    target_link_libraries(${tgt} PUBLIC mindt::torch)
    target_precompile_headers(${tgt} REUSE_FROM mindt_pch)
  endif()
endfunction()
