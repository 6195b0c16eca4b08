#!/usr/bin/env bash
# Screenshot of QGIS with the anttmap plugin's panel and the sample province (Hòa Bình, 2020), taken under
# Xvfb with Debian's python3-qgis: map canvas, layer tree and the plugin's panel after a validation run.
# Usage: scripts/qgis-screenshot.sh [OUTPUT.png]   (default docs/images/qgis-plugin.png)
#        MODE=server scripts/qgis-screenshot.sh docs/images/qgis-plugin-server.png
#        (the plugin signed in to an `anttmap serve` of the store with a district editor's key, editing a
#        commune's boundary over the server; docs/qgis-plugin.md, "Editing on a server")
# Environment: ANTTMAP (the tool; default build-qgis/server/anttmap, build/server/anttmap, then PATH),
# STORE (an existing store instead of a fresh `anttmap sample`). Needs xvfb-run (Debian: xvfb, xauth).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUTPUT="$(realpath -m "${1:-$ROOT/docs/images/qgis-plugin.png}")"
if [ -z "${ANTTMAP:-}" ]; then
  for candidate in "$ROOT/build-qgis/server/anttmap" "$ROOT/build/server/anttmap" "$(command -v anttmap || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then ANTTMAP="$candidate"; break; fi
  done
fi
[ -n "${ANTTMAP:-}" ] || { echo "qgis-screenshot: no anttmap binary; build it or set ANTTMAP" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if [ -z "${STORE:-}" ]; then
  STORE="$WORK/hoabinh.sqlite"
  "$ANTTMAP" --db "$STORE" --quiet sample >/dev/null
fi
SERVER_URL=""
if [ "${MODE:-}" = "server" ]; then
  SERVER_KEY="$("$ANTTMAP" --db "$STORE" --json key add can.bo.da.bac --role editor --scope 150 |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')"
  PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "$ANTTMAP" --db "$STORE" --quiet serve --port "$PORT" --work-dir "$WORK/serve" >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
  SERVER_URL="http://127.0.0.1:$PORT"
  for _ in $(seq 600); do curl -sf "$SERVER_URL/health" >/dev/null && break; sleep 0.2; done
  export SERVER_KEY
fi
# The plugin as a user installs it (zip with compiled translations), in a throw-away QGIS profile.
ZIP="$(bash "$ROOT/scripts/package-qgis-plugin.sh" "$WORK/zip" | tail -1)"
mkdir -p "$WORK/profile/python/plugins"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$ZIP" "$WORK/profile/python/plugins"
mkdir -p "$(dirname "$OUTPUT")"
export SERVER_URL ANTTMAP STORE OUTPUT PROFILE="$WORK/profile" PYTHONDONTWRITEBYTECODE=1 XDG_RUNTIME_DIR="$WORK" \
  XDG_CONFIG_HOME="$WORK/config" XDG_CACHE_HOME="$WORK/cache"
unset QT_QPA_PLATFORM
xvfb-run -a -s "-screen 0 1400x900x24" /usr/bin/python3 - <<'PY'
import os
import sys

sys.path.insert(0, os.path.join(os.environ["PROFILE"], "python", "plugins"))
from qgis.core import QgsApplication, QgsProject
from qgis.gui import QgsLayerTreeMapCanvasBridge, QgsLayerTreeView, QgsMapCanvas
from qgis.core import QgsLayerTreeModel
from qgis.PyQt.QtCore import QEventLoop, QSize, Qt, QTimer
from qgis.PyQt.QtGui import QImage
from qgis.PyQt.QtWidgets import QDockWidget, QMainWindow

app = QgsApplication([], True, os.environ["PROFILE"])
app.initQgis()
from anttmap_qgis.core.i18n import install_translator
from anttmap_qgis.ui.panel import AnttmapPanel

translator = install_translator("vi")  # the offices work in Vietnamese
window = QMainWindow()
window.setWindowTitle("QGIS 3.22 — anttmap")
canvas = QgsMapCanvas()
canvas.setCanvasColor(Qt.white)
window.setCentralWidget(canvas)
project = QgsProject.instance()
bridge = QgsLayerTreeMapCanvasBridge(project.layerTreeRoot(), canvas)
model = QgsLayerTreeModel(project.layerTreeRoot())
model.setFlag(QgsLayerTreeModel.AllowNodeChangeVisibility)
tree = QgsLayerTreeView()
tree.setModel(model)
tree_dock = QDockWidget("Lớp / Layers")
tree_dock.setWidget(tree)
window.addDockWidget(Qt.LeftDockWidgetArea, tree_dock)
panel = AnttmapPanel(canvas, project, window)
window.addDockWidget(Qt.RightDockWidgetArea, panel)
window.resize(1400, 900)
window.show()
server = os.environ.get("SERVER_URL")
if server:  # signed in with the editor's key, kept in QGIS' authentication database
    from anttmap_qgis.core.server_key import save_key

    QgsApplication.authManager().setMasterPassword("anttmap-screenshot", True)
    panel.server.setText(server)
    panel.key.setConfigId(save_key(os.environ["SERVER_KEY"], server))
    panel.connect_server(server, 2020)
else:
    panel.connect_store(os.environ["STORE"], 2020)
for name in ("villages", "models", "units"):
    layer = panel.group.underlays.get(name) or panel.group.layers.get(name)
    if layer is not None:
        panel.group.group.findLayer(layer.id()).setItemVisibilityChecked(False)
    if server and name in panel.group.layers:
        panel.group.group.findLayer(panel.group.layers[name].id()).setItemVisibilityChecked(False)
tree.expandAll()
# An edit the core refuses: a vertex of a commune pushed into its neighbour. The findings are listed.
communes = panel.start_editing("communes")
features = {f["code"]: f for f in communes.getFeatures()}
first = features["04846" if server else "04792"]
for second in features.values():
    if second.id() != first.id() and first.geometry().touches(second.geometry()):
        break
inside = second.geometry().pointOnSurface().asPoint()
communes.moveVertex(inside.x(), inside.y(), first.id(), 0)
panel.save_edits()
window.resizeDocks([tree_dock, panel], [300, 430], Qt.Horizontal)
for _ in range(20):  # let the layer tree bridge hand the visible layers to the canvas
    app.processEvents()
for _ in range(2 if server else 1):  # the server's tiles: a second pass draws them from QGIS' tile cache
    loop = QEventLoop()
    canvas.mapCanvasRefreshed.connect(loop.quit)
    QTimer.singleShot(60000, loop.quit)
    canvas.refreshAllLayers()
    loop.exec_()
    canvas.mapCanvasRefreshed.disconnect(loop.quit)
for _ in range(20):
    app.processEvents()
image = window.grab().toImage()
# A palette of the 256 commonest colours keeps the PNG small and the class colours exact.
counts = {}
for y in range(0, image.height(), 2):
    for x in range(0, image.width(), 2):
        rgb = image.pixel(x, y)
        counts[rgb] = counts.get(rgb, 0) + 1
palette = sorted(counts, key=counts.get, reverse=True)[:256]
image = image.convertToFormat(QImage.Format_Indexed8, palette, Qt.ThresholdDither | Qt.AvoidDither)
if not image.save(os.environ["OUTPUT"], "PNG", 9):
    sys.exit("qgis-screenshot: could not write " + os.environ["OUTPUT"])
# The canvas renders no more and its running render finishes before QGIS goes: one destroyed mid-render waits
# for threads that wait on this (main) thread, and the script would never end.
canvas.freeze(True)
communes.rollBack()
panel.disconnect_store()
while canvas.isDrawing():
    app.processEvents()
print(os.environ["OUTPUT"], os.path.getsize(os.environ["OUTPUT"]), "bytes")
PY
