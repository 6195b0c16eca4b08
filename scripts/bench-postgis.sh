#!/usr/bin/env bash
# The PostGIS store against the SpatiaLite store on the same data, in one run (a benchmark run on demand: not a
# test, not in CI). A throwaway PostgreSQL 15 cluster with durable settings (fsync and synchronous commit on, as a
# deployment has them; the test cluster turns them off) is started in a temporary directory and stopped at the end.
#  1. the store: the sample province loaded (`anttmap sample`) into each; a whole copy SpatiaLite -> PostGIS and
#     back; `stats --year 2020|2026`, `validate --year 2020` and a commune export, median of BENCH_REPEAT runs each;
#  2. serving: `anttmap serve --no-tile-cache --threads 2` on each store, the same uncached tile mix (every layer,
#     zooms 8-14, scripts/bench/tiles.py) and the same /api mix (units, their statuses and lineage: read from the
#     store per request), wrk -t2 -c8, BENCH_ROUNDS rounds alternating between the servers;
#  3. edit -> seen: BENCH_EDITS status edits by plain SQL (psql / sqlite3), for each the time until a second server
#     on the same store answers the new status (PostGIS: LISTEN/NOTIFY; SpatiaLite: the poll interval).
# The table is printed and written to docs/benchmarks-postgis.md (BENCH_DOC; "-": no file).
# Usage: scripts/bench-postgis.sh [BUILD_DIR]     Environment: BENCH_DURATION (default 20s), BENCH_ROUNDS (3),
#        BENCH_REPEAT (5), BENCH_EDITS (20), BENCH_PER_ZOOM (20), BENCH_PORT (first of 4 ports, default 18180).
# Needs: wrk, python3, curl, sqlite3, gdal-bin, postgresql-15 with postgis (scripts/install-deps.sh and `apt-get
# install wrk`).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
tool=$(realpath -m "${1:-build}/server/anttmap")
duration=${BENCH_DURATION:-20s}
rounds=${BENCH_ROUNDS:-3}
repeat=${BENCH_REPEAT:-5}
edits=${BENCH_EDITS:-20}
per_zoom=${BENCH_PER_ZOOM:-20}
port=${BENCH_PORT:-18180}
doc=${BENCH_DOC:-docs/benchmarks-postgis.md}
[ "$doc" = - ] || doc=$(realpath -m "$doc")  # relative to the repository, or absolute
for needed in wrk python3 curl sqlite3 ogr2ogr psql; do
  command -v "$needed" >/dev/null || { echo "bench-postgis: $needed is missing" >&2; exit 1; }
done
[ -x "$tool" ] || { echo "bench-postgis: no $tool; build first (scripts/build.sh)" >&2; exit 1; }

step() { echo "== $*" >&2; }
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
timed() {  # repeat, command...: median wall time in ms
  local n=$1 i start
  shift
  for i in $(seq 1 "$n"); do
    start=$(now_ms)
    "$@" >/dev/null
    echo $(($(now_ms) - start))
  done | median
}
step "a throwaway PostgreSQL cluster, durable settings"
. "$repo/scripts/bench/throwaway-pg.sh" bench-postgis
psql "$base" -qc "CREATE DATABASE bench_sample TEMPLATE anttmap_template" -c "CREATE DATABASE bench_copy TEMPLATE anttmap_template"
pg=$(database_uri bench_sample)
pg_copy=$(database_uri bench_copy)
file=$work/sample.sqlite

# --- 1. the store --------------------------------------------------------------------------------------------------
step "1. the sample into each store, copies, statistics, validation, export"
t_sample_file=$(timed 1 "$tool" --db "$file" --quiet sample)
t_sample_pg=$(timed 1 "$tool" --db "$pg" --quiet sample)
t_copy_to_pg=$(timed 1 "$tool" --quiet copy --from "$file" --to "$pg_copy")
t_copy_back=$(timed 1 "$tool" --quiet copy --from "$pg_copy" --to "$work/back.sqlite")
rows=$("$tool" --db "$pg_copy" --json audit --limit 1 | python3 -c "import json,sys; print(json.load(sys.stdin)['entries'][0]['id'])")
declare -A store_time
for which in file pg; do
  db=$file
  [ "$which" = pg ] && db=$pg
  store_time[$which-stats2020]=$(timed "$repeat" "$tool" --db "$db" --json stats --year 2020)
  store_time[$which-stats2026]=$(timed "$repeat" "$tool" --db "$db" --json stats --year 2026)
  store_time[$which-validate]=$(timed "$repeat" "$tool" --db "$db" --json validate --year 2020 || true)
  rm -f "$work/export-$which.gpkg"
  store_time[$which-export]=$(timed 1 "$tool" --db "$db" export "$work/export-$which.gpkg" --kind village --year 2020)
done

# --- 2. serving ----------------------------------------------------------------------------------------------------
step "2. serving: the same uncached tiles and /api requests from each store"
wait_http() { for _ in $(seq 1 600); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }
start_serve() {  # store, port, work dir, extra...
  local db=$1 p=$2 dir=$3
  shift 3
  mkdir -p "$dir"
  "$tool" --db "$db" --quiet serve --port "$p" --work-dir "$dir" --threads 2 "$@" >"$dir.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$p/health" || { echo "bench-postgis: serve on $p did not start:" >&2; cat "$dir.log" >&2; exit 1; }
}
start_serve "$file" "$port" "$work/serve-file" --no-tile-cache
start_serve "$pg" "$((port + 1))" "$work/serve-pg" --no-tile-cache
key=$("$tool" --db "$file" --json key add bench --role viewer | python3 -c "import json,sys; print(json.load(sys.stdin)['key'])")
pg_key=$("$tool" --db "$pg" --json key add bench --role viewer | python3 -c "import json,sys; print(json.load(sys.stdin)['key'])")
"$tool" --db "$file" export "$work/points.gpkg" --kind village --year 2020 >/dev/null
points_layer=$(ogrinfo -q "$work/points.gpkg" | head -1 | awk '{print $2}')
ogr2ogr -f CSV "$work/points.csv" "$work/points.gpkg" -dialect SQLite -sql \
  "SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM \"$points_layer\""
python3 "$repo/scripts/bench/tiles.py" "$work/req" --points "$work/points.csv" \
  --layers districts,communes,villages,units,hotspots,clusters,models --zooms 8-14 --per-zoom "$per_zoom" --year 2020
sqlite3 "$file" "SELECT DISTINCT code FROM unit WHERE kind IN ('commune', 'village') ORDER BY code LIMIT 400" |
  awk '{print "/api/units/" $1 "?year=2020"; print "/api/units/" $1 "/status/2020"; print "/api/units/" $1 "/lineage"}' >"$work/req/api.txt"
results=$work/results.txt
: >"$results"
bench() {  # label, round, port, list, key
  BENCH_URLS=$4 BENCH_AUTH=$5 BENCH_THREADS=2 \
    wrk -t2 -c8 -d"$duration" --latency -s "$repo/scripts/bench/urls.lua" "http://127.0.0.1:$3" >"$work/wrk.out" || true
  local line
  line=$(grep '^BENCH ' "$work/wrk.out") || { echo "bench-postgis: wrk failed:" >&2; cat "$work/wrk.out" >&2; exit 1; }
  # shellcheck disable=SC2086
  set -- $line
  [ "$round_label" = warm ] || echo "$label $2 $3 $4 $5 $6 $7" >>"$results"
  printf '   %-14s %-5s %9s req/s  p50 %7s ms  p99 %7s ms  (%s requests, %s errors, %s non-200)\n' \
    "$label" "$round_label" "$2" "$3" "$4" "$5" "$6" "$7" >&2
}
for list in tiles-all api; do
  for round_label in warm $(seq 1 "$rounds"); do
    label=$list-spatialite bench "$list-spatialite" "$round_label" "$port" "$work/req/$list.txt" "$key"
    label=$list-postgis bench "$list-postgis" "$round_label" "$((port + 1))" "$work/req/$list.txt" "$pg_key"
  done
done
# The same /api requests with max_answer_age_ms = 100: the change position read at most every 100 ms.
echo "max_answer_age_ms = 100" >"$work/aged.conf"
kill "${pids[0]}" "${pids[1]}"
wait "${pids[0]}" "${pids[1]}" 2>/dev/null || true
pids=()
start_serve "$file" "$port" "$work/serve-file-aged" --no-tile-cache --config "$work/aged.conf"
start_serve "$pg" "$((port + 1))" "$work/serve-pg-aged" --no-tile-cache --config "$work/aged.conf"
for round_label in warm $(seq 1 "$rounds"); do
  label=api-aged-spatialite bench api-aged-spatialite "$round_label" "$port" "$work/req/api.txt" "$key"
  label=api-aged-postgis bench api-aged-postgis "$round_label" "$((port + 1))" "$work/req/api.txt" "$pg_key"
done

# --- 3. edit -> seen by another server --------------------------------------------------------------------------------
step "3. a plain-SQL edit, until another server on the same store answers it"
start_serve "$file" "$((port + 2))" "$work/serve-file-2"
start_serve "$pg" "$((port + 3))" "$work/serve-pg-2"
codes=$(sqlite3 "$file" "SELECT code FROM unit WHERE kind = 'commune' AND valid_from <= '2020-12-31' AND COALESCE(valid_to, '9999') > '2020-12-31' ORDER BY code LIMIT $edits")
seen() {  # which, port, code: ms from the write until /api/units/CODE/status/2020 says not_recognised
  local which=$1 p=$2 code=$3 start
  start=$(now_ms)
  if [ "$which" = pg ]; then
    psql "$pg" -qc "INSERT INTO unit_status (unit_code, year, status) VALUES ('$code', 2020, 'not_recognised')"
  else
    sqlite3 "$file" "INSERT INTO unit_status (unit_code, year, status) VALUES ('$code', 2020, 'not_recognised')"
  fi
  until curl -s "http://127.0.0.1:$p/api/units/$code/status/2020" | grep -q not_recognised; do sleep 0.005; done
  echo $(($(now_ms) - start))
}
: >"$work/seen-file"
: >"$work/seen-pg"
for code in $codes; do
  seen file "$((port + 2))" "$code" >>"$work/seen-file"
  seen pg "$((port + 3))" "$code" >>"$work/seen-pg"
done

# --- the table ------------------------------------------------------------------------------------------------------
summary() {  # label: median req/s over the rounds
  awk -v l="$1" '$1 == l {print $2}' "$results" | median
}
p50() { awk -v l="$1" '$1 == l {print $3}' "$results" | median; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
tiles_file=$(summary tiles-all-spatialite); tiles_pg=$(summary tiles-all-postgis)
api_file=$(summary api-spatialite); api_pg=$(summary api-postgis)
aged_file=$(summary api-aged-spatialite); aged_pg=$(summary api-aged-postgis)
seen_file_median=$(median <"$work/seen-file"); seen_pg_median=$(median <"$work/seen-pg")
seen_file_worst=$(sort -n "$work/seen-file" | tail -1); seen_pg_worst=$(sort -n "$work/seen-pg" | tail -1)
table=$(cat <<EOF
| | SpatiaLite | PostGIS | PostGIS / SpatiaLite |
|---|---:|---:|---:|
| \`anttmap sample\` (the province, 15 years, audited) | ${t_sample_file} ms | ${t_sample_pg} ms | |
| \`anttmap copy\` of the sample ($rows audit entries and the rows they describe) | to SpatiaLite ${t_copy_back} ms | to PostGIS ${t_copy_to_pg} ms | |
| \`stats --year 2020\` (median of $repeat) | ${store_time[file-stats2020]} ms | ${store_time[pg-stats2020]} ms | |
| \`stats --year 2026\` | ${store_time[file-stats2026]} ms | ${store_time[pg-stats2026]} ms | |
| \`validate --year 2020\` | ${store_time[file-validate]} ms | ${store_time[pg-validate]} ms | |
| \`export\` villages 2020 (GeoPackage) | ${store_time[file-export]} ms | ${store_time[pg-export]} ms | |
| uncached tiles, every layer, z8-14 (req/s, median of $rounds) | $tiles_file (p50 $(p50 tiles-all-spatialite) ms) | $tiles_pg (p50 $(p50 tiles-all-postgis) ms) | $(ratio "$tiles_pg" "$tiles_file") |
| /api units, statuses, lineage (req/s; every answer as new as the store) | $api_file (p50 $(p50 api-spatialite) ms) | $api_pg (p50 $(p50 api-postgis) ms) | $(ratio "$api_pg" "$api_file") |
| the same, \`max_answer_age_ms = 100\` | $aged_file (p50 $(p50 api-aged-spatialite) ms) | $aged_pg (p50 $(p50 api-aged-postgis) ms) | $(ratio "$aged_pg" "$aged_file") |
| plain-SQL edit -> another server answers it ($edits edits; median, worst) | $seen_file_median ms, $seen_file_worst ms | $seen_pg_median ms, $seen_pg_worst ms | |
EOF
)
echo "$table"
[ "$doc" = - ] && exit 0
# This run replaces the document's first part; the sections other benchmarks append (## ...) stay.
others=$( [ -f "$doc" ] && awk '/^## /{keep=1} keep' "$doc" || true)
cat >"$doc" <<EOF
# The PostGIS store against the SpatiaLite store

Measured by \`scripts/bench-postgis.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo),
$(. /etc/os-release; echo "$PRETTY_NAME"), PostgreSQL $(psql "$base" -Atc "SHOW server_version") with PostGIS
$(psql "$pg" -Atc "SELECT extversion FROM pg_extension WHERE extname = 'postgis'"), on the same machine as
the client; fsync and synchronous commit on). The same data in both: the sample province
(\`anttmap sample\`, 15 years). Both servers draw from their own render file, built from the store through the same
\`Store\` interface; an /api request reads the store's change position (one round trip shared by the requests
waiting at that moment) and what it keeps per position (a unit's history, lineage, statistics). wrk -t2 -c8 -d$duration per round, rounds
alternating between the servers after a warm-up pass each; the other work on the machine competes with both alike.

$table

What the figures say:
- Serving tiles does not touch the store (the render file and drawing shapefiles are built from it), so both
  stores serve them alike. An /api answer as new as the store costs PostgreSQL a round trip over a local socket
  (the change position) where SpatiaLite reads a page of its own file; with \`max_answer_age_ms = 100\` the
  position is read at most every 100 ms and both answer from what they keep.
- Writing row by row (\`sample\`) pays a round trip per statement in PostGIS; \`copy\` loads 500 rows per INSERT.
- An edit reaches a second server through LISTEN/NOTIFY on PostGIS (the server's watcher wakes on the
  notification), through the poll interval (200 ms) on SpatiaLite.
EOF
[ -n "$others" ] && printf '\n%s\n' "$others" >>"$doc"
echo "written to $doc" >&2
