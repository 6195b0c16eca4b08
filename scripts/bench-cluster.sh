#!/usr/bin/env bash
# Load test of the deployment docs/postgis.md describes, run on demand (not a test, not in CI): two `anttmap serve`
# on one PostGIS store behind nginx (round robin, the next server on an error), BENCH_CONNECTIONS readers (wrk, the
# cached tile and /api mix of every layer) for BENCH_DURATION while BENCH_EDITORS editors write statuses through
# nginx (scripts/bench/editors.py); halfway through, one server is killed with SIGKILL and started again. Checked
# and printed: requests that failed (socket errors, non-200 answers), writes that failed, writes lost (every
# answered write must be the row in the database), and for every write the time until both servers answered the
# new status and drew the commune's tile anew (the issue's bar: 1 s).
# Usage: scripts/bench-cluster.sh [BUILD_DIR]
# Environment: BENCH_DURATION (seconds, default 300), BENCH_CONNECTIONS (64), BENCH_EDITORS (4),
#   BENCH_PORT (first of 3 ports, default 18280), BENCH_DOC (default docs/benchmarks-postgis.md, appended under
#   its own heading; "-": no file).
# Needs: nginx, wrk, python3, curl, sqlite3, gdal-bin, postgresql-15 with postgis.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
tool=$(realpath -m "${1:-build}/server/anttmap")
duration=${BENCH_DURATION:-300}
connections=${BENCH_CONNECTIONS:-64}
editors=${BENCH_EDITORS:-4}
port=${BENCH_PORT:-18280}
doc=${BENCH_DOC:-docs/benchmarks-postgis.md}
[ "$doc" = - ] || doc=$(realpath -m "$doc")  # relative to the repository, or absolute
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
for needed in wrk python3 curl sqlite3 ogr2ogr psql "$nginx_bin"; do
  command -v "$needed" >/dev/null || { echo "bench-cluster: $needed is missing" >&2; exit 1; }
done
[ -x "$tool" ] || { echo "bench-cluster: no $tool; build first (scripts/build.sh)" >&2; exit 1; }

. "$repo/scripts/bench/throwaway-pg.sh" bench-cluster
step() { echo "== $*" >&2; }
wait_http() { for _ in $(seq 1 1200); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }

step "the store: the sample province copied into a throwaway PostGIS cluster (durable settings)"
psql "$base" -qc "CREATE DATABASE bench_cluster TEMPLATE anttmap_template"
pg=$(database_uri bench_cluster)
"$tool" --db "$work/sample.sqlite" --quiet sample
"$tool" --quiet copy --from "$work/sample.sqlite" --to "$pg"
viewer=$("$tool" --db "$pg" --json key add readers --role viewer | python3 -c "import json,sys; print(json.load(sys.stdin)['key'])")
keys=""
for i in $(seq 1 "$editors"); do
  key=$("$tool" --db "$pg" --json key add "editor-$i" --role editor --scope 17 |
    python3 -c "import json,sys; print(json.load(sys.stdin)['key'])")
  keys="$keys${keys:+,}$key"
done

step "two servers, nginx in front"
server_port=("$((port + 1))" "$((port + 2))")
server_pid=()
# As docs/postgis.md sets up several servers on one PostGIS: /api answers may be up to 100 ms old.
echo "max_answer_age_ms = 100" >"$work/node.conf"
start_server() {  # index
  local i=$1
  mkdir -p "$work/node$i"
  "$tool" --db "$pg" --quiet serve --port "${server_port[$i]}" --work-dir "$work/node$i" --threads 2 \
    --config "$work/node.conf" >>"$work/node$i.log" 2>&1 &
  server_pid[$i]=$!
  pids+=($!)
}
start_server 0
start_server 1
for i in 0 1; do
  wait_http "http://127.0.0.1:${server_port[$i]}/health" || { cat "$work/node$i.log" >&2; exit 1; }
done
mkdir -p "$work/nginx/tmp"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  upstream anttmap {
    server 127.0.0.1:${server_port[0]} max_fails=1 fail_timeout=2s;
    server 127.0.0.1:${server_port[1]} max_fails=1 fail_timeout=2s;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://anttmap;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 1s;
    }
  }
}
EOF
"$nginx_bin" -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
pids+=($!)
wait_http "http://127.0.0.1:$port/health"

step "the request mix and the editors' communes"
"$tool" --db "$work/sample.sqlite" export "$work/villages.gpkg" --kind village --year 2020 >/dev/null
layer=$(ogrinfo -q "$work/villages.gpkg" | head -1 | awk '{print $2}')
ogr2ogr -f CSV "$work/points.csv" "$work/villages.gpkg" -dialect SQLite -sql \
  "SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM \"$layer\""
python3 "$repo/scripts/bench/tiles.py" "$work/req" --points "$work/points.csv" \
  --layers districts,communes,villages,units,hotspots,clusters,models --zooms 8-14 --per-zoom 40 --year 2020
sqlite3 "$work/sample.sqlite" "SELECT code FROM unit WHERE kind = 'commune' AND valid_from <= '2020-12-31' AND
  COALESCE(valid_to, '9999') > '2020-12-31' ORDER BY code" | head -200 >"$work/codes.txt"
awk '{print "/api/units/" $1 "?year=2020"; print "/api/units/" $1 "/status/2020"}' "$work/codes.txt" >"$work/req/api.txt"
# Readers: tiles of every layer, and one /api request in ten.
awk 'NR % 9 == 0 {getline api < "'"$work/req/api.txt"'"; print api} {print}' "$work/req/tiles-all.txt" >"$work/req/mix.txt"
"$tool" --db "$work/sample.sqlite" export "$work/communes.gpkg" --kind commune --year 2020 >/dev/null
layer=$(ogrinfo -q "$work/communes.gpkg" | head -1 | awk '{print $2}')
ogr2ogr -f CSV "$work/communes.csv" "$work/communes.gpkg" -dialect SQLite -sql \
  "SELECT code, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM \"$layer\""
# Only the province's own communes (the editors' scope): the sample also holds neighbours' (codes LG-…).
tail -n +2 "$work/communes.csv" | tr ',' ' ' | tr -d '"' | grep -v '^LG-' | head -160 >"$work/communes.txt"
# Warm both caches with one pass of the mix through each server.
for i in 0 1; do
  BENCH_URLS=$work/req/mix.txt BENCH_AUTH=$viewer BENCH_THREADS=2 BENCH_LIMIT=$(wc -l <"$work/req/mix.txt") \
    BENCH_DONE_DIR=$work wrk -t2 -c8 -d60s -s "$repo/scripts/bench/urls.lua" "http://127.0.0.1:${server_port[$i]}" >/dev/null || true
done

step "load: $connections readers and $editors editors for $duration s; server 1 killed with SIGKILL at $((duration / 2)) s"
BENCH_URLS=$work/req/mix.txt BENCH_AUTH=$viewer BENCH_THREADS=2 \
  wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$repo/scripts/bench/urls.lua" "http://127.0.0.1:$port" >"$work/wrk.out" &
wrk_pid=$!
pids+=("$wrk_pid")
python3 "$repo/scripts/bench/editors.py" --balancer "http://127.0.0.1:$port" \
  --servers "http://127.0.0.1:${server_port[0]},http://127.0.0.1:${server_port[1]}" --keys "$keys" \
  --communes "$work/communes.txt" --seconds "$duration" --out "$work/editors.json" &
editors_pid=$!
pids+=("$editors_pid")
sleep $((duration / 2))
kill -KILL "${server_pid[0]}"
killed_at=$(date +%s%3N)
start_server 0
wait_http "http://127.0.0.1:${server_port[0]}/health"
back_after=$(( $(date +%s%3N) - killed_at ))
wait "$wrk_pid" || true
wait "$editors_pid"

step "checks"
# Each server's own time to take in a change (/metrics; server 1's since its restart): what the freshness above
# adds on top is waiting for the cores, the editors' checks queued behind the readers among it.
refresh_line=""
for i in 0 1; do
  refresh_line="$refresh_line$(curl -sf "http://127.0.0.1:${server_port[$i]}/metrics" | awk -v n="$((i + 1))" '
    $1 == "anttmap_data_refreshes_total" {count = $2} $1 == "anttmap_data_refresh_seconds_total" {sum = $2}
    $1 == "anttmap_data_refresh_seconds_max" {max = $2}
    END {printf "server %d: %d changes, mean %.0f ms, worst %.0f ms; ", n, count, count ? sum / count * 1000 : 0, max * 1000}')"
done
line=$(grep '^BENCH ' "$work/wrk.out") || { cat "$work/wrk.out" >&2; exit 1; }
# shellcheck disable=SC2086
set -- $line
req_s=$2 p50=$3 p99=$4 requests=$5 socket_errors=$6 non200=$7
python3 - "$work/editors.json" "$pg" >"$work/editors.txt" <<'EOF'
import json, subprocess, sys
results = json.load(open(sys.argv[1]))
written = results["written"]
# Every answered write must be a row of the database, recorded for its editor (nothing lost).
rows = subprocess.run(["psql", sys.argv[2], "-Atc",
                       "SELECT count(*) FROM unit_status WHERE recorded_by LIKE 'editor-%'"],
                      capture_output=True, text=True, check=True).stdout.strip()
fresh = sorted(s for s in results["freshness"] if s is not None)
never = sum(1 for s in results["freshness"] if s is None)
median = fresh[len(fresh) // 2] if fresh else float("nan")
after = sorted(s for s in results["freshness_after_answer"] if s is not None)
print(f"{results['tried']} {len(written)} {len(results['failed'])} {rows} {median:.3f} "
      f"{(fresh[-1] if fresh else float('nan')):.3f} {never} {sum(1 for s in fresh if s > 1.0)} "
      f"{(after[len(after) // 2] if after else float('nan')):.3f} {(after[-1] if after else float('nan')):.3f} "
      f"{sum(1 for s in after if s > 1.0)}")
for failure in results["failed"][:5]:
    print("  failed:", failure, file=sys.stderr)
EOF
read -r tried written failed rows fresh_median fresh_worst never_seen over_1s after_median after_worst after_over_1s \
  <"$work/editors.txt"
table=$(cat <<EOF
| | |
|---|---|
| readers (wrk -t2 -c$connections, ${duration} s, cached tiles of every layer + /api through nginx) | $req_s req/s, p50 $p50 ms, p99 $p99 ms, $requests requests |
| failed reads | $socket_errors socket errors, $non200 non-200 answers |
| writes ($editors editors through nginx) | $tried tried, $written answered 200, $failed failed |
| writes lost (answered, not in the database) | $((written - rows < 0 ? 0 : written - rows)) (rows of the editors in the database: $rows) |
| write sent -> both servers answer it and draw its tile anew | median $fresh_median s, worst $fresh_worst s, over 1 s: $over_1s, never within 10 s: $never_seen |
| write answered (committed) -> the same | median $after_median s, worst $after_worst s, over 1 s: $after_over_1s |
| each server taking in a change (render file, drawing files, tiles dropped; \`/metrics\`) | ${refresh_line%; } |
| server 1 killed with SIGKILL at $((duration / 2)) s | healthy again after $back_after ms (render file rebuilt from the store) |
EOF
)
echo "$table"
[ "$doc" = - ] && exit 0
cat >>"$doc" <<EOF

## Two servers behind nginx, one killed under load ($(date -u +%Y-%m-%d), \`scripts/bench-cluster.sh\`)

The sample province in a PostGIS store (durable settings), two \`anttmap serve --threads 2\` (\`max_answer_age_ms = 100\`, as
docs/postgis.md sets them up) on this one machine
($(nproc) cores) behind nginx (round robin, \`proxy_next_upstream error timeout http_502 http_503\`), each with its own
render file and tile cache; the caches warmed by one pass of the mix first. Everything (PostgreSQL, nginx, both
servers, wrk, the editors) shares the same $(nproc) cores.

$table
EOF
echo "appended to $doc" >&2
