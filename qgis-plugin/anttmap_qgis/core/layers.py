"""The anttmap layer group: the store's units of a year, styled with the QML the tool generates.

Each layer carries the attributes the generated QML classifies on (`class`, and `kind`/`effective` for
point symbols), computed the way the map server's render file computes them (gis/src/mapdata):
- communes, villages: the store's `unit` table through GDAL (editable), the year's current status row
  joined from `unit_status`, `class` = that status or `no_data`;
- districts: the pooled share recognised of `anttmap stats --year Y` joined by code, graded like the
  server (`district_share`: over 90 %, over 70 %, else below 70; no status: `no_data`);
- units (agencies, enterprises, schools): one point per unit (its point on surface), read-only;
- hotspots: communes with a designation in force during the year; clusters: `anttmap export --kind cluster`;
- models: the `model` table with the year's effectiveness joined.
"Units of year Y" are the versions valid on 31 December of Y (README, time rules).
"""
import os
import shutil
import tempfile
import uuid

from qgis.core import (QgsFeature, QgsField, QgsGeometry, QgsMapLayer, QgsProject,
                       QgsRasterLayer, QgsVectorLayer, QgsVectorLayerJoinInfo)
from qgis.PyQt.QtCore import QVariant

from .i18n import tr

PROPERTY_LAYER = "anttmap/layer"
PROPERTY_STORE = "anttmap/store"
PROPERTY_HELPER = "anttmap/helper"

# Top to bottom in the layer tree.
LAYER_ORDER = ["models", "units", "hotspots", "clusters", "villages", "communes", "districts"]
EDITABLE_LAYERS = {"communes", "villages"}
UNIT_KINDS = {"districts": ["district"], "communes": ["commune"], "villages": ["village"],
              "units": ["agency", "enterprise", "school"]}


def layer_title(name):
    titles = {
        "districts": tr("Districts: share of units recognised"),
        "communes": tr("Communes by ANTT status"),
        "villages": tr("Residential areas by ANTT status"),
        "units": tr("Agencies, enterprises and schools"),
        "hotspots": tr("Key hotspot communes"),
        "clusters": tr("Border-area security clusters"),
        "models": tr("Self-management models"),
    }
    return titles[name]


def district_class(share, with_status, total):
    """The district_share class of a pooled share (render_store.cpp district_class)."""
    if not with_status or not total or share is None:
        return "no_data"
    if share > 90.0:
        return "above_90"
    if share > 70.0:
        return "above_70"
    return "below_70"


def year_end(year):
    return "%04d-12-31" % int(year)


def valid_in(year):
    end = year_end(year)
    return "valid_from <= '%s' AND COALESCE(valid_to, '9999-12-31') > '%s'" % (end, end)


def kinds_filter(kinds):
    return "kind IN (%s)" % ", ".join("'%s'" % kind for kind in kinds)


def unit_subset(name, year):
    return "%s AND %s" % (kinds_filter(UNIT_KINDS[name]), valid_in(year))


def hotspot_subset(year):
    return ("%s AND code IN (SELECT commune_code FROM hotspot WHERE valid_from <= '%s' "
            "AND COALESCE(valid_to, '9999-12-31') > '%04d-01-01')" % (unit_subset("communes", year), year_end(year),
                                                                        int(year)))


def status_subset(year):
    return "id IN (SELECT max(id) FROM unit_status WHERE year = %d GROUP BY unit_code)" % int(year)


def ogr_source(db_path, table, subset=None, geometry_type=None):
    source = "%s|layername=%s" % (db_path, table)
    if geometry_type:
        source += "|geometrytype=" + geometry_type
    if subset:
        source += "|subset=" + subset
    return source


class LayerGroup:
    """The layers of one store in the current project, for one year at a time."""

    def __init__(self, backend, project=None, cache_dir=None):
        self.backend = backend
        self.project = project or QgsProject.instance()
        self.year = None
        self.layers = {}
        self.helpers = {}
        self.group = None
        self._qml = {}
        # Generated QML and cluster exports; a temporary folder made by load() is removed with the group.
        self.cache_dir = cache_dir
        self._own_cache = cache_dir is None

    @property
    def db_path(self):
        return getattr(self.backend, "db_path", None)

    # -- building -----------------------------------------------------------------------------
    def load(self, year, feedback=None):
        """Adds the group for `year` to the project (replacing a previous one of this store)."""
        self.remove()
        if self._own_cache:
            self.cache_dir = tempfile.mkdtemp(prefix="anttmap-qgis-")
        self.year = int(year)
        root = self.project.layerTreeRoot()
        self.group = root.insertGroup(0, "anttmap — %s (%d)" % (os.path.basename(self.backend.describe()), self.year))
        names = LAYER_ORDER
        for index, name in enumerate(names):
            if feedback is not None:
                feedback.setProgress(100.0 * index / len(names))
                if feedback.isCanceled():
                    break
            layer = self._make_layer(name)
            if layer is None or not layer.isValid():
                continue
            layer.setCustomProperty(PROPERTY_LAYER, name)
            layer.setCustomProperty(PROPERTY_STORE, self.backend.describe())
            self.project.addMapLayer(layer, False)
            self.group.addLayer(layer)
            self.layers[name] = layer
        if "villages" in self.layers:  # many small polygons: open the group with them hidden
            node = self.group.findLayer(self.layers["villages"].id())
            if node is not None:
                node.setItemVisibilityChecked(False)
        if feedback is not None:
            feedback.setProgress(100.0)
        return self.layers

    def _make_layer(self, name):
        if self.backend.read_only:
            return QgsRasterLayer(self.backend.tile_uri(name, self.year), layer_title(name), "wms")
        maker = {"districts": self._districts, "communes": self._status_polygons, "villages": self._status_polygons,
                 "units": self._units, "hotspots": self._hotspots, "clusters": self._clusters,
                 "models": self._models}[name]
        layer = maker(name)
        if layer is not None and layer.isValid():
            self._style(layer, name)
        return layer

    def _style(self, layer, name):
        if name not in self._qml:
            path = os.path.join(self.cache_dir, "%s.qml" % name)
            with open(path, "w", encoding="utf-8") as out:
                out.write(self.backend.styles_qml(name))
            self._qml[name] = path
        # Symbology and labels only: the QML must not drop the `class` field added below.
        layer.loadNamedStyle(self._qml[name], QgsMapLayer.Symbology | QgsMapLayer.Labeling)
        self._add_class_fields(layer, name)

    def _add_class_fields(self, layer, name):
        expressions = {
            "communes": "coalesce(\"y_status\", 'no_data')",
            "villages": "coalesce(\"y_status\", 'no_data')",
            "districts": "coalesce(\"d_class\", 'no_data')",
            "hotspots": "'hotspot'",
            "clusters": "'cluster'",
            "models": "\"type\"",
        }
        if name in expressions and layer.fields().indexOf("class") < 0:
            layer.addExpressionField(expressions[name], QgsField("class", QVariant.String))
        if name == "models" and layer.fields().indexOf("effective") < 0:
            layer.addExpressionField("coalesce(\"y_effective\", 0)", QgsField("effective", QVariant.Int))

    def _helper(self, key, source, title):
        """A table layer (no geometry) used for joins; in the project, not in the layer tree."""
        old = self.helpers.get(key)
        if old is not None:
            old.setSubsetString(source.split("|subset=", 1)[1] if "|subset=" in source else "")
            return old
        layer = QgsVectorLayer(source, title, "ogr")
        layer.setCustomProperty(PROPERTY_HELPER, key)
        self.project.addMapLayer(layer, False)
        self.helpers[key] = layer
        return layer

    def _join(self, layer, helper, join_field, target_field, prefix, fields):
        info = QgsVectorLayerJoinInfo()
        info.setJoinLayer(helper)
        info.setJoinFieldName(join_field)
        info.setTargetFieldName(target_field)
        info.setPrefix(prefix)
        info.setJoinFieldNamesSubset(fields)
        info.setUsingMemoryCache(False)  # a status change shows at once
        info.setEditable(False)
        layer.addJoin(info)

    def _status_helper(self):
        return self._helper("status", ogr_source(self.db_path, "unit_status", status_subset(self.year)),
                            "anttmap unit_status %d" % self.year)

    def _status_polygons(self, name):
        layer = QgsVectorLayer(ogr_source(self.db_path, "unit", unit_subset(name, self.year), "MultiPolygon"),
                               layer_title(name), "ogr")
        if layer.isValid():
            self._join(layer, self._status_helper(), "unit_code", "code", "y_",
                       ["status", "decision_number", "decision_date", "authority"])
        return layer

    def _district_stats(self):
        stats = self.backend.stats(self.year)
        table = self.helpers.get("districts")
        if table is None:
            table = QgsVectorLayer("None?field=code:string&field=class:string&field=share:double"
                                   "&field=recognised:integer&field=total:integer", "anttmap district stats", "memory")
            table.setCustomProperty(PROPERTY_HELPER, "districts")
            self.project.addMapLayer(table, False)
            self.helpers["districts"] = table
        provider = table.dataProvider()
        provider.truncate()
        features = []
        for district in stats.get("districts", []):
            pooled = district.get("pooled", {})
            feature = QgsFeature(table.fields())
            feature.setAttributes([district["code"],
                                   district_class(pooled.get("share_recognised"), pooled.get("with_status"),
                                                  pooled.get("total")),
                                   pooled.get("share_recognised"), pooled.get("recognised"), pooled.get("total")])
            features.append(feature)
        provider.addFeatures(features)
        table.triggerRepaint()
        return table

    def _districts(self, name):
        layer = QgsVectorLayer(ogr_source(self.db_path, "unit", unit_subset(name, self.year), "MultiPolygon"),
                               layer_title(name), "ogr")
        if layer.isValid():
            self._join(layer, self._district_stats(), "code", "code", "d_", ["class", "share", "recognised", "total"])
            layer.setReadOnly(True)
        return layer

    def _hotspots(self, name):
        layer = QgsVectorLayer(ogr_source(self.db_path, "unit", hotspot_subset(self.year), "MultiPolygon"),
                               layer_title(name), "ogr")
        layer.setReadOnly(True)
        return layer

    def _clusters(self, name):
        # A new file each time: the previous layer may still hold its file open (Windows).
        path = os.path.join(self.cache_dir, "clusters-%d-%s.gpkg" % (self.year, uuid.uuid4().hex[:8]))
        result = self.backend.export_clusters(path, self.year)
        if not result or not result.get("features"):
            return None
        layer = QgsVectorLayer(path, layer_title(name), "ogr")
        layer.setReadOnly(True)
        return layer

    def _models(self, name):
        layer = QgsVectorLayer(ogr_source(self.db_path, "model", "founded IS NULL OR founded <= '%s'"
                                          % year_end(self.year)), layer_title(name), "ogr")
        if layer.isValid():
            helper = self._helper("model_year", ogr_source(self.db_path, "model_year", "year = %d" % self.year),
                                  "anttmap model_year %d" % self.year)
            self._join(layer, helper, "model_id", "id", "y_", ["effective"])
        return layer

    def _units(self, name):
        source = QgsVectorLayer(ogr_source(self.db_path, "unit", unit_subset(name, self.year)), "units", "ogr")
        statuses = {}
        for feature in self._status_helper().getFeatures():
            statuses[feature["unit_code"]] = feature["status"]
        layer = QgsVectorLayer("Point?crs=EPSG:4326&field=code:string&field=name:string&field=kind:string"
                               "&field=parent_code:string&field=class:string", layer_title(name), "memory")
        features = []
        for unit in source.getFeatures():
            geometry = unit.geometry()
            if geometry is None or geometry.isEmpty():
                continue
            point = geometry if geometry.type() == 0 else geometry.pointOnSurface()
            feature = QgsFeature(layer.fields())
            feature.setGeometry(QgsGeometry(point))
            feature.setAttributes([unit["code"], unit["name"], unit["kind"], unit["parent_code"],
                                   statuses.get(unit["code"]) or "no_data"])
            features.append(feature)
        layer.dataProvider().addFeatures(features)
        layer.updateExtents()
        layer.setReadOnly(True)
        return layer

    # -- the year selector ----------------------------------------------------------------------
    def set_year(self, year):
        """Shows (and colours) the units of `year`; refused while a layer of the group is being edited."""
        year = int(year)
        editing = [name for name, layer in self.layers.items()
                   if isinstance(layer, QgsVectorLayer) and layer.isEditable()]
        if editing:
            raise RuntimeError(tr("Save or discard the edits of {layers} before changing the year.").format(
                layers=", ".join(editing)))
        if year == self.year:
            return
        self.year = year
        if self.group is not None:
            self.group.setName("anttmap — %s (%d)" % (os.path.basename(self.backend.describe()), year))
        if self.backend.read_only:
            for name, layer in self.layers.items():
                layer.setDataSource(self.backend.tile_uri(name, year), layer.name(), "wms")
            return
        self._status_helper()
        if "model_year" in self.helpers:
            self.helpers["model_year"].setSubsetString("year = %d" % year)
        for name, layer in list(self.layers.items()):
            if name in ("communes", "villages", "districts"):
                if name == "districts":
                    self._district_stats()
                layer.setSubsetString(unit_subset(name, year))
            elif name == "hotspots":
                layer.setSubsetString(hotspot_subset(year))
            elif name == "models":
                layer.setSubsetString("founded IS NULL OR founded <= '%s'" % year_end(year))
            elif name in ("units", "clusters"):
                continue  # rebuilt below
            layer.triggerRepaint()
        for name in ("units", "clusters"):
            self._replace(name)

    def _replace(self, name):
        """Rebuilds a derived layer (units, clusters) in its place in the tree; drops it when the year has
        nothing to show (e.g. no cluster)."""
        old = self.layers.pop(name, None)
        visible = True
        if old is not None:
            node = self.group.findLayer(old.id())
            visible = node is None or node.itemVisibilityChecked()
            self.project.removeMapLayer(old.id())
        layer = self._make_layer(name)
        if layer is None or not layer.isValid():
            return
        layer.setCustomProperty(PROPERTY_LAYER, name)
        layer.setCustomProperty(PROPERTY_STORE, self.backend.describe())
        self.project.addMapLayer(layer, False)
        above = [other for other in LAYER_ORDER[:LAYER_ORDER.index(name)] if other in self.layers]
        self.group.insertLayer(len(above), layer)
        self.group.findLayer(layer.id()).setItemVisibilityChecked(visible)
        self.layers[name] = layer

    def refresh_status(self):
        """Redraws after the unit form saved (status, hotspot, clusters): the layers read the store again."""
        if self.backend.read_only:
            for layer in self.layers.values():
                layer.triggerRepaint()
            return
        helper = self.helpers.get("status")
        if helper is not None:
            helper.dataProvider().reloadData()
        if "districts" in self.layers:
            self._district_stats()
        for name in ("units", "clusters"):
            if name in self.layers:
                self._replace(name)
        for name in ("hotspots", "models"):
            if name in self.layers:
                self.layers[name].dataProvider().reloadData()
        for layer in self.layers.values():
            layer.triggerRepaint()

    def remove(self):
        """Takes the group out of the project (what the user already removed by hand is skipped)."""
        for layer in list(self.layers.values()) + list(self.helpers.values()):
            try:
                if self.project.mapLayer(layer.id()) is not None:
                    self.project.removeMapLayer(layer.id())
            except RuntimeError:  # deleted with the project
                pass
        self.layers = {}
        self.helpers = {}
        if self.group is not None:
            try:
                parent = self.group.parent()
                if parent is not None:
                    parent.removeChildNode(self.group)
            except RuntimeError:
                pass
        self.group = None
        self._qml = {}
        if self._own_cache and self.cache_dir:
            shutil.rmtree(self.cache_dir, ignore_errors=True)
            self.cache_dir = None

    def layer_of(self, layer):
        """The anttmap name of a QGIS layer of this group, or None."""
        for name, candidate in self.layers.items():
            if candidate is layer or (layer is not None and candidate.id() == layer.id()):
                return name
        return None
