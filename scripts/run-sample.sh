#!/usr/bin/env bash
# The main job on the sample province: installs what is needed, builds, creates the store
# sample.sqlite with the synthetic Hòa Bình, prints its statistics and validation, and writes
# the map-ready GeoPackage out/hoabinh-2020.gpkg (communes of 2020 with their status).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
tool=./build/server/anttmap
db=${DB:-sample.sqlite}
rm -f "$db" "$db-wal" "$db-shm"
mkdir -p out
$tool --db "$db" init
$tool --db "$db" sample
$tool --db "$db" stats --year 2015
$tool --db "$db" stats --year 2020
$tool --db "$db" validate --year 2020 --no-wkt | tail -n 5
$tool --db "$db" export out/hoabinh-2020.gpkg --kind commune --year 2020
$tool --db "$db" export out/hoabinh-villages-2020.gpkg --kind village --year 2020
echo "Map-ready GeoPackages in out/; open them in QGIS, or run '$tool --db $db --help'."
