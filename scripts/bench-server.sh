#!/usr/bin/env bash
# Map-server benchmark, run on demand (not a test, not in CI). In one run it measures and prints side by side:
#  1. uncached rendering: the same WMS GetMap request mix (256x256 tiles, EPSG:3857, zooms 8-14 of the sample
#     province, the same number of tiles per zoom, all layers in each request) against `anttmap serve
#     --no-tile-cache` (--threads 2 and 4) and against Debian's mapserv FastCGI (one process per core, behind nginx)
#     reading a plain GeoPackage export of the same store with an equivalent mapfile (scripts/bench/mapserv.map.in);
#  2. cached tiles: `anttmap serve` answering /tiles/... from its cache against nginx serving the same PNG files
#     from disk, at 8 and 64 connections;
#  2b. the same cached tiles over TLS: `anttmap serve --tls-cert/--tls-key` against nginx with the same certificate,
#     key and files, at 8 and 64 connections;
#  3. resident memory of `anttmap serve` after a run of BENCH_MEM_REQUESTS mixed requests;
#  4. edit -> visible: BENCH_EDITS plain-SQL status edits of communes, for each the time until the commune's cached
#     PNG and MVT tiles and a WMS GetFeatureInfo show it (scripts/bench/freshness.py), median and worst, with the
#     server's poll interval (no baseline: nothing else serves this store).
# The table is printed and written to docs/benchmarks-server.md with the machine and the method.
#
# Usage: scripts/bench-server.sh [BUILD_DIR]        (default: build; uses BUILD_DIR/server/anttmap)
#        BENCH_ONLY=freshness scripts/bench-server.sh [BUILD_DIR]   only part 4 (a minute; needs python3 and curl),
#        printed, docs/benchmarks-server.md left as it is
# Environment: BENCH_DURATION (wrk -d per run, default 20s), BENCH_ROUNDS (default 3), BENCH_PER_ZOOM (tiles per
#   zoom, default 40), BENCH_MEM_REQUESTS (default 100000), BENCH_PORT (first of 6 loopback ports, default 18080),
#   BENCH_KEEP=1 keeps the work dir, BENCH_DOC (default docs/benchmarks-server.md; "-" writes no file),
#   BENCH_EDITS (edits of part 4, default 20), BENCH_ONLY (empty: all parts; freshness: part 4 only).
# Needs: nginx, wrk, spawn-fcgi, cgi-mapserver, mapserver-bin, gdal-bin, python3, curl, openssl (Debian 12 packages).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
tool=$(realpath -m "${1:-build}/server/anttmap")
duration=${BENCH_DURATION:-20s}
rounds=${BENCH_ROUNDS:-3}
per_zoom=${BENCH_PER_ZOOM:-40}
mem_requests=${BENCH_MEM_REQUESTS:-100000}
port=${BENCH_PORT:-18080}
doc=${BENCH_DOC:-docs/benchmarks-server.md}
edits=${BENCH_EDITS:-20}
only=${BENCH_ONLY:-}
case "$only" in
  "") ;;
  freshness) doc=- ;;  # one part is not the whole benchmark: the document keeps the last full run
  *) echo "bench-server: BENCH_ONLY must be empty or freshness, not '$only'"; exit 2 ;;
esac
if [ "$doc" != "-" ]; then doc=$(realpath -m "$doc"); fi  # a relative path is inside the repository
year=2020
layers=districts,communes,villages,units,hotspots,clusters,models
cores=$(nproc)
nginx_port=$port                # mapserv FastCGI at /mapserv and static tiles at /static/
plain2_port=$((port + 1))       # anttmap serve --no-tile-cache --threads 2
plain4_port=$((port + 2))       # anttmap serve --no-tile-cache --threads 4
cached_port=$((port + 3))       # anttmap serve --threads 2 with its tile cache
tls_port=$((port + 4))          # the same over TLS
nginx_tls_port=$((port + 5))    # nginx's static tiles over TLS

# --- 1. prerequisites: install nothing without saying so ---------------------------------------------------------
missing=()
if [ -z "$only" ]; then
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v spawn-fcgi >/dev/null || missing+=(spawn-fcgi)
  [ -x /usr/lib/cgi-bin/mapserv ] || missing+=(cgi-mapserver)
  command -v map2img >/dev/null || missing+=(mapserver-bin)
  command -v ogr2ogr >/dev/null || missing+=(gdal-bin)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  command -v openssl >/dev/null || missing+=(openssl)
fi
command -v python3 >/dev/null || missing+=(python3)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench-server: missing packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    echo "bench-server: running apt-get install -y ${missing[*]}"
    apt-get install -y "${missing[@]}"
  elif sudo -n true 2>/dev/null; then
    echo "bench-server: running sudo -n apt-get install -y ${missing[*]}"
    sudo -n apt-get install -y "${missing[@]}"
  else
    echo "Install them with: sudo apt-get install -y ${missing[*]}"
    exit 2
  fi
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$tool" ] || { echo "bench-server: $tool not found; build first (cmake --build build)"; exit 2; }
have_serve=1
"$tool" serve --help >/dev/null 2>&1 || {
  have_serve=0
  echo "bench-server: '$tool serve' is not available: measuring the mapserv/nginx side only"
  [ -z "$only" ] || exit 2
}
for p in $nginx_port $plain2_port $plain4_port $cached_port $tls_port $nginx_tls_port; do
  if curl -s -o /dev/null "http://127.0.0.1:$p/"; then
    echo "bench-server: port $p is in use; set BENCH_PORT to the first of 6 free ports"
    exit 2
  fi
done

# --- work dir and clean-up ------------------------------------------------------------------------------------------
work=$(mktemp -d /tmp/anttmap-bench-server.XXXXXX)
chmod 755 "$work"               # nginx workers (nobody when started as root) read static/ and the socket
pids=()                         # our running background children (nginx, anttmap serve, wrk)
mapserv_pids=()
stop_child() {  # pid: end one of our children and forget it, so clean-up never signals a reused pid
  local pid=$1 p kept=()
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${pids[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  pids=("${kept[@]}")
}
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ ${#mapserv_pids[@]} -gt 0 ]; then
    # mapserv ignores SIGTERM while it waits in FastCGI accept; SIGINT ends it.
    for pid in "${mapserv_pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in "${mapserv_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  fi
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench-server: work dir kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { echo "== $*" >&2; }
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
wait_http() {  # url
  for _ in $(seq 1 200); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "bench-server: no answer from $1" >&2
  return 1
}
start_anttmap() {  # port, extra serve flags...; sets anttmap_pid
  local p=$1; shift
  "$tool" --db "$store" serve --bind 127.0.0.1 --port "$p" --work-dir "$work/serve-$p" "$@" >"$work/anttmap-$p.log" 2>&1 &
  pids+=($!)
  anttmap_pid=$!
  wait_http "http://127.0.0.1:$p/health" || { tail -20 "$work/anttmap-$p.log" >&2; exit 1; }
}
freshness_table=""
edit_to_visible() {  # port, serve flags...: part 4 against the anttmap serve on that port; sets freshness_table
  local p=$1 poll; shift
  poll=$("$tool" --db "$store" serve --print-config "$@" | sed -n 's/^poll_interval_ms = //p')
  step "edit -> visible: $edits plain-SQL status edits against anttmap serve on :$p (poll_interval_ms = $poll)"
  freshness_table=$(python3 "$repo/scripts/bench/freshness.py" "http://127.0.0.1:$p" "$store" --edits "$edits" \
    --year "$year" --poll-ms "$poll") || {
    echo "$freshness_table"
    echo "bench-server: an edit did not show within 10 s" >&2
    exit 1
  }
}

# --- 2. sample store and the GeoPackage a user would point mapserv at ------------------------------------------------
step "sample store$([ -n "$only" ] || echo " and GeoPackage export") ($year)"
store=$work/store.sqlite
"$tool" --db "$store" --quiet sample >/dev/null
# Hotspots, clusters and models are internal: the uncached mix (all seven layers) is asked for with a viewer's key.
viewer_key=$("$tool" --db "$store" --json key add bench-viewer --role viewer |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
if [ "$only" = freshness ]; then
  start_anttmap "$cached_port" --threads 2
  edit_to_visible "$cached_port" --threads 2
  echo
  echo "Machine: $cores cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(uname -sr);" \
    "measured $(date -u +%Y-%m-%dT%H:%MZ); load average before the run: $load_at_start"
  echo
  echo "$freshness_table"
  exit 0
fi
mkdir -p "$work/export"
for kind in district commune village agency enterprise school cluster; do
  "$tool" --db "$store" --quiet export "$work/export/$kind.gpkg" --kind "$kind" --year "$year" >/dev/null
done
gpkg=$work/hoabinh-$year.gpkg
ogr2ogr -f GPKG "$gpkg" "$work/export/district.gpkg" district -nln districts
ogr2ogr -update "$gpkg" "$work/export/commune.gpkg" commune -nln communes
ogr2ogr -update "$gpkg" "$work/export/village.gpkg" village -nln villages
ogr2ogr -update "$gpkg" "$work/export/cluster.gpkg" cluster -nln clusters
for kind in agency enterprise school; do
  ogr2ogr -update -append "$gpkg" "$work/export/$kind.gpkg" "${kind}_points" -nln units
done
# Hotspots in force on 31 December of the year and the self-management models with their rating of the year:
# the rows anttmap's own layers show (`anttmap layers export`), as a GIS office would take them.
"$tool" --db "$store" --quiet layers export "$work/rows.gpkg" --year "$year" --layers hotspots,models >/dev/null
ogr2ogr -update "$gpkg" "$work/rows.gpkg" hotspots -nln hotspots -where "valid_to IS NULL OR valid_to > '$year-12-31'"
ogr2ogr -update "$gpkg" "$work/rows.gpkg" -nln models -nlt POINT -sql \
  "SELECT geom, code, name, kind AS type, effective FROM models"
# A point on the surface of every commune and village: the request tiles are chosen among the tiles holding one.
ogr2ogr -f CSV "$work/points.csv" "$gpkg" -dialect SQLite -sql \
  "SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM villages
   UNION ALL SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM communes"
echo "GeoPackage layers: $(ogrinfo -q "$gpkg" | awk '{print $2}' | tr '\n' ' ')" >&2

# --- 3. mapserv FastCGI behind nginx --------------------------------------------------------------------------------
step "mapserv FastCGI ($cores processes) behind nginx on 127.0.0.1:$nginx_port"
echo "dejavu /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" >"$work/fonts.txt"
sed -e "s#@GPKG@#$gpkg#g" -e "s#@FONTSET@#$work/fonts.txt#g" "$repo/scripts/bench/mapserv.map.in" >"$work/mapserv.map"
cat >"$work/mapserver.conf" <<EOF
CONFIG
  ENV
    MS_MAPFILE "$work/mapserv.map"
    MS_ERRORFILE "$work/mapserv.log"
  END
  MAPS
    BENCH "$work/mapserv.map"
  END
END
EOF
MAPSERVER_CONFIG_FILE=$work/mapserver.conf spawn-fcgi -s "$work/mapserv.sock" -M 0666 -F "$cores" \
  -P "$work/mapserv.pid" -- /usr/lib/cgi-bin/mapserv >/dev/null
mapfile -t mapserv_pids <"$work/mapserv.pid"
mkdir -p "$work/nginx/tmp" "$work/static" "$work/tls"
echo ok >"$work/static/ping.txt"
# One certificate and key for both TLS servers: ECDSA P-256, what a current certificate authority issues.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" 2>/dev/null
chmod 644 "$work/tls/key.pem"  # read by nginx workers (nobody when started as root); a throw-away key
sed -e "s#@WORK@#$work#g" -e "s#@PORT@#$nginx_port#g" -e "s#@TLSPORT@#$nginx_tls_port#g" \
  "$repo/scripts/bench/nginx.conf.in" >"$work/nginx/nginx.conf"
"$nginx_bin" -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
pids+=($!)
nginx_pid=$!

# --- 4. request lists -------------------------------------------------------------------------------------------------
req=$work/requests
python3 "$repo/scripts/bench/tiles.py" "$req" --points "$work/points.csv" --layers "$layers" --zooms 8-14 \
  --per-zoom "$per_zoom" --year "$year"
check_png() {  # url, label
  local type
  type=$(curl -s -H "Authorization: Bearer $viewer_key" -o "$work/check.png" -w '%{http_code} %{content_type}' "$1")
  if [ "$type" != "200 image/png" ]; then
    echo "bench-server: $2 answered '$type' to $1:" >&2
    head -c 600 "$work/check.png" >&2; echo >&2
    exit 1
  fi
}
first_wms=$(sed -n "$((per_zoom * 6 + 1))p" "$req/wms.txt")   # a z14 tile: villages, units, labels all drawn
wait_http "http://127.0.0.1:$nginx_port/static/ping.txt"
check_png "http://127.0.0.1:$nginx_port/mapserv$first_wms" "mapserv"
cp "$work/check.png" "$work/mapserv-z14.png"

results=$work/results.txt
memory=$work/memory.txt
: >"$results"
: >"$memory"
bench() {  # key, round, port, prefix, list, connections[, limit]
  # With a limit, wrk runs until each of its 2 threads has had its share of answers: the threads mark it with a
  # file, then wrk gets SIGINT (it prints its summary then, as at the end of -d).
  local key=$1 round=$2 p=$3 prefix=$4 list=$5 conns=$6 limit=${7:-0} d=$duration line wrk_pid
  [ "$limit" -gt 0 ] && d=3600s
  rm -rf "$work/wrk-done" && mkdir "$work/wrk-done"
  BENCH_URLS=$list BENCH_PREFIX=$prefix BENCH_AUTH=${auth:-} BENCH_THREADS=2 BENCH_LIMIT=$limit BENCH_DONE_DIR=$work/wrk-done \
    wrk -t2 -c"$conns" -d"$d" --latency -s "$repo/scripts/bench/urls.lua" "${scheme:-http}://127.0.0.1:$p" >"$work/wrk.out" &
  wrk_pid=$!
  pids+=("$wrk_pid")
  if [ "$limit" -gt 0 ]; then
    while kill -0 "$wrk_pid" 2>/dev/null && [ "$(find "$work/wrk-done" -type f | wc -l)" -lt 2 ]; do sleep 0.05; done
    kill -INT "$wrk_pid" 2>/dev/null || true
  fi
  wait "$wrk_pid" || true
  stop_child "$wrk_pid"
  line=$(grep '^BENCH ' "$work/wrk.out") || { echo "bench-server: wrk failed:" >&2; cat "$work/wrk.out" >&2; exit 1; }
  [ "$round" = warm ] && return 0
  # shellcheck disable=SC2086
  set -- $line
  echo "$key $round $2 $3 $4 $5 $6 $7" >>"$results"
  printf '   %-22s round %s: %8s req/s  p50 %7s ms  p99 %7s ms  (%s requests, %s socket errors, %s non-200)\n' \
    "$key" "$round" "$2" "$3" "$4" "$5" "$6" "$7" >&2
}
cached_rounds() {  # key prefix, nginx port, anttmap port: the cached lists at 8 and 64 connections, servers alternating
  local r c
  for r in $(seq 1 "$rounds"); do
    for c in 8 64; do
      bench "$1-nginx-c$c" "$r" "$2" "" "$req/cached-nginx.txt" "$c"
      bench "$1-anttmap-c$c" "$r" "$3" "" "$req/cached-anttmap.txt" "$c"
    done
  done
}
wms_count=$(wc -l <"$req/wms.txt")
tiles_count=$(wc -l <"$req/tiles-all.txt")

# --- 5. uncached: the same WMS GetMap mix through both servers --------------------------------------------------------
step "uncached: warm-up pass ($wms_count WMS requests per server)"
bench wms-mapserv-c8 warm "$nginx_port" /mapserv "$req/wms.txt" 8 "$wms_count"
if [ "$have_serve" = 1 ]; then
  start_anttmap "$plain2_port" --threads 2 --no-tile-cache
  plain2_pid=$anttmap_pid
  start_anttmap "$plain4_port" --threads 4 --no-tile-cache
  check_png "http://127.0.0.1:$plain2_port/wms$first_wms" "anttmap serve"
  cp "$work/check.png" "$work/anttmap-z14.png"
  auth=$viewer_key
  bench wms-anttmap-t2-c8 warm "$plain2_port" /wms "$req/wms.txt" 8 "$wms_count"
  bench wms-anttmap-t4-c8 warm "$plain4_port" /wms "$req/wms.txt" 8 "$wms_count"
  bench tiles-anttmap-t2-c8 warm "$plain2_port" "" "$req/tiles-all.txt" 8 "$tiles_count"
  auth=
fi
mean_bytes() {  # url prefix: mean size of the answers to the WMS list, in KB
  python3 - "$1" "$req/wms.txt" "$viewer_key" <<'EOF'
import sys, urllib.request
prefix, path, key = sys.argv[1], sys.argv[2], sys.argv[3]
def size(url):
    return len(urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": "Bearer " + key})).read())
sizes = [size(prefix + line.strip()) for line in open(path) if line.strip()]
print(f"{sum(sizes) / len(sizes) / 1024:.1f}")
EOF
}
echo "uncached_WMS_mean_response_size,_mapserv $(mean_bytes "http://127.0.0.1:$nginx_port/mapserv") KB" >>"$memory"
if [ "$have_serve" = 1 ]; then
  echo "uncached_WMS_mean_response_size,_anttmap_serve $(mean_bytes "http://127.0.0.1:$plain2_port/wms") KB" >>"$memory"
fi
step "uncached: $rounds rounds of wrk -t2 -c8 -d$duration, servers alternating"
for r in $(seq 1 "$rounds"); do
  bench wms-mapserv-c8 "$r" "$nginx_port" /mapserv "$req/wms.txt" 8
  if [ "$have_serve" = 1 ]; then
    auth=$viewer_key
    bench wms-anttmap-t2-c8 "$r" "$plain2_port" /wms "$req/wms.txt" 8
    bench wms-anttmap-t4-c8 "$r" "$plain4_port" /wms "$req/wms.txt" 8
    bench tiles-anttmap-t2-c8 "$r" "$plain2_port" "" "$req/tiles-all.txt" 8
    auth=
  fi
done
mapserv_rss=0
for pid in "${mapserv_pids[@]}"; do
  kib=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  mapserv_rss=$((mapserv_rss + ${kib:-0}))
done
echo "mapserv_FastCGI_processes_VmRSS_(sum_of_$cores,_after_the_uncached_runs) $((mapserv_rss / 1024)) MB" >>"$memory"
if [ "$have_serve" = 1 ]; then
  stop_child "$plain2_pid"
  stop_child "$anttmap_pid"
fi

# --- 6. cached tiles: anttmap's cache against nginx serving the same files -------------------------------------------
if [ "$have_serve" = 1 ]; then
  step "cached: anttmap serve with its tile cache; the same PNG files copied for nginx"
  mkdir -p "$work/cache"
  start_anttmap "$cached_port" --threads 2 --cache-dir "$work/cache"
  cached_pid=$anttmap_pid
  # The public layers' tiles, as a portal embeds them (no key): what an internal caller gets is private, never
  # kept or shared, so a shared cache has nothing to offer it.
  grep -vE '^/tiles/(hotspots|clusters|models)/' "$req/tiles-all.txt" >"$req/tiles-public.txt"
  bench cached-anttmap-c8 warm "$cached_port" "" "$req/tiles-public.txt" 8 "$(wc -l <"$req/tiles-public.txt")"
  python3 "$repo/scripts/bench/mirror.py" "http://127.0.0.1:$cached_port" "$req/tiles-public.txt" "$work/static" \
    "$req/cached-anttmap.txt" "$req/cached-nginx.txt" >&2
  cached_rounds cached "$nginx_port" "$cached_port"

  # --- 6b. the same tiles over TLS: the same certificate and key for both ------------------------------------------
  step "cached over TLS: anttmap serve --tls-cert on :$tls_port, nginx ssl on :$nginx_tls_port"
  "$tool" --db "$store" serve --bind 127.0.0.1 --port "$tls_port" --work-dir "$work/serve-$tls_port" --threads 2 \
    --cache-dir "$work/cache" --tls-cert "$work/tls/cert.pem" --tls-key "$work/tls/key.pem" \
    >"$work/anttmap-$tls_port.log" 2>&1 &
  pids+=($!)
  tls_pid=$!
  for _ in $(seq 1 200); do
    curl -skf -o /dev/null "https://127.0.0.1:$tls_port/health" && break
    sleep 0.1
  done
  curl -sf --cacert "$work/tls/cert.pem" -o /dev/null "https://127.0.0.1:$tls_port/health" ||
    { tail -20 "$work/anttmap-$tls_port.log" >&2; exit 1; }
  curl -sf --cacert "$work/tls/cert.pem" -o /dev/null "https://127.0.0.1:$nginx_tls_port/static/ping.txt" ||
    { echo "bench-server: nginx does not answer over TLS" >&2; tail -5 "$work/nginx/error.log" >&2; exit 1; }
  scheme=https
  bench tls-anttmap-c8 warm "$tls_port" "" "$req/cached-anttmap.txt" 8 "$(wc -l <"$req/cached-anttmap.txt")"
  cached_rounds tls "$nginx_tls_port" "$tls_port"
  scheme=http
  stop_child "$tls_pid"

  # --- 7. memory after BENCH_MEM_REQUESTS mixed requests --------------------------------------------------------------
  step "memory: $mem_requests requests against the cached server (tiles of $((year - 2))-$year, 1 in 10 WMS)"
  python3 - "$req" "$year" >"$req/mixed.txt" <<'EOF'
import sys
d, year = sys.argv[1], int(sys.argv[2])
tiles = [l.strip() for l in open(f"{d}/tiles-all.txt") if l.strip()]
wms = ["/wms" + l.strip() for l in open(f"{d}/wms.txt") if l.strip()]
mixed = []
for y in (year - 2, year - 1, year):
    mixed += [t.replace(f"year={year}", f"year={y}") for t in tiles]
for i, t in enumerate(mixed):
    print(t)
    if i % 9 == 8:
        print(wms[(i // 9) % len(wms)])
EOF
  awk '/^Vm(RSS|HWM)/ {printf "%s %d\n", $1, $2/1024}' "/proc/$cached_pid/status" >"$work/rss-before"
  auth=$viewer_key bench mem-anttmap-c8 1 "$cached_port" "" "$req/mixed.txt" 8 "$mem_requests"
  served=$(awk '$1 == "mem-anttmap-c8" {print $6}' "$results")
  {
    echo "anttmap_serve_VmRSS_before_(after_the_cached_runs) $(awk '$1 == "VmRSS:" {print $2}' "$work/rss-before") MB"
    echo "anttmap_serve_VmRSS_after_${served}_mixed_requests $(awk '/^VmRSS/ {printf "%d", $2/1024}' "/proc/$cached_pid/status") MB (target < 300 MB)"
    echo "anttmap_serve_VmHWM_(peak) $(awk '/^VmHWM/ {printf "%d", $2/1024}' "/proc/$cached_pid/status") MB"
  } >>"$memory"
  sed -i '/^mem-anttmap-c8 /d' "$results"

  # --- 8. edit -> visible, last: the edits change the store ---------------------------------------------------------
  edit_to_visible "$cached_port" --threads 2 --cache-dir "$work/cache"
fi
nginx_rss=$(ps -o rss= --ppid "$nginx_pid" -p "$nginx_pid" | awk '{s += $1} END {printf "%d", s / 1024}')
echo "nginx_VmRSS_(master_+_2_workers) $nginx_rss MB" >>"$memory"

# --- 9. report ---------------------------------------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
when=$(date -u +%Y-%m-%dT%H:%MZ)
table=$(python3 "$repo/scripts/bench/report.py" "$results" "$memory")
[ -z "$freshness_table" ] || table="$table

$freshness_table"
[ "$have_serve" = 1 ] || table="$table

(\`anttmap serve\` was not available in $tool: its rows were not run.)"
header="Machine: $cores cores, $cpu; $(uname -sr); measured $when; load average before the run: $load_at_start
(other work on the machine competes with both servers and with wrk). wrk -t2 -d$duration --latency, $rounds rounds.
Requests: $per_zoom tiles per zoom, zooms 8-14 ($wms_count WMS GetMap requests, $tiles_count /tiles requests)."
echo
echo "$header"
echo
echo "$table"
if [ "$doc" != "-" ]; then
  cat >"$doc" <<EOF
# Map-server benchmark

Produced by \`scripts/bench-server.sh\` (run on demand: \`scripts/bench-server.sh [BUILD_DIR]\`; it rewrites this
file). Both systems are measured in the same run, on the same machine, with the same requests.

## Method
- **Data.** The sample province (\`anttmap sample\`: Hòa Bình, 151 communes and 1,497 villages in $year). \`anttmap
  serve\` reads its store. mapserv reads a plain GeoPackage made from \`anttmap export --year $year\` of each kind
  (EPSG:4326, not generalised, as a user would point MapServer at the data) plus the store's hotspot and model tables,
  one table per layer: districts, communes, villages, units, hotspots, clusters, models.
- **mapserv.** Debian's \`/usr/lib/cgi-bin/mapserv\` 8.0 as FastCGI, one process per core (\`spawn-fcgi -F $cores\`,
  unix socket), behind nginx (2 workers). The mapfile (\`scripts/bench/mapserv.map.in\`) has the same seven layers,
  scale ranges and label zooms as anttmap's layer descriptors, status-coloured CLASSes from
  \`styles/anttmap-styles.json\` (districts are classed by their exported status: the export has no recognised
  share), DejaVu Sans labels, map in EPSG:3857, layers in EPSG:4326, \`CLOSE_CONNECTION=DEFER\`, AGG PNG RGBA
  with zlib level 1 (\`COMPRESSION=1\`, its fastest). mapserv re-parses the mapfile on every request; that is how it
  runs.
- **anttmap.** Draws with the same libmapserver from its drawing shapefiles (per layer, zoom band and year,
  EPSG:3857, generalised; docs/serve.md "Data path") and encodes PNG with libdeflate level 3. The mean answer size
  of both servers over the WMS list is in the last table.
- **Uncached requests.** $per_zoom tiles per zoom for zooms 8–14, picked evenly among the tiles that intersect the
  province (repeated at low zooms, where fewer tiles exist). Each is one WMS 1.1.1 GetMap 256×256 EPSG:3857 PNG with
  all seven layers and \`TIME=$year\`, the same query string sent to mapserv's \`/mapserv\` and to anttmap's \`/wms\`
  (\`--no-tile-cache\`, \`--threads 2\` and \`--threads 4\`). The /tiles row asks anttmap for each layer's own tile
  (seven requests per tile, uncached). Every server first gets one warm-up pass of the list.
- **Keys.** Hotspots, clusters and models are internal layers: the uncached requests and the memory run send a
  viewer's key (\`Authorization: Bearer\`, made by \`anttmap key add --role viewer\`); the cached runs ask for the
  public layers' tiles without a key, as a portal embeds them.
- **Cached tiles.** \`anttmap serve --threads 2\` with its cache renders every public layer's tile of the list once; the
  PNGs it then serves are copied byte for byte into nginx's static directory under the same relative paths
  (empty tiles, answered 204, are left out of both lists). nginx: sendfile, tcp_nopush, open_file_cache,
  access_log off, keepalive_requests 100000.
- **Over TLS.** The same lists against \`anttmap serve --threads 2 --tls-cert --tls-key\` (libmicrohttpd with
  GnuTLS, its tile cache filled from the same disk cache, one warm-up pass) and against nginx's \`ssl\` server of the
  same static files, both with one ECDSA P-256 certificate and key made by openssl for 127.0.0.1, TLS 1.2–1.3 with
  each library's default ciphers (TLS 1.3, AES-GCM on this CPU). wrk's keep-alive connections pay the handshake once.
- **Client.** wrk 4 with a Lua script (\`scripts/bench/urls.lua\`) cycling through the list, each thread from its
  own offset; \`-t2\`, 8 or 64 keep-alive connections, on the same cores as the servers (loopback). Servers alternate
  within each round. Rows give the median over the rounds; a ratio is computed per round against the baseline of
  the same round, and its median (min–max) is shown.
- **Memory.** VmRSS and VmHWM from /proc of the cached server after $mem_requests further requests: the tiles of
  $((year - 2))–$year (two years not yet cached, so half of them are rendered and cached), with one WMS GetMap in ten.
- **Edit → visible.** Last, against the cached server: $edits communes of $year, one plain-SQL \`INSERT INTO
  unit_status\` each (as a foreign client: sqlite3, no anttmap), after their z13 PNG and MVT tiles and a WMS
  GetFeatureInfo inside the commune were fetched (tiles cached). From the commit, each is asked for again until
  it shows the change (other bytes; the new class); edits start at offsets spread over the watcher's poll interval
  (\`scripts/bench/freshness.py\`). No baseline: the figure is the server's own delay (poll, then the rewrite of
  the changed rows and the cache invalidation, then a render).
- Targets (issue): uncached ≥ 3× mapserv FastCGI; cached ≥ 1.0× nginx with p99 < 5 ms at 8 and at 64 connections,
  over plain HTTP and over TLS;
  resident memory < 300 MB after 100,000 requests.

## Results

$header

$table
EOF
  echo "written to $doc"
fi
