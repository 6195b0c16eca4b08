#!/usr/bin/env bash
# Configures and builds anttmap into ./build, two jobs (the target machine has 2 cores).
# Usage: scripts/build.sh [TARGET...]   (default: everything, tests included; run-sample.sh builds `anttmap` only)
#   TESTS=OFF configures without the test suites (no GoogleTest needed).
#   UNITY=ON compiles the libraries in batches of 16 files (CMake unity build): a fresh build of the tool
#   takes a third of the time; run-sample.sh and the AddressSanitizer stage use it, the test build does
#   not, so both ways stay compilable (each file includes what it uses; no clashing names).
# Release is -O2 without debug info (AnttFlags.cmake): the code of RelWithDebInfo, a third less compile time.
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
launcher=()  # rebuilds after a fresh clone reuse earlier compilations when ccache is installed
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" \
  -DANTT_BUILD_TESTS="${TESTS:-ON}" -DCMAKE_UNITY_BUILD="${UNITY:-OFF}" -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 >/dev/null
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build build -j"${JOBS:-2}" "${targets[@]}"
