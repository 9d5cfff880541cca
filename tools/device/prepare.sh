#!/usr/bin/env bash
# Run here, before using the lent GPU machine: copies what that machine lacks (it has LibTorch, nvcc
# and CMake, but none of our Debian packages) into .deps/ (git-ignored), for the device tool to
# carry: googletest's source and yaml-cpp's headers and static library, from this machine's
# Debian packages (libgtest-dev, libyaml-cpp-dev).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEPS=$ROOT/.deps
rm -rf "$DEPS"
mkdir -p "$DEPS/yaml-cpp/lib" "$DEPS/yaml-cpp/include"
cp -r /usr/src/googletest "$DEPS/googletest"
cp -r /usr/include/yaml-cpp "$DEPS/yaml-cpp/include/"
cp "$(dpkg -L libyaml-cpp-dev | grep 'libyaml-cpp.a$')" "$DEPS/yaml-cpp/lib/"
du -sh "$DEPS"
echo "carry: .deps  then run: bash tools/device/run.sh"
