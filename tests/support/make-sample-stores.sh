#!/usr/bin/env bash
# ctest's first fixture: starts the throwaway PostgreSQL cluster and makes the sample province once,
# as a SpatiaLite file and as the PostGIS template database anttmap_sample (tests copy either in a
# fraction of the time `anttmap sample` takes; nobody connects to the template, so CREATE DATABASE
# ... TEMPLATE can copy it).
#   make-sample-stores.sh ANTTMAP SAMPLE_FILE CLUSTER_DIR
set -euo pipefail
anttmap=${1:?usage: make-sample-stores.sh ANTTMAP SAMPLE_FILE CLUSTER_DIR}
sample=${2:?usage: make-sample-stores.sh ANTTMAP SAMPLE_FILE CLUSTER_DIR}
cluster_dir=${3:?usage: make-sample-stores.sh ANTTMAP SAMPLE_FILE CLUSTER_DIR}
here=$(cd "$(dirname "$0")" && pwd)
cluster=$(bash "$here/../../scripts/pg-cluster.sh" start "$cluster_dir")
rm -f "$sample" "$sample-wal" "$sample-shm"
"$anttmap" --db "$sample" --quiet sample >/dev/null
psql "$cluster" -qc "DROP DATABASE IF EXISTS anttmap_sample WITH (FORCE)" -c "CREATE DATABASE anttmap_sample TEMPLATE anttmap_template" >/dev/null
sample_pg=${cluster/\/postgres\?//anttmap_sample?}
"$anttmap" --quiet copy --from "$sample" --to "$sample_pg" >/dev/null
