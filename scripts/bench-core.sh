#!/usr/bin/env bash
# Measures wall time and peak resident memory of the core's main jobs, run on demand (not a test):
#  1. sample + validate + stats on the sample province (scale 1);
#  2. import + validate of a synthetic province ten times larger (made with `sample --scale 10`, exported
#     to a GeoPackage, imported into a fresh store).
# Baseline named in the same run: `ogr2ogr` copying the same 10x GeoPackage into a SpatiaLite file
# (GDAL's own import path, without our checks, NFC, audit and versioning).
# Usage: scripts/bench-core.sh [build dir]   (needs GNU time: Debian package `time`)
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${1:-build}/server/anttmap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() {  # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
    local rc=$?; echo "$label failed ($rc):"; tail -5 "$work/err"; [ "$rc" -eq 6 ] || exit 1; }
  read -r seconds kib < <(tail -n 1 "$work/time")
  printf '%-44s %8.2f s %8.1f MB\n' "$label" "$seconds" "$(echo "$kib / 1024" | bc -l)"
}
echo "anttmap core benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
db="$work/s1.sqlite"
measure "init (scale 1)" "$tool" --db "$db" init
measure "sample (scale 1)" "$tool" --db "$db" sample
measure "validate --year 2020 (scale 1)" "$tool" --db "$db" validate --year 2020 --json
measure "stats --year 2020 (scale 1)" "$tool" --db "$db" stats --year 2020 --json

big="$work/s10.sqlite"
measure "sample --scale 10 (generator)" "$tool" --db "$big" sample --scale 10
measure "validate --year 2020 (10x, generated)" "$tool" --db "$big" validate --year 2020 --json
measure "stats --year 2020 (10x, with statuses)" "$tool" --db "$big" stats --year 2020 --json
for kind in province district commune village agency enterprise school; do
  "$tool" --db "$big" export "$work/s10-$kind.gpkg" --kind "$kind" --year 2020 >/dev/null
done
echo "10x province exported: $(for k in commune village; do echo -n "$k "; ogrinfo -so -al "$work/s10-$k.gpkg" | grep 'Feature Count' | awk '{printf "%s ", $3}'; done)"
fresh="$work/import10.sqlite"
"$tool" --db "$fresh" init >/dev/null
import_all() {
  for kind in province district commune village agency enterprise school; do
    "$tool" --db "$fresh" --quiet import "$work/s10-$kind.gpkg" --kind "$kind" || return 1
  done
}
export -f import_all; export tool fresh work
measure "import 10x (all kinds, 7 files, anttmap)" bash -c import_all
pair="$work/pair.sqlite"
"$tool" --db "$pair" init >/dev/null
for kind in province district; do
  "$tool" --db "$pair" --quiet import "$work/s10-$kind.gpkg" --kind "$kind" >/dev/null
done
measure "import 10x communes+villages (anttmap)" bash -c \
  "'$tool' --db '$pair' --quiet import '$work/s10-commune.gpkg' --kind commune && '$tool' --db '$pair' --quiet import '$work/s10-village.gpkg' --kind village"
measure "validate --year 2020 (10x, imported)" "$tool" --db "$fresh" validate --year 2020 --json
measure "baseline: ogr2ogr 10x communes+villages" bash -c \
  "ogr2ogr -f SQLite -dsco SPATIALITE=YES '$work/ogr.sqlite' '$work/s10-commune.gpkg' && ogr2ogr -append '$work/ogr.sqlite' '$work/s10-village.gpkg'"
