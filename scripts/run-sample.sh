#!/usr/bin/env bash
# The main job on the sample province: installs what is needed, builds, creates the store
# sample.sqlite with the synthetic Hòa Bình, prints its statistics and validation, writes the
# map-ready GeoPackages out/*.gpkg, then starts the map server on http://127.0.0.1:8080/
# (PORT=N to change; Ctrl+C stops it; SERVE=no skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --run           # what building and running needs; scripts/test.sh adds the rest
TESTS=OFF UNITY=ON bash scripts/build.sh anttmap   # the tool only, in batches: tests are built by scripts/test.sh
tool=./build/server/anttmap
db=${DB:-sample.sqlite}
rm -f "$db" "$db-wal" "$db-shm"
mkdir -p out
$tool --db "$db" init
$tool --db "$db" sample
$tool --db "$db" stats --year 2015
$tool --db "$db" stats --year 2020
$tool --db "$db" stats --year 2026 | head -n 8   # Phú Thọ since 2025-07-01: by commune, no districts
$tool --db "$db" validate --year 2020 --no-wkt | tail -n 5
$tool --db "$db" validate --year 2026 --no-wkt | tail -n 1
$tool --db "$db" export out/hoabinh-2020.gpkg --kind commune --year 2020
$tool --db "$db" export out/hoabinh-villages-2020.gpkg --kind village --year 2020
echo "Map-ready GeoPackages in out/; open them in QGIS, or run '$tool --db $db --help'."
if [ "${SERVE:-yes}" != "no" ]; then
  port=${PORT:-8080}
  url="http://127.0.0.1:$port/"
  $tool --db "$db" serve --port "$port" &
  server=$!
  trap 'kill -TERM $server 2>/dev/null; wait $server; exit 0' INT TERM
  for _ in $(seq 1 300); do  # the render file is built at start (a few seconds)
    if curl -fsS -o /dev/null "${url}health" 2>/dev/null; then break; fi
    kill -0 $server 2>/dev/null || exit 1
    sleep 0.2
  done
  echo
  echo "Bản đồ / web viewer: $url   (WMS ${url}wms, WMTS ${url}wmts, báo cáo ${url}report?year=2020&format=pdf)"
  echo "Ctrl+C dừng máy chủ / stops the server."
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${OPEN:-yes}" != "no" ]; then
    for opener in xdg-open sensible-browser chromium; do
      if command -v $opener >/dev/null 2>&1; then $opener "$url" >/dev/null 2>&1 & break; fi
    done
  fi
  wait $server
fi
