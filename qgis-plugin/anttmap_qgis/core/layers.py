"""The anttmap layer group: the registry's layers of one year, styled with the QML the tool generates.

The layers are the registry's (`anttmap layers --json`, GET /api/layers), one QGIS layer each, in its
drawing order; a layer added to the registry appears here without a change to the plugin.
- Local store: the rows come from `anttmap layers export --year Y` (one GeoPackage per year, the rows the
  map server draws, with their style class, kind, effectiveness...). Editable layers ("editable": communes,
  villages) are drawn by the anttmap data provider (core/unit_provider.py), which saves boundary edits
  through the core; the others are read-only.
- Server: the server's XYZ tiles of the year. For an editor, each editable layer is also the editor's copy
  (GET /api/boundaries, exact boundaries with version tags) drawn by the anttmap data provider as outlines
  over its tiles, edited with QGIS' tools and saved through the server's API.
"""
import os
import shutil
import tempfile
import uuid

from qgis.core import (QgsFillSymbol, QgsMapLayer, QgsProject, QgsRasterLayer, QgsSingleSymbolRenderer,
                       QgsVectorLayer)

from .i18n import interface_language, tr
from .unit_provider import PROVIDER_KEY, UnitLayerProvider, layer_uri, parse_uri, register_provider

PROPERTY_LAYER = "anttmap/layer"
PROPERTY_STORE = "anttmap/store"

# The scale of web-mercator zoom level 0 at QGIS' 0.28 mm pixel (OGC WMTS well-known scale set).
ZOOM_0_SCALE = 559082264.028717
DEEPEST_ZOOM = 22


def layer_title(descriptor, language=None):
    """The registry's title in the interface language (Vietnamese or English), else the other, else its name."""
    language = language or interface_language()
    preferred = ("title_vi", "title_en") if language == "vi" else ("title_en", "title_vi")
    for key in preferred:
        if descriptor.get(key):
            return descriptor[key]
    return descriptor["name"]


def scale_of_zoom(zoom):
    return ZOOM_0_SCALE / (2 ** zoom)


def apply_zoom_range(layer, descriptor):
    """Draws the layer only at the registry's zoom levels, as the web map does (villages from z11...)."""
    first = int(descriptor.get("min_zoom") or 0)
    last = int(descriptor.get("max_zoom") if descriptor.get("max_zoom") is not None else DEEPEST_ZOOM)
    if first <= 0 and last >= DEEPEST_ZOOM:
        layer.setScaleBasedVisibility(False)
        return
    layer.setMinimumScale(scale_of_zoom(first) if first > 0 else 0.0)  # most zoomed out
    layer.setMaximumScale(scale_of_zoom(last + 1) if last < DEEPEST_ZOOM else 0.0)  # most zoomed in
    layer.setScaleBasedVisibility(True)


def export_source(geopackage, name):
    return "%s|layername=%s" % (geopackage, name)


def source_file(layer):
    """The export GeoPackage a layer reads, or None (tiles)."""
    if layer.providerType() == PROVIDER_KEY:
        return parse_uri(layer.source())[0]
    if layer.providerType() == "ogr":
        return layer.source().split("|", 1)[0]
    return None


class LayerGroup:
    """The layers of one store (or server) in the current project, for one year at a time."""

    def __init__(self, backend, project=None, cache_dir=None):
        register_provider()
        self.backend = backend
        self.project = project or QgsProject.instance()
        self.year = None
        self.descriptors = []  # the registry, drawing order (bottom first)
        self.layers = {}  # registry name -> QGIS layer, in the registry's order
        self.underlays = {}  # registry name -> the server's tiles drawn under an editable copy
        self.group = None
        self.boundary_writer = None  # given to the editable layers' providers (core/editing.py EditGuard)
        self._qml = {}
        # Year exports and generated QML; a temporary folder made by load() is removed with the group.
        self.cache_dir = cache_dir
        self._own_cache = cache_dir is None

    @property
    def editable(self):
        """The names of the layers whose boundaries are edited (the registry's "editable")."""
        return [d["name"] for d in self.descriptors if d.get("editable") and d["name"] in self.layers]

    def descriptor(self, name):
        return next((d for d in self.descriptors if d["name"] == name), None)

    # -- building -----------------------------------------------------------------------------
    def load(self, year, feedback=None):
        """Adds the group for `year` to the project (replacing a previous one of this store)."""
        self.remove()
        if self._own_cache:
            self.cache_dir = tempfile.mkdtemp(prefix="anttmap-qgis-")
        self.descriptors = list(self.backend.layers())
        self.year = int(year)
        export = self._export(self.year, feedback)
        self.group = self.project.layerTreeRoot().insertGroup(0, self._group_name())
        # The tree lists the top layer first: the registry's drawing order reversed.
        top_first = list(reversed(self.descriptors))
        made = {}
        for index, descriptor in enumerate(top_first):
            if feedback is not None:
                feedback.setProgress(50.0 + 50.0 * index / len(top_first))
                if feedback.isCanceled():
                    break
            layer = self._make_layer(descriptor, export)
            if layer is None or not layer.isValid():
                continue
            layer.setCustomProperty(PROPERTY_LAYER, descriptor["name"])
            layer.setCustomProperty(PROPERTY_STORE, self.backend.describe())
            self.project.addMapLayer(layer, False)
            self.group.addLayer(layer)
            made[descriptor["name"]] = layer
            if self.backend.draws_tiles and layer.providerType() == PROVIDER_KEY:
                tiles = QgsRasterLayer(self.backend.tile_uri(descriptor["name"], self.year), layer_title(descriptor),
                                       "wms")
                if tiles.isValid():
                    apply_zoom_range(tiles, descriptor)
                    self.project.addMapLayer(tiles, False)
                    self.group.addLayer(tiles)
                    self.underlays[descriptor["name"]] = tiles
        self.layers = {d["name"]: made[d["name"]] for d in self.descriptors if d["name"] in made}
        if feedback is not None:
            feedback.setProgress(100.0)
        return self.layers

    def _group_name(self):
        return "anttmap — %s (%d)" % (os.path.basename(self.backend.describe()), self.year)

    def _export(self, year, feedback=None):
        """The year's rows of every layer in a new GeoPackage (a new name each time: a layer may still hold
        the previous file open, on Windows)."""
        if not self.backend.exports_layers:
            return None
        path = os.path.join(self.cache_dir, "%d-%s.gpkg" % (int(year), uuid.uuid4().hex[:8]))
        self.backend.export_layers(path, year, feedback=feedback)
        return path

    def _make_layer(self, descriptor, export):
        name = descriptor["name"]
        title = layer_title(descriptor)
        if descriptor.get("editable") and export is not None:
            if self.backend.draws_tiles:
                title = tr("{layer} — boundaries to edit").format(layer=title)
            layer = QgsVectorLayer(layer_uri(export, name, self.year), title, PROVIDER_KEY)
            self._give_writer(layer)
        elif self.backend.draws_tiles:
            return QgsRasterLayer(self.backend.tile_uri(name, self.year), title, "wms")
        else:
            layer = QgsVectorLayer(export_source(export, name), title, "ogr")
            layer.setReadOnly(True)
        if layer.isValid():
            self._style(layer, name)
            apply_zoom_range(layer, descriptor)
        return layer

    def _style(self, layer, name):
        if self.backend.draws_tiles:  # an editable copy over the server's tiles: outlines only
            symbol = QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_color": "40,40,40,255",
                                                 "outline_width": "0.4"})
            layer.setRenderer(QgsSingleSymbolRenderer(symbol))
            return
        if name not in self._qml:
            path = os.path.join(self.cache_dir, "%s.qml" % name)
            with open(path, "w", encoding="utf-8") as out:
                out.write(self.backend.styles_qml(name))
            self._qml[name] = path
        layer.loadNamedStyle(self._qml[name], QgsMapLayer.Symbology | QgsMapLayer.Labeling)

    def _give_writer(self, layer):
        provider = layer.dataProvider()
        if isinstance(provider, UnitLayerProvider):
            provider.set_writer(self.boundary_writer)

    def set_boundary_writer(self, writer):
        """Who saves the editable layers' boundary edits (None: they are read-only)."""
        self.boundary_writer = writer
        for name in self.editable:
            self._give_writer(self.layers[name])

    # -- the year selector ----------------------------------------------------------------------
    def editing(self):
        return [name for name, layer in self.layers.items()
                if isinstance(layer, QgsVectorLayer) and layer.isEditable()]

    def set_year(self, year, feedback=None):
        """Shows (and colours) the rows of `year`; refused while a layer of the group is being edited."""
        year = int(year)
        editing = self.editing()
        if editing:
            raise RuntimeError(tr("Save or discard the edits of {layers} before changing the year.").format(
                layers=", ".join(self.layers[name].name() for name in editing)))
        if year == self.year:
            return
        export = self._export(year, feedback)
        self.year = year
        if self.group is not None:
            self.group.setName(self._group_name())
        self._repoint(export, skip=())

    def refresh(self, feedback=None):
        """Exports the year again and redraws: after the unit form saved, or boundaries were saved. A layer
        being edited keeps its rows (and its edits) until it is saved or discarded."""
        if not self.layers:
            return
        self._repoint(self._export(self.year, feedback), skip=set(self.editing()))

    refresh_status = refresh

    def _repoint(self, export, skip):
        for name, tiles in self.underlays.items():
            tiles.setDataSource(self.backend.tile_uri(name, self.year), tiles.name(), "wms")
            tiles.triggerRepaint()
        for name, layer in self.layers.items():
            if name in skip:
                continue
            if layer.providerType() == PROVIDER_KEY and export is not None:
                layer.setDataSource(layer_uri(export, name, self.year), layer.name(), PROVIDER_KEY)
                self._give_writer(layer)
            elif self.backend.draws_tiles:
                layer.setDataSource(self.backend.tile_uri(name, self.year), layer.name(), "wms")
            else:
                layer.setDataSource(export_source(export, name), layer.name(), "ogr")
            layer.triggerRepaint()
        self._remove_unused_exports()

    def _remove_unused_exports(self):
        if not self.cache_dir:
            return
        used = {source_file(layer) for layer in self.layers.values()}
        for entry in os.listdir(self.cache_dir):
            path = os.path.join(self.cache_dir, entry)
            if entry.endswith(".gpkg") and path not in used:
                try:
                    os.unlink(path)
                except OSError:  # still open (Windows): removed with the cache folder
                    pass

    def remove(self):
        """Takes the group out of the project (what the user already removed by hand is skipped)."""
        for layer in list(self.layers.values()) + list(self.underlays.values()):
            try:
                if self.project.mapLayer(layer.id()) is not None:
                    self.project.removeMapLayer(layer.id())
            except RuntimeError:  # deleted with the project
                pass
        self.layers = {}
        self.underlays = {}
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
        """The registry name of a QGIS layer of this group, or None."""
        for name, candidate in self.layers.items():
            if candidate is layer or (layer is not None and candidate.id() == layer.id()):
                return name
        return None
