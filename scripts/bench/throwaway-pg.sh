# Sourced by the PostGIS benchmarks (scripts/bench-postgis.sh, bench-cluster.sh, bench-national.sh): a work folder
# the postgres user can reach, a throwaway PostgreSQL cluster in it with durable settings (fsync and synchronous
# commit on, as a deployment has them), and on exit: the processes listed in `pids` stopped, the cluster stopped,
# the folder deleted. Sets work, cluster, base (the URI of its database "postgres") and pids; needs repo and $1, a
# name for the folder.
work=$(mktemp -d "/tmp/anttmap-$1.XXXXXX")
chmod 755 "$work"  # the postgres user (CI and benchmarks run as root) reaches its cluster inside
cluster=$work/pg
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$repo/scripts/pg-cluster.sh" stop "$cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
PG_DURABLE=1 bash "$repo/scripts/pg-cluster.sh" start "$cluster" >/dev/null
base=$(bash "$repo/scripts/pg-cluster.sh" uri "$cluster")
# The URI of database $1 in that cluster.
database_uri() { echo "${base/\/postgres\?//$1?}"; }
