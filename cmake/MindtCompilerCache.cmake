# ccache when available. The cache lives outside the clone (CCACHE_DIR, set by tools/setup.sh), so a
# fresh clone in CI recompiles nothing that has not changed.
find_program(MINDT_CCACHE ccache)
if(MINDT_CCACHE)
  set(CMAKE_C_COMPILER_LAUNCHER ${MINDT_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${MINDT_CCACHE})
  set(CMAKE_CUDA_COMPILER_LAUNCHER ${MINDT_CCACHE})
endif()
