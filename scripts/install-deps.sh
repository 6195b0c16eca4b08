#!/usr/bin/env bash
# Installs the Debian 12 packages anttmap needs to build, run and test.
# Usage: scripts/install-deps.sh   (as root, or with sudo available)
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libgdal-dev gdal-bin libproj-dev proj-bin libgeos-dev
  libsqlite3-dev sqlite3 libspatialite-dev libsqlite3-mod-spatialite
  libmapserver-dev libmicrohttpd-dev zlib1g-dev libdeflate-dev libxml2-dev fonts-dejavu-core
  python3-pytest python3-gdal python3-owslib python3-qgis qgis-providers
  libicu-dev nlohmann-json3-dev
  libgtest-dev googletest
  python3 time bc curl
  # reports (issue 5): PDF/PNG via cairo + pango, Times-metric serif, pdftotext in the tests
  libcairo2-dev libpango1.0-dev fonts-liberation2 poppler-utils
  # browser tests of the web viewer and the QGIS screenshot
  chromium chromium-driver xvfb xauth
  # QGIS plugin translations: lrelease (.ts -> .qm, packaging) and pylupdate5 (collecting strings)
  qttools5-dev-tools pyqt5-dev-tools
)
$SUDO apt-get update -q
# The web viewer is bundled with npm at build time. Debian's nodejs/npm (Node 18) is enough; a newer
# Node already on the machine (e.g. NodeSource, which conflicts with Debian's npm package) is kept.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi
$SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
