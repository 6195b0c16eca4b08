#!/usr/bin/env bash
# Runs every test: installs the Debian packages, builds, then ctest (GoogleTest suites against a real
# SpatiaLite store and again against a real PostGIS one, real GDAL/PROJ/GEOS, the embedded libmapserver;
# real clients — QGIS, GDAL's WMS driver, OWSLib, Chromium — against a running `anttmap serve`, on both), then the concurrency, HTTP and map-engine tests
# again under AddressSanitizer/LeakSanitizer (scripts/test-asan.sh), then each libFuzzer target for a
# while (scripts/fuzz.sh: the request, WMS, text, config, GeoJSON, token and form-sheet parsers).
# Usage: scripts/test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The libraries compile as a unity build (a third of the time; run-sample.sh builds the same way).
UNITY=${UNITY:-ON} bash scripts/build.sh
(cd build && ctest --output-on-failure -j2 --timeout 900 "$@")
echo "== the same concurrency, HTTP and engine tests under AddressSanitizer"
bash scripts/test-asan.sh
# 30 s each: the suite runs on both stores now, and CI must stay under 45 minutes on 2 cores.
echo "== the fuzz targets, 30 s each (clang, ASan + UBSan)"
bash scripts/fuzz.sh 30
