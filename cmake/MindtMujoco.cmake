# MuJoCo from the PyPI `mujoco-core` wheel (installed with `mujoco` into the project's venv), as the
# imported target mindt::mujoco.
#
# Why the wheel and not Debian's libmujoco-dev? Our environments are checked step by step against
# gymnasium's, which run on the wheel's MuJoCo (4.0.0); Debian 12 ships 2.2.2, whose contact solver
# gives different trajectories. Linking the very library the reference uses makes the comparison a
# test of our environment code and model files, not of two MuJoCo versions. The wheel carries the
# C headers (mujoco/include) and libmujoco.so.
#
# Inputs : MINDT_PYTHON (see MindtTorch.cmake).  Outputs: target mindt::mujoco, MuJoCo_VERSION.

if(MINDT_DEPS_DIR AND EXISTS "${MINDT_DEPS_DIR}/mujoco/include/mujoco/mujoco.h")
  # Carried to a machine without the venv (tools/device/prepare.sh): the same wheel's files.
  file(GLOB _mindt_mj_lib "${MINDT_DEPS_DIR}/mujoco/lib/libmujoco.so.*")
  set(_mindt_mj_dir "${MINDT_DEPS_DIR}/mujoco/lib")
  set(_mindt_mj_include "${MINDT_DEPS_DIR}/mujoco/include")
  string(REGEX REPLACE ".*libmujoco\\.so\\." "" MuJoCo_VERSION "${_mindt_mj_lib}")
else()
  execute_process(
    COMMAND ${MINDT_PYTHON} -c "import os, mujoco; print(os.path.dirname(mujoco.__file__)); print(mujoco.__version__)"
    OUTPUT_VARIABLE _mindt_mj_info
    ERROR_VARIABLE _mindt_mj_err
    RESULT_VARIABLE _mindt_mj_rc
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _mindt_mj_rc EQUAL 0)
    message(FATAL_ERROR "mindt: cannot import mujoco with MINDT_PYTHON='${MINDT_PYTHON}'. "
                        "Run tools/setup.sh (it installs mujoco into the virtual environment).\n${_mindt_mj_err}")
  endif()
  string(REPLACE "\n" ";" _mindt_mj_info "${_mindt_mj_info}")
  list(GET _mindt_mj_info 0 _mindt_mj_dir)
  list(GET _mindt_mj_info 1 MuJoCo_VERSION)
  file(GLOB _mindt_mj_lib "${_mindt_mj_dir}/libmujoco.so.*")
  if(NOT _mindt_mj_lib OR NOT EXISTS "${_mindt_mj_dir}/include/mujoco/mujoco.h")
    message(FATAL_ERROR "mindt: the mujoco package at ${_mindt_mj_dir} has no libmujoco.so.* or C headers")
  endif()
  set(_mindt_mj_include "${_mindt_mj_dir}/include")
endif()
if(NOT _mindt_mj_lib)
  message(FATAL_ERROR "mindt: no libmujoco.so.* found in ${_mindt_mj_dir}")
endif()
list(GET _mindt_mj_lib 0 _mindt_mj_lib)

add_library(mindt_mujoco INTERFACE)
add_library(mindt::mujoco ALIAS mindt_mujoco)
target_include_directories(mindt_mujoco SYSTEM INTERFACE "${_mindt_mj_include}")
target_link_libraries(mindt_mujoco INTERFACE "${_mindt_mj_lib}")
list(APPEND CMAKE_BUILD_RPATH "${_mindt_mj_dir}")
message(STATUS "mindt: MuJoCo ${MuJoCo_VERSION} at ${_mindt_mj_dir}")
