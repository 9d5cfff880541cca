#!/usr/bin/env bash
# Run here, before using the lent GPU machine: copies what that machine lacks (it has LibTorch, nvcc
# and CMake, but none of our Debian packages and no MuJoCo) into .deps/ (git-ignored), for the device
# tool to carry:
#   googletest/   googletest's source (libgtest-dev)
#   yaml-cpp/     headers and static library (libyaml-cpp-dev)
#   hdf5/         headers, libhdf5_serial.so and the shared libraries it needs that are not glibc's
#                 (libhdf5-dev; Debian builds HDF5 with the ros3 driver, hence curl and its kin)
#   mujoco/       the C headers and libmujoco.so of the wheel in the project's venv (the very MuJoCo
#                 the environments are tested against)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEPS=$ROOT/.deps
VENV_PYTHON=${MINDT_PYTHON:-$HOME/.cache/mindt/venv/bin/python}
rm -rf "$DEPS"
mkdir -p "$DEPS/yaml-cpp/lib" "$DEPS/yaml-cpp/include" "$DEPS/hdf5/lib" "$DEPS/mujoco/lib"
cp -r /usr/src/googletest "$DEPS/googletest"
cp -r /usr/include/yaml-cpp "$DEPS/yaml-cpp/include/"
cp "$(dpkg -L libyaml-cpp-dev | grep 'libyaml-cpp.a$')" "$DEPS/yaml-cpp/lib/"

hdf5_so=$(ldconfig -p | awk '/libhdf5_serial\.so\.[0-9]+ .*x86-64/ {print $NF; exit}')
[ -n "$hdf5_so" ] || { echo "prepare.sh: libhdf5_serial.so not found (apt-get install libhdf5-dev)" >&2; exit 1; }
cp -r /usr/include/hdf5/serial "$DEPS/hdf5/include"
cp -L "$hdf5_so" "$DEPS/hdf5/lib/"
ln -s "$(basename "$hdf5_so")" "$DEPS/hdf5/lib/libhdf5_serial.so"
# Every library it needs except glibc's own, which the GPU machine has (newer, so compatible).
ldd "$hdf5_so" | awk '$3 ~ /^\// {print $3}' \
  | grep -Ev '/(libc|libm|libdl|libpthread|librt|libresolv|libutil|ld-linux-x86-64|libstdc\+\+|libgcc_s)\.so' \
  | while read -r lib; do cp -L "$lib" "$DEPS/hdf5/lib/"; done

mujoco_dir=$("$VENV_PYTHON" -c "import os, mujoco; print(os.path.dirname(mujoco.__file__))")
cp -r "$mujoco_dir/include" "$DEPS/mujoco/include"
cp "$mujoco_dir"/libmujoco.so.* "$DEPS/mujoco/lib/"
du -sh "$DEPS"
echo "carry: .deps  then run: bash tools/device/run.sh"
