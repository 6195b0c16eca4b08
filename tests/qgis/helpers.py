"""Small helpers: the colour a layer is drawn with at a map point, and the store as the anttmap tool
reports it (audit log, units, statuses, hotspots, clusters) — the tests' oracle, as for any other client."""
import json
import os
import pwd
import subprocess
import time

from qgis.core import QgsApplication, QgsJsonUtils, QgsMapRendererSequentialJob, QgsMapSettings, QgsPointXY, QgsRectangle
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

def settle(canvas, timeout_s=60):
    """Stops `canvas` from starting new renders and serves the main thread's events until the one running has
    finished. Its render threads may wait on the main thread (network replies, the key's request preprocessor);
    a canvas destroyed, or cancelled, while they run waits for them in turn and blocks forever (QGIS 3.22). QGIS
    itself keeps its event loop running; a test has to do it by hand."""
    canvas.freeze(True)
    deadline = time.monotonic() + timeout_s
    while canvas.isDrawing() and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.01)
    assert not canvas.isDrawing(), "the map canvas was still rendering after %d s" % timeout_s


STATUS_FILL = {  # styles/anttmap-styles.json, unit_status
    "not_registered": "#f7f7f7", "registered": "#c6dbef", "proposed": "#4292c6", "recognised": "#08519c",
}


def colour_at(layer, point, half_size=0.002):
    """Renders `layer` around `point` (EPSG:4326) and returns the colour of the centre pixel."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setOutputSize(QSize(41, 41))
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setExtent(QgsRectangle(point.x() - half_size, point.y() - half_size,
                                    point.x() + half_size, point.y() + half_size))
    settings.setFlag(QgsMapSettings.DrawLabeling, False)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    return QColor(job.renderedImage().pixel(20, 20)).name()


def inner_point(feature):
    point = feature.geometry().pointOnSurface().asPoint()
    return QgsPointXY(point.x(), point.y())


def feature_by_code(layer, code):
    features = list(layer.getFeatures("\"code\" = '%s'" % code))
    assert len(features) == 1, (code, len(features))
    return features[0]


# -- the store through the anttmap tool ---------------------------------------------------------------
# The account the tool records for the tests' edits: the OS account they run as (never a typed name).
OS_ACCOUNT = pwd.getpwuid(os.geteuid()).pw_name


def anttmap(db, *args, accept=(0,)):
    """Runs `anttmap --db DB --json ARGS`; returns its JSON document."""
    command = [os.environ["ANTTMAP"], "--db", db, "--json", "--quiet"]
    result = subprocess.run(command + [str(arg) for arg in args], capture_output=True, text=True)
    assert result.returncode in accept, (args, result.returncode, result.stderr)
    return json.loads(result.stdout) if result.stdout.strip() else None


def audit_rows(db, table=None, after_id=0):
    """The audit log's entries after `after_id`, oldest first ({id, at, user, tool, table, operation, key,
    before, after})."""
    args = ["audit", "--after", after_id, "--limit", 100000]
    if table:
        args += ["--table", table]
    return sorted(anttmap(db, *args)["entries"], key=lambda entry: entry["id"])


def lasts_to_the_reform(unit):
    """An exported unit of 2020 whose version runs on until the 2025 reform (or beyond): one version from
    2020 to 2025, not one that changed in 2021."""
    return unit.get("valid_to") in (None, "2025-07-01")


def newest_audit_id(db):
    entries = anttmap(db, "audit", "--limit", 1)["entries"]
    return max((entry["id"] for entry in entries), default=0)


def unit(db, code, year, geometry=False):
    """`anttmap unit show`: the version of `code` valid on 31 December of `year`, its status, hotspot, clusters."""
    return anttmap(db, "unit", "show", code, "--year", year, *(["--geometry"] if geometry else []))


def unit_geometry(db, code, year):
    """The boundary of `code` in `year` as a QgsGeometry."""
    feature = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": unit(db, code, year, geometry=True)["geometry"]}]}
    return QgsJsonUtils.stringToFeatureList(json.dumps(feature))[0].geometry()


def exported_units(db, kind, year, folder):
    """`anttmap export --kind KIND --year Y`: the units valid on 31 December with that year's status."""
    path = os.path.join(str(folder), "%s-%d.geojson" % (kind, year))
    anttmap(db, "export", path, "--kind", kind, "--year", year)
    with open(path, encoding="utf-8") as text:
        return [feature["properties"] for feature in json.load(text)["features"]]



def drawn_pixels(layer, extent, size=256):
    """Renders `layer` over `extent` (in the layer's CRS) on a transparent image with QGIS' parallel renderer,
    as the canvas does; returns the colours of the pixels it drew (alpha > 0)."""
    from qgis.core import QgsMapRendererParallelJob

    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setOutputSize(QSize(size, size))
    settings.setBackgroundColor(QColor(0, 0, 0, 0))
    settings.setExtent(extent)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    colours = (QColor.fromRgba(image.pixel(x, y)) for x in range(image.width()) for y in range(image.height()))
    return [colour for colour in colours if colour.alpha() > 0]
