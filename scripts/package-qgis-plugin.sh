#!/usr/bin/env bash
# Builds the QGIS plugin zip ("Plugins > Install from ZIP"): qgis-plugin/anttmap_qgis with its compiled
# translations (.ts -> .qm by lrelease), metadata.txt and LICENSE, as OUTDIR/anttmap_qgis-VERSION.zip.
# Usage: scripts/package-qgis-plugin.sh [OUTDIR]   (default: build-qgis/qgis-plugin)
# Needs lrelease (Debian: qttools5-dev-tools) and python3.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/build-qgis/qgis-plugin}"
SRC="$ROOT/qgis-plugin/anttmap_qgis"
LRELEASE="$(command -v lrelease || true)"
[ -n "$LRELEASE" ] || LRELEASE=/usr/lib/qt5/bin/lrelease
if [ ! -x "$LRELEASE" ]; then
  echo "package-qgis-plugin: lrelease not found; install qttools5-dev-tools" >&2
  exit 1
fi
VERSION="$(sed -n 's/^version=//p' "$SRC/metadata.txt")"
STAGE="$OUT/stage"
rm -rf "$STAGE"
mkdir -p "$STAGE"
# The package without caches; .ts sources stay out of the zip, their .qm go in.
(cd "$ROOT/qgis-plugin" && find anttmap_qgis -type f ! -path '*/__pycache__/*' ! -name '*.pyc' ! -name '*.ts' \
  -print0 | while IFS= read -r -d '' file; do mkdir -p "$STAGE/$(dirname "$file")"; cp "$file" "$STAGE/$file"; done)
mkdir -p "$STAGE/anttmap_qgis/i18n"
for ts in "$SRC"/i18n/*.ts; do
  QT_SELECT=5 "$LRELEASE" -silent "$ts" -qm "$STAGE/anttmap_qgis/i18n/$(basename "${ts%.ts}").qm"
done
ZIP="$OUT/anttmap_qgis-$VERSION.zip"
rm -f "$ZIP"
python3 - "$STAGE" "$ZIP" <<'PY'
import os, sys, zipfile
stage, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
    for folder, _dirs, files in sorted(os.walk(stage)):
        for name in sorted(files):
            path = os.path.join(folder, name)
            archive.write(path, os.path.relpath(path, stage))
PY
echo "$ZIP"
