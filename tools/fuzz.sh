#!/usr/bin/env bash
# Runs one fuzz target under libFuzzer with AddressSanitizer and UndefinedBehaviorSanitizer.
#   usage: tools/fuzz.sh TARGET SECONDS [libFuzzer flags...]
#   TARGET: d4rl_file | minari_dataset | config_text | checkpoint_file | policy_file | all
# Builds build-fuzz/ with clang (after tools/setup.sh), seeds the corpus in build-fuzz/corpus/TARGET
# with mindt's own writers the first time, and keeps it between runs (the fuzzer grows it). A crash
# is copied to tests/fuzz/regressions/TARGET/, which ctest replays (FuzzReplay.TARGET), and fails
# the run. `all` runs each target for SECONDS in turn.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build-fuzz
VENV=${MINDT_HOME:-$HOME/.cache/mindt}/venv
TARGETS=(d4rl_file minari_dataset config_text checkpoint_file policy_file)
export CCACHE_DIR=${MINDT_HOME:-$HOME/.cache/mindt}/ccache CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=true
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime

if [ $# -lt 2 ]; then
  echo "usage: tools/fuzz.sh TARGET SECONDS [libFuzzer flags...]   TARGET: ${TARGETS[*]} | all" >&2
  exit 2
fi
target=$1 seconds=$2
shift 2
if [ "$target" = all ]; then
  for t in "${TARGETS[@]}"; do "$0" "$t" "$seconds" "$@"; done
  exit 0
fi
if [[ ! " ${TARGETS[*]} " =~ " $target " ]]; then
  echo "tools/fuzz.sh: no fuzz target '$target' (one of: ${TARGETS[*]}, all)" >&2
  exit 2
fi
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "tools/fuzz.sh: SECONDS must be a whole number ≥ 1, got '$seconds'" >&2
  exit 2
fi
command -v clang++ >/dev/null || { echo "tools/fuzz.sh: needs clang (tools/setup.sh installs it)" >&2; exit 1; }

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMINDT_PYTHON="$VENV/bin/python" -DMINDT_CUDA=OFF -DMINDT_NATIVE=OFF -DMINDT_FUZZ=ON \
    -DMINDT_SANITIZE=address,undefined,fuzzer-no-link >/dev/null
fi
cmake --build "$BUILD" -j "${JOBS:-2}" --target "fuzz_$target" fuzz_make_seeds

corpus=$BUILD/corpus/$target
if [ ! -d "$corpus" ]; then
  "$BUILD/fuzz/fuzz_make_seeds" "$BUILD/corpus-seeds" "$ROOT/configs" >/dev/null
  mkdir -p "$BUILD/corpus"
  mv "$BUILD/corpus-seeds/$target" "$corpus"
  rm -rf "$BUILD/corpus-seeds"
fi
artifacts=$BUILD/artifacts/$target
mkdir -p "$artifacts"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$ROOT/tools/lsan.supp:print_suppressions=0
status=0
"$BUILD/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" "$corpus" 2>"$BUILD/fuzz-$target.log" || status=$?
grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)' "$BUILD/fuzz-$target.log" || true
if [ $status -ne 0 ]; then
  mkdir -p "$ROOT/tests/fuzz/regressions/$target"
  for f in "$artifacts"/*; do
    [ -f "$f" ] && cp "$f" "$ROOT/tests/fuzz/regressions/$target/" && echo "kept $(basename "$f") in tests/fuzz/regressions/$target/"
  done
  tail -40 "$BUILD/fuzz-$target.log" >&2
  echo "tools/fuzz.sh: $target crashed (log: $BUILD/fuzz-$target.log)" >&2
  exit 1
fi
echo "fuzz $target: ${seconds} s, no crash (corpus: $(ls "$corpus" | wc -l) inputs; log: $BUILD/fuzz-$target.log)"
