#!/usr/bin/env bash
# The concurrency, HTTP and map-engine tests again with AddressSanitizer + LeakSanitizer: the engine's
# 8-thread mixed-request test, the HTTP server's 64-connection test, the tile cache under threads, and
# the real-client/HTTP suite against an ASan-built `anttmap serve` (which must exit 0 on SIGTERM: any
# leak or memory error makes it fail). Third-party suppressions: tests/asan/lsan.supp (each explained).
# Usage: scripts/test-asan.sh [extra ctest arguments]   (run after scripts/install-deps.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
# Unity build (batches of 16 files) for the libraries: faster, and it keeps the code compilable that way
# (scripts/run-sample.sh builds so); the main test build compiles file by file.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=ASAN -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 \
  "${launcher[@]}" >/dev/null
# Only the binaries whose suites run below: the core suites are not rebuilt with ASan.
cmake --build build-asan -j2 --target antt_layers_tests antt_server_tests antt_serve_app_tests antt_serve_edit_tests anttmap
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=0"
export LSAN_OPTIONS="suppressions=$PWD/tests/asan/lsan.supp:print_suppressions=0"
cd build-asan
ctest --output-on-failure -j2 --timeout 1200 \
  -R '^(Engine|WmsGuard|HttpServer|Router|RouterPost|Api|TileCache|Metrics|RenderStore|RenderShapefiles|MapData|PngWriter|SimplifyCoverage|ServeApp|UnitEdits|BoundaryEdit).*|^serve_real_clients$|^serve_processes$' "$@"
