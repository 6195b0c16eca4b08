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
  libsqlite3-dev sqlite3 libspatialite-dev libmapserver-dev libmicrohttpd-dev zlib1g-dev libxml2-dev fonts-dejavu-core libsqlite3-mod-spatialite
  libicu-dev nlohmann-json3-dev
  libgtest-dev googletest
  python3 time bc
)
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
