"""Small helpers: the colour a layer is drawn with at a map point, audit rows, unit geometry."""
import sqlite3

from qgis.core import QgsMapRendererSequentialJob, QgsMapSettings, QgsPointXY, QgsRectangle
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

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


def audit_rows(db, table, after_id=0):
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(
            "SELECT * FROM audit_log WHERE table_name = ? AND id > ? ORDER BY id", (table, after_id))]


def newest_audit_id(db):
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT COALESCE(max(id), 0) FROM audit_log").fetchone()[0]


def scalar(db, sql, *args):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, args).fetchone()[0]
