#!/usr/bin/env bash
# clang-tidy with the checks in .clang-tidy, on the files given or on every library's sources.
#
#   bash tools/lint.sh                     every .cpp of the libraries and tools (slow: the files
#                                          that include LibTorch take ~half a minute each)
#   bash tools/lint.sh --fast              the libraries that do not include LibTorch (common,
#                                          configs, envs, datasets): what ctest's LintGate runs
#   bash tools/lint.sh FILE...             those files
#
# Uses build/compile_commands.json (the build writes it) without GCC's precompiled header, which
# clang cannot read. Exits 1 when clang-tidy reports anything.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD=${MINDT_BUILD_DIR:-build}
CLANG_TIDY=${CLANG_TIDY:-clang-tidy}
command -v "$CLANG_TIDY" >/dev/null || { echo "lint.sh: $CLANG_TIDY not found; install Debian's clang-tidy" >&2; exit 2; }
[ -f "$BUILD/compile_commands.json" ] || { echo "lint.sh: no $BUILD/compile_commands.json; build first (bash tools/setup.sh)" >&2; exit 2; }

if [ "${1:-}" = "--fast" ]; then
  mapfile -t files < <(git ls-files 'common/*.cpp' 'configs/*.cpp' 'envs/*.cpp' 'datasets/*.cpp')
elif [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files '*.cpp' | grep -v '^tests/')
fi

# The same commands without "-include …cmake_pch.hxx" (GCC's PCH) and GCC-only flags.
LINT_DB=$BUILD/lint
mkdir -p "$LINT_DB"
python3 - "$BUILD/compile_commands.json" "$LINT_DB/compile_commands.json" <<'PY'
import json, re, sys
entries = json.load(open(sys.argv[1]))
for e in entries:
    cmd = e["command"]
    cmd = re.sub(r"-include \S*cmake_pch\.hxx", "", cmd)
    cmd = re.sub(r"-Winvalid-pch|-fpch-preprocess", "", cmd)
    e["command"] = cmd
json.dump(entries, open(sys.argv[2], "w"))
PY

log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$CLANG_TIDY" -p "$LINT_DB" --quiet "${files[@]}" >"$log" 2>&1 || true
if grep -q "warning:\|error:" "$log"; then
  grep -v "warnings generated\|^Suppressed\|^Use -header-filter\|NOLINT" "$log" >&2
  echo "lint.sh: clang-tidy found the above in ${#files[@]} files" >&2
  exit 1
fi
echo "lint.sh: ${#files[@]} files clean"
