#!/usr/bin/env bash
# Regenerates the screenshots the browser tests compare with (tests/web/references/*.png), on
# purpose, after a deliberate change of the map's look. Review them before committing.
# Usage: tests/web/update-references.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
UPDATE_REFERENCES=1 ANTTMAP="$build/server/anttmap" ANTT_WEB_NODE_MODULES="$build/server/web/node_modules" \
  node --test tests/web/viewer.test.mjs
ls -l tests/web/references/
