#!/usr/bin/env bash
# Installs the Debian 12 packages anttmap needs.
# Usage: scripts/install-deps.sh [--run]   (as root, or with sudo available)
#   (default)  everything to build, run and test: QGIS, Chromium and the Python clients of the tests too
#   --run      only what building the tool and running it needs (scripts/run-sample.sh): about half the download
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libgdal-dev libproj-dev libgeos-dev
  libsqlite3-dev libspatialite-dev libsqlite3-mod-spatialite
  # the PostGIS store's client library
  libpq-dev
  libmapserver-dev libmicrohttpd-dev zlib1g-dev libdeflate-dev libxml2-dev fonts-dejavu-core
  libicu-dev nlohmann-json3-dev
  # accounts: argon2id password hashes, key digests
  libsodium-dev
  # HTTPS: the GnuTLS sessions libmicrohttpd opens (one TLS record per small answer)
  libgnutls28-dev
  curl
  # reports: PDF/PNG via cairo + pango, Times-metric serif
  libcairo2-dev libpango1.0-dev fonts-liberation2
)
TEST_PACKAGES=(
  # the tests run every store test against a throwaway PostgreSQL cluster with PostGIS too
  postgresql postgresql-15-postgis-3
  # the real-client tests speak plain SQL to a PostGIS store as a foreign client (libpq from Python)
  python3-psycopg2
  gdal-bin proj-bin sqlite3
  python3 python3-pytest python3-gdal python3-owslib python3-qgis qgis-providers
  libgtest-dev googletest
  time bc
  # the HTTPS tests make their certificate
  openssl
  # pdftotext in the report tests
  poppler-utils
  # a spreadsheet client (openpyxl) fills the indicator form as an office would
  python3-openpyxl
  # browser tests of the web viewer and the QGIS screenshot
  chromium chromium-driver xvfb xauth
  # QGIS plugin translations: lrelease (.ts -> .qm, packaging) and pylupdate5 (collecting strings)
  qttools5-dev-tools pyqt5-dev-tools
  # the fuzz targets (scripts/fuzz.sh): clang, libFuzzer and the sanitizer runtimes (libclang-rt-14-dev: clang
  # only recommends it), llvm-symbolizer for readable reports (llvm-14)
  clang libclang-rt-14-dev llvm-14
)
if [ "${1:-}" != "--run" ]; then PACKAGES+=("${TEST_PACKAGES[@]}"); fi
$SUDO apt-get update -q
# The web viewer is bundled with npm at build time. Debian's nodejs/npm (Node 18) is enough; a newer
# Node already on the machine (e.g. NodeSource, which conflicts with Debian's npm package) is kept.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi
$SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
