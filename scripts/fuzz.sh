#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz: clang, AddressSanitizer + LeakSanitizer + UBSan) into
# build-fuzz/ and runs each for SECONDS_EACH seconds from its seed corpus, copied to
# build-fuzz/runs/<name>/corpus first (what a run adds never lands in the repository). One line per
# fuzzer: executions, seconds, executions a second, and "no finding" or where the finding is. Exits
# non-zero on any crash, broken invariant, leak, timeout, out-of-memory or UBSan report; the input
# that did it stays in build-fuzz/runs/<name>/ (re-run it: build-fuzz/tests/fuzz/<name>_fuzzer FILE).
# docs/fuzzing.md describes the targets.
# Usage: scripts/fuzz.sh [SECONDS_EACH] [FUZZER...]   (default 60 s each, every fuzzer; after
#        scripts/install-deps.sh, which installs clang and libFuzzer)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift $(($# > 0 ? 1 : 0))
all=(http_request wms_guard legacy_text serve_config candidates_body embed_token xlsx_sheet)
names=("$@")
if [ ${#names[@]} -eq 0 ]; then names=("${all[@]}"); fi
for name in "${names[@]}"; do
  if [ ! -d "tests/fuzz/corpus/$name" ]; then
    echo "fuzz.sh: no fuzzer '$name'; there are: ${all[*]}" >&2
    exit 2
  fi
done
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: SECONDS_EACH must be a whole number of seconds, not '$seconds'" >&2
  exit 2
fi

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
mkdir -p build-fuzz
# No tests and no web viewer in this tree: it builds the fuzzers only.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=FUZZ -DANTT_FUZZ=ON \
  -DANTT_BUILD_TESTS=OFF -DANTT_BUILD_WEB=OFF "${launcher[@]}" >build-fuzz/configure.log 2>&1 ||
  { cat build-fuzz/configure.log >&2; exit 1; }
targets=()
for name in "${names[@]}"; do targets+=(--target "${name}_fuzzer"); done
started=$(date +%s)
cmake --build build-fuzz -j2 "${targets[@]}"
echo "== fuzzers built in $(($(date +%s) - started)) s; running each for $seconds s"

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
if [ -f tests/fuzz/lsan.supp ]; then export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0"; fi
if [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer; fi

failed=0
for name in "${names[@]}"; do
  run=build-fuzz/runs/$name
  rm -rf "$run"
  mkdir -p "$run"
  cp -r "tests/fuzz/corpus/$name" "$run/corpus"
  options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$PWD/$run/")
  if [ -f "tests/fuzz/$name.dict" ]; then options+=(-dict="$PWD/tests/fuzz/$name.dict"); fi
  # Attribute values, not documents: a DBF text field holds 254 bytes.
  if [ "$name" = legacy_text ]; then options+=(-max_len=512); fi
  began=$(date +%s)
  status=0
  "build-fuzz/tests/fuzz/${name}_fuzzer" "${options[@]}" "$run/corpus" >"$run/log" 2>&1 || status=$?
  took=$(($(date +%s) - began))
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -1)
  executions=${executions:-0}
  rate=$((executions / (took > 0 ? took : 1)))
  if [ "$status" -eq 0 ]; then
    verdict="no finding"
  else
    failed=1
    found=$(ls "$run" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | head -1 || true)
    verdict="FINDING (exit $status): $run/log${found:+, input $run/$found}"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz invariant broken|.*runtime error)' "$run/log" | head -5 | sed 's/^/    /' >&2 || true
  fi
  printf '%-16s %12s executions %5s s %8s exec/s  %s\n' "$name" "$executions" "$took" "$rate" "$verdict"
done
exit "$failed"
