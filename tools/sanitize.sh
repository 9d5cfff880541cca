#!/usr/bin/env bash
# The LibTorch-free libraries (common, configs, envs, datasets: every file and YAML reader) and their
# test suites built with AddressSanitizer and UndefinedBehaviorSanitizer in build-sanitize/, then
# run; any report fails the run. The suites that need LibTorch are left out: its prebuilt libraries
# are not instrumented, and their code paths above the readers are the same in the normal build.
# usage: tools/sanitize.sh [ctest args...]     (after tools/setup.sh, whose venv and packages it uses)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build-sanitize
VENV=${MINDT_HOME:-$HOME/.cache/mindt}/venv
export CCACHE_DIR=${MINDT_HOME:-$HOME/.cache/mindt}/ccache CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=true
SUITES=(test_common test_configs test_envs test_datasets)
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMINDT_PYTHON="$VENV/bin/python" \
    -DMINDT_CUDA=OFF -DMINDT_SANITIZE=address,undefined
fi
cmake --build "$BUILD" -j "${JOBS:-2}" --target "${SUITES[@]}"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$ROOT/tools/lsan.supp:print_suppressions=0
# The four suites carry the label "sanitized" (tests/CMakeLists.txt).
ctest --test-dir "$BUILD" --output-on-failure -j "${JOBS:-2}" -L sanitized "$@"
