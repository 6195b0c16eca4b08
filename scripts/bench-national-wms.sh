#!/usr/bin/env bash
# Uncached WMS of whole provinces on the national data set (scripts/national/prepare.py), against the sample
# province served the same way in the same run (the baseline). A benchmark run on demand, not a test.
#  1. the national data into a SpatiaLite store (as scripts/bench-national.sh imports it) and the sample province;
#  2. `anttmap serve --no-tile-cache --threads 2` on each (the time until it answers: the render file of every year);
#  3. for each of the 34 provinces, one WMS 1.3.0 GetMap 1024x800 EPSG:3857 PNG of its whole extent with every
#     layer (a viewer's key: the internal layers too), year 2020, BENCH_ROUNDS times in turn, one request at a time;
#     the same for the sample province on its server. Median, p90 and worst latency (curl's time_total).
# Prints a table and appends it to BENCH_DOC (default docs/benchmarks-postgis.md; "-": no file).
# Needs Debian's python3-gdal (run by /usr/bin/python3). Usage: scripts/bench-national-wms.sh PREPARED_DIR [BUILD_DIR]
# Environment: BENCH_ROUNDS (default 5),
#        BENCH_PORT (first of 2 ports, default 18280), BENCH_YEAR (2020),
#        BENCH_FIRST_YEAR (the servers' first_year: they hold the years from it on; default 0, every year).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
data=$(realpath "${1:?usage: bench-national-wms.sh PREPARED_DIR [BUILD_DIR]}")
tool=$(realpath -m "${2:-build}/server/anttmap")
rounds=${BENCH_ROUNDS:-5}
port=${BENCH_PORT:-18280}
year=${BENCH_YEAR:-2020}
first_year=${BENCH_FIRST_YEAR:-0}
doc=${BENCH_DOC:-docs/benchmarks-postgis.md}
[ "$doc" = - ] || doc=$(realpath -m "$doc")  # relative to the repository, or absolute
for file in provinces.gpkg communes.gpkg villages.gpkg statuses.csv; do
  [ -f "$data/$file" ] || { echo "bench-national-wms: no $data/$file; run scripts/national/prepare.py first" >&2; exit 1; }
done
[ -x "$tool" ] || { echo "bench-national-wms: no $tool; build first" >&2; exit 1; }
work=$(mktemp -d /tmp/bench-national-wms.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # The measured times outlive the run (the stores and render files are many GB: those go).
  [ -f "$work/times" ] && cp "$work/times" "${TMPDIR:-/tmp}/bench-national-wms.times" &&
    echo "bench-national-wms: every request's time kept in ${TMPDIR:-/tmp}/bench-national-wms.times" >&2
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "bench-national-wms: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

echo "== the national data and the sample province into SpatiaLite stores" >&2
national=$work/national.sqlite
"$tool" --db "$national" --quiet init >/dev/null
"$tool" --db "$national" --quiet import "$data/provinces.gpkg" --kind province --code-field code --name-field name \
  --valid-from 2012-01-01 >/dev/null
"$tool" --db "$national" --quiet import "$data/communes.gpkg" --kind commune --code-field code --name-field name \
  --parent-field parent --subtype-field subtype --valid-from 2012-01-01 >/dev/null
"$tool" --db "$national" --quiet import "$data/villages.gpkg" --kind village --code-field code --name-field name \
  --parent-field parent --valid-from 2012-01-01 >/dev/null
"$tool" --db "$national" --quiet status import "$data/statuses.csv" >/dev/null
sample=$work/sample.sqlite
"$tool" --db "$sample" --quiet sample >/dev/null

# Each province's extent in EPSG:3857, widened to the image's 1024:800 (WMS would stretch it otherwise);
# before the servers start, which take many minutes.
"$tool" --db "$sample" --json unit show 17 --year "$year" --geometry >"$work/sample-province.json"
/usr/bin/python3 - "$data/provinces.gpkg" "$work/sample-province.json" >"$work/extents.txt" <<'EOF2'
import json, sys
from osgeo import ogr, osr
def widened(env):
    west, east, south, north = env
    width, height = east - west, north - south
    if width / height < 1024 / 800:
        grow = (height * 1024 / 800 - width) / 2; west, east = west - grow, east + grow
    else:
        grow = (width * 800 / 1024 - height) / 2; south, north = south - grow, north + grow
    return f"{west:.1f},{south:.1f},{east:.1f},{north:.1f}"
def crs(epsg):
    made = osr.SpatialReference(); made.ImportFromEPSG(epsg)
    made.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return made
mercator, wgs84 = crs(3857), crs(4326)
provinces = ogr.Open(sys.argv[1])  # held: a layer of a dataset already freed crashes the interpreter
for feature in provinces.GetLayer(0):
    geometry = feature.GetGeometryRef().Clone()
    geometry.AssignSpatialReference(wgs84)  # prepare.py writes lon/lat
    geometry.TransformTo(mercator)
    print("national", feature.GetField("code"), widened(geometry.GetEnvelope()))
geometry = ogr.CreateGeometryFromJson(json.dumps(json.load(open(sys.argv[2]))["geometry"]))
geometry.AssignSpatialReference(wgs84)
geometry.TransformTo(mercator)
print("sample", "17", widened(geometry.GetEnvelope()))
EOF2
[ "$(grep -c '^sample' "$work/extents.txt")" = 1 ] || { echo "bench-national-wms: no extent of the sample province" >&2; exit 1; }

serve() {  # store, port: starts `anttmap serve`; the seconds until it answers go to $work/serve-PORT.ready
  local started
  started=$(date +%s%3N)
  mkdir -p "$work/serve-$2"
  echo "first_year = $first_year" >"$work/serve.conf"
  "$tool" --db "$1" --quiet serve --port "$2" --work-dir "$work/serve-$2" --threads 2 --no-tile-cache --config "$work/serve.conf" \
    >"$work/serve-$2.log" 2>&1 &
  pids+=($!)
  echo $! >"$work/serve-$2.pid"
  until curl -sf -o /dev/null "http://127.0.0.1:$2/health"; do
    kill -0 "$(cat "$work/serve-$2.pid")" 2>/dev/null ||
      { echo "bench-national-wms: serve on $2 exited:" >&2; cat "$work/serve-$2.log" >&2; exit 1; }
    sleep 0.5
  done
  python3 -c "print(round(($(date +%s%3N) - $started) / 1000, 1))" >"$work/serve-$2.ready"
}
peak_mb() { awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$(cat "$work/serve-$1.pid")/status"; }
# The keys first: a server learns of a new key at its next refresh, which waits while it is busy.
key() { "$tool" --db "$1" --json key add bench-wms --role viewer | python3 -c "import json,sys; print(json.load(sys.stdin)['key'])"; }
key_national=$(key "$national")
key_sample=$(key "$sample")
echo "== anttmap serve on each (building the render file of every year)" >&2
serve "$national" "$port"  # not in $(...): the servers' pids must reach `pids` for the cleanup
serve "$sample" "$((port + 1))"
ready_national=$(cat "$work/serve-$port.ready")
ready_sample=$(cat "$work/serve-$((port + 1)).ready")
status=$(curl -s -o "$work/layers.json" -w '%{http_code}' -H "Authorization: Bearer $key_national" \
  "http://127.0.0.1:$port/api/layers")
[ "$status" = 200 ] || { echo "bench-national-wms: /api/layers answered $status: $(head -c 300 "$work/layers.json")" >&2; exit 1; }
layers=$(python3 -c "import json,sys; print(','.join(l['name'] for l in json.load(open(sys.argv[1]))['layers']))" \
  "$work/layers.json")


echo "== uncached GetMap 1024x800 of each province, $rounds rounds (layers: $layers)" >&2
: >"$work/times"
for round in $(seq 1 "$rounds"); do
  while read -r which code bbox; do
    if [ "$which" = national ]; then p=$port auth=$key_national; else p=$((port + 1)) auth=$key_sample; fi
    url="http://127.0.0.1:$p/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=$layers&STYLES=&CRS=EPSG:3857&BBOX=$bbox&WIDTH=1024&HEIGHT=800&FORMAT=image/png&TIME=$year"
    read -r status seconds bytes < <(curl -s -o /dev/null -w '%{http_code} %{time_total} %{size_download}\n' \
      -H "Authorization: Bearer $auth" "$url")
    [ "$status" = 200 ] || { echo "bench-national-wms: $which $code answered $status" >&2; exit 1; }
    echo "$which $code $round $seconds $bytes" >>"$work/times"
  done <"$work/extents.txt"
done
stats() {  # which: median p90 max (ms) and mean KB, of rounds 2.. (the first warms the process)
  awk -v w="$1" '$1 == w && $3 > 1 {print $4 * 1000, $5}' "$work/times" | sort -n |
    awk '{t[NR]=$1; b+=$2} END {printf "%.0f %.0f %.0f %.0f\n", t[int((NR+1)/2)], t[int(NR*0.9+0.5)], t[NR], b/NR/1024}'
}
read -r n_median n_p90 n_max n_kb < <(stats national)
read -r s_median s_p90 s_max s_kb < <(stats sample)
slowest=$(awk '$1 == "national" && $3 > 1 {print $4 * 1000, $2}' "$work/times" | sort -n | tail -1)
villages=$(sqlite3 "$data/villages.gpkg" "SELECT count(*) FROM villages")
table=$(cat <<EOF
| uncached WMS GetMap 1024x800 of a whole province, every layer, $year | national data (34 provinces, $villages villages) | sample province (baseline) |
|---|---:|---:|
| median | $n_median ms | $s_median ms |
| p90 | $n_p90 ms | $s_p90 ms |
| worst | $n_max ms (province ${slowest#* }) | $s_max ms |
| mean image size | $n_kb KB | $s_kb KB |
| \`serve\` ready (render file of the years held built); peak memory | $ready_national s; $(peak_mb "$port") MB | $ready_sample s; $(peak_mb "$((port + 1))") MB |
EOF
)
echo "$table"
[ "$doc" = - ] && exit 0
cat >>"$doc" <<EOF

## Uncached WMS of whole provinces on the national data ($(date -u +%Y-%m-%d), \`scripts/bench-national-wms.sh\`)

One request at a time, $((rounds - 1)) rounds over the 34 provinces after a first one (the figures leave it out),
\`anttmap serve --no-tile-cache --threads 2\` (\`first_year = $first_year\`) on a SpatiaLite store, $(nproc) cores; the sample province's server
answered the same request for Hòa Bình in the same run. Layers: $layers.

$table
EOF
echo "appended to $doc" >&2
