#!/usr/bin/env bash
# Run on the lent GPU machine (from the repository root, with .deps carried in): builds mindt against
# the machine's own CUDA LibTorch, runs every test (the CUDA ones included) and the scan benchmark
# on the GPU. Results land in $OUT when the device tool provides it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/build-device/out}
mkdir -p "$OUT"
generator=$(command -v ninja >/dev/null && echo Ninja || echo "Unix Makefiles")
cmake -S "$ROOT" -B "$ROOT/build-device" -G "$generator" -DCMAKE_BUILD_TYPE=Release \
  -DMINDT_PYTHON="${MINDT_PYTHON:-python3}" -DMINDT_CUDA=ON -DMINDT_DEPS_DIR="$ROOT/.deps"
cmake --build "$ROOT/build-device" -j "$(nproc)"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/gpu.txt" || true
ctest --test-dir "$ROOT/build-device" --output-on-failure -j 4 2>&1 | tee "$OUT/ctest.txt"
"$ROOT/build-device/mindt" bench scan --device cuda ${MINDT_BENCH_ARGS:-} 2>/dev/null | tee "$OUT/bench_scan_cuda.txt"
"$ROOT/build-device/mindt" bench scan --device cuda --json ${MINDT_BENCH_ARGS:-} 2>/dev/null > "$OUT/bench_scan_cuda.json"
