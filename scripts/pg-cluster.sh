#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster with PostGIS for the tests (and for trying the PostGIS store):
# made in DIR, reached only through a Unix socket in DIR (no TCP port), trusted local connections,
# owned by the postgres user when run as root (initdb refuses root), else by the caller.
#   scripts/pg-cluster.sh start DIR   makes and starts it (again: reuses it); prints its URI
#   scripts/pg-cluster.sh stop DIR    stops it and deletes DIR
#   scripts/pg-cluster.sh uri DIR     prints the URI of its database "postgres"
# PG_DURABLE=1 keeps fsync and synchronous commit on (benchmarks: a deployment has them on).
# Databases made from the template "anttmap_template" have PostGIS already (a test makes one per
# store in ~0.1 s instead of creating the extension each time).
set -euo pipefail
action=${1:?usage: pg-cluster.sh start|stop|uri DIR}
dir=${2:?usage: pg-cluster.sh start|stop|uri DIR}
bin=/usr/lib/postgresql/15/bin
owner=$(id -un)
as_owner() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  as_owner() { runuser -u postgres -- "$@"; }
fi
uri() { echo "postgresql://${owner}@/postgres?host=${dir}&port=5432"; }

case "$action" in
  uri) uri ;;
  start)
    if [ ! -x "$bin/initdb" ]; then
      echo "pg-cluster: PostgreSQL 15 is not installed (apt-get install postgresql postgresql-15-postgis-3)" >&2
      exit 1
    fi
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -U "$owner" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      # Small and fast: fsync off (a test cluster is thrown away) unless PG_DURABLE=1, no TCP, the socket in DIR.
      durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
      [ "${PG_DURABLE:-0}" = 1 ] && durability=""
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' $durability -c max_connections=200 -c shared_buffers=128MB" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    fi
    if ! as_owner psql -h "$dir" -U "$owner" -d postgres -Atqc \
         "SELECT 1 FROM pg_database WHERE datname = 'anttmap_template'" | grep -q 1; then
      as_owner psql -h "$dir" -U "$owner" -d postgres -qc "CREATE DATABASE anttmap_template" >/dev/null
      as_owner psql -h "$dir" -U "$owner" -d anttmap_template -qc "CREATE EXTENSION postgis" >/dev/null
    fi
    uri
    ;;
  stop)
    if [ -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: pg-cluster.sh start|stop|uri DIR" >&2; exit 2 ;;
esac
