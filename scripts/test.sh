#!/usr/bin/env bash
# Runs every test: installs the Debian packages, builds, then ctest (GoogleTest suites against a real
# SpatiaLite store, real GDAL/PROJ/GEOS). Usage: scripts/test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 900 "$@"
