#!/usr/bin/env bash
# The main job on the sample province: installs what is needed, builds, creates the store
# sample.sqlite with the synthetic Hòa Bình, prints its statistics and validation, writes the
# map-ready GeoPackages out/*.gpkg, then starts the map server on http://127.0.0.1:8080/
# (PORT=N to change; Ctrl+C stops it; SERVE=no skips it).
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
if [ "${SERVE:-yes}" != "no" ]; then
  # WMS http://127.0.0.1:8080/wms, WMTS /wmts, tiles /tiles/{layer}/{z}/{x}/{y}.png, OGC API /ogc, /health
  exec $tool --db "$db" serve --port "${PORT:-8080}"
fi
