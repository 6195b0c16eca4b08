#!/usr/bin/env bash
# The national data set (scripts/national/prepare.py: the 34 provinces and 3,321 communes of 2025 with their real
# boundaries, 100,000 synthetic villages, 14 years of statuses) imported, validated and counted on both stores in
# one run: SpatiaLite (the baseline) and PostGIS (a throwaway PostgreSQL 15 cluster, durable settings). A benchmark
# run on demand, not a test. Prints a table of wall times and peak memory, and appends it to BENCH_DOC.
# Usage: scripts/bench-national.sh PREPARED_DIR [BUILD_DIR]
#   PREPARED_DIR: the output of scripts/national/prepare.py (scripts/national/README.md says how to get the source)
# Environment: BENCH_DOC (default docs/benchmarks-postgis.md; "-": no file), BENCH_SERVE=1 also starts `anttmap
#   serve` on each store and measures uncached WMS GetMap of whole provinces (1024x800, every layer).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
data=$(realpath "${1:?usage: bench-national.sh PREPARED_DIR [BUILD_DIR]}")
tool=$(realpath -m "${2:-build}/server/anttmap")
doc=${BENCH_DOC:-docs/benchmarks-postgis.md}
[ "$doc" = - ] || doc=$(realpath -m "$doc")  # relative to the repository, or absolute
for file in provinces.gpkg communes.gpkg villages.gpkg statuses.csv; do
  [ -f "$data/$file" ] || { echo "bench-national: no $data/$file; run scripts/national/prepare.py first" >&2; exit 1; }
done
[ -x "$tool" ] || { echo "bench-national: no $tool; build first" >&2; exit 1; }
. "$repo/scripts/bench/throwaway-pg.sh" bench-national
psql "$base" -qc "CREATE DATABASE national TEMPLATE anttmap_template"
declare -A store=([spatialite]=$work/national.sqlite [postgis]=$(database_uri national))
declare -A took memory
measure() {  # key, command...: wall seconds and peak resident memory of one run
  local key=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" ||
    { [ "$key" != "${key%validate}" ] || { cat "$work/err" >&2; exit 1; }; }  # validate exits 6 on errors found
  # GNU time writes "Command exited with non-zero status N" first when it did.
  read -r took[$key] kb < <(tail -1 "$work/time")
  memory[$key]=$((kb / 1024))
  echo "   $key: ${took[$key]} s, ${memory[$key]} MB" >&2
}
for kind in spatialite postgis; do
  db=${store[$kind]}
  echo "== $kind" >&2
  "$tool" --db "$db" --quiet init >/dev/null
  measure "$kind-provinces" "$tool" --db "$db" --quiet import "$data/provinces.gpkg" --kind province --code-field code \
    --name-field name --valid-from 2012-01-01
  measure "$kind-communes" "$tool" --db "$db" --quiet import "$data/communes.gpkg" --kind commune --code-field code \
    --name-field name --parent-field parent --subtype-field subtype --valid-from 2012-01-01
  measure "$kind-villages" "$tool" --db "$db" --quiet import "$data/villages.gpkg" --kind village --code-field code \
    --name-field name --parent-field parent --valid-from 2012-01-01
  measure "$kind-statuses" "$tool" --db "$db" --quiet status import "$data/statuses.csv"
  measure "$kind-stats01" "$tool" --db "$db" --json stats --year 2020 --province 01
  start=$(date +%s%3N)
  for code in $(sqlite3 "$data/provinces.gpkg" "SELECT code FROM provinces ORDER BY code"); do
    "$tool" --db "$db" --json stats --year 2020 --province "$code" >/dev/null
  done
  took[$kind-stats-all]=$(python3 -c "print(round(($(date +%s%3N) - $start) / 1000, 1))")
  memory[$kind-stats-all]=-
  measure "$kind-validate" "$tool" --db "$db" --json validate --year 2020
done
rows=$(tail -n +2 "$data/statuses.csv" | wc -l)
villages=$(sqlite3 "$data/villages.gpkg" "SELECT count(*) FROM villages")
cell() { echo "${took[$1]} s (${memory[$1]} MB)"; }
table=$(cat <<EOF
| national data ($(sqlite3 "$data/provinces.gpkg" "SELECT count(*) FROM provinces") provinces, $(sqlite3 "$data/communes.gpkg" "SELECT count(*) FROM communes") communes, $villages villages, $rows status rows) | SpatiaLite | PostGIS |
|---|---:|---:|
| import provinces | $(cell spatialite-provinces) | $(cell postgis-provinces) |
| import communes (real 2025 boundaries) | $(cell spatialite-communes) | $(cell postgis-communes) |
| import villages | $(cell spatialite-villages) | $(cell postgis-villages) |
| import statuses (CSV, all or nothing) | $(cell spatialite-statuses) | $(cell postgis-statuses) |
| \`stats --year 2020 --province 01\` (Hà Nội) | $(cell spatialite-stats01) | $(cell postgis-stats01) |
| \`stats --year 2020\` of each of the 34 provinces, one after another | ${took[spatialite-stats-all]} s | ${took[postgis-stats-all]} s |
| \`validate --year 2020\` (the whole country) | $(cell spatialite-validate) | $(cell postgis-validate) |
EOF
)
echo "$table"
[ "$doc" = - ] && exit 0
cat >>"$doc" <<EOF

## The whole country ($(date -u +%Y-%m-%d), \`scripts/bench-national.sh\`)

The 2025 communes of the whole country with their real boundaries (thanglequoc/vietnamese-provinces-database, MIT,
prepared by \`scripts/national/prepare.py\`), synthetic villages inside them and synthetic statuses of 2012-2025,
valid from 2012 (14 years replayed on today's boundaries). Wall time and peak resident memory of the \`anttmap\`
process; PostgreSQL ran on the same $(nproc) cores with fsync and synchronous commit on.

$table
EOF
echo "appended to $doc" >&2
