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
  libmapserver-dev libmicrohttpd-dev zlib1g-dev libxml2-dev fonts-dejavu-core
  python3-pytest python3-gdal python3-owslib python3-qgis qgis-providers
  libicu-dev nlohmann-json3-dev
  libgtest-dev googletest
  python3 time bc
)
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
