#!/usr/bin/env bash
# The formatter gate: clang-format (the style in .clang-format) over every C++ and CUDA file git
# knows of (tracked, or untracked and not ignored).
#
#   bash tools/format.sh           format them in place
#   bash tools/format.sh --check   list the files that are not formatted; exit 1 if there are any
#
# ctest runs the check (test FormatGate), so CI fails on unformatted code.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
if ! command -v "$CLANG_FORMAT" >/dev/null; then
  echo "format.sh: $CLANG_FORMAT not found; install Debian's clang-format (bash tools/setup.sh does)" >&2
  exit 2
fi
mapfile -t files < <({ git ls-files; git ls-files --others --exclude-standard; } |
                     grep -E '\.(cpp|h|cu|cuh)$' | sort -u)
[ ${#files[@]} -gt 0 ] || { echo "format.sh: no C++ files found" >&2; exit 2; }
if [ "${1:-}" = "--check" ]; then
  bad=()
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    "$CLANG_FORMAT" --style=file "$f" | cmp -s - "$f" || bad+=("$f")
  done
  if [ ${#bad[@]} -gt 0 ]; then
    printf 'not formatted (run bash tools/format.sh): %s\n' "${bad[@]}" >&2
    exit 1
  fi
  echo "format.sh: ${#files[@]} files formatted as .clang-format says"
else
  "$CLANG_FORMAT" --style=file -i "${files[@]}"
fi
