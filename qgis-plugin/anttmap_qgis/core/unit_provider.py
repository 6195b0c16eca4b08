"""A QGIS vector data provider (key "anttmap") for the layers whose boundaries are edited in QGIS.

It holds one layer of a year's `anttmap layers export` GeoPackage in memory and offers one capability,
changing geometries. QGIS' editing tools, topological editing and snapping work on it as on any layer;
when the edits are committed (the panel's buttons or QGIS' own Save), QGIS hands the changed geometries
to changeGeometryValues(), which gives them to the layer's boundary writer (core/editing.py EditGuard:
`anttmap unit reshape`). A refusal returns False: QGIS then keeps every edit in the layer's edit buffer
and lists the provider's error among the commit errors. Nothing here opens the store.

Without a writer (a layer restored from a project, a clone) the layer is read-only.

Render threads iterate features while the main thread commits: every iterator works on a snapshot, and
a save replaces the provider's feature table instead of changing it in place.
"""
from qgis.core import (Qgis, QgsAbstractFeatureIterator, QgsAbstractFeatureSource, QgsCoordinateReferenceSystem,
                       QgsCoordinateTransform, QgsCsException, QgsDataProvider, QgsFeature, QgsFeatureIterator,
                       QgsFeatureRequest, QgsFields, QgsGeometry, QgsMessageLog, QgsProviderMetadata,
                       QgsProviderRegistry, QgsRectangle, QgsVectorDataProvider, QgsWkbTypes)

from .i18n import tr

PROVIDER_KEY = "anttmap"
_LAYER = "|layername="
_YEAR = "|year="


def layer_uri(geopackage, layer, year):
    """The provider's data source: a table of an export GeoPackage and the year it was exported for."""
    return "%s%s%s%s%d" % (geopackage, _LAYER, layer, _YEAR, int(year))


def parse_uri(uri):
    """(geopackage, layer, year) of a layer_uri()."""
    rest, _, year = uri.partition(_YEAR)
    path, _, layer = rest.partition(_LAYER)
    return path, layer, int(year) if year.isdigit() else None


def register_provider():
    """Makes the provider known to QGIS, once per process (QGIS 3.22 cannot unregister a provider)."""
    registry = QgsProviderRegistry.instance()
    if registry.providerMetadata(PROVIDER_KEY) is None:
        registry.registerProvider(QgsProviderMetadata(PROVIDER_KEY, UnitLayerProvider.DESCRIPTION,
                                                      UnitLayerProvider.create))
    return registry.providerMetadata(PROVIDER_KEY) is not None


class _Snapshot(QgsAbstractFeatureSource):
    """The features as they were when the source was made; owned by QGIS, used on render threads."""

    def __init__(self, provider):
        super().__init__()
        self.features = provider._features  # never changed in place (see UnitLayerProvider.changeGeometryValues)
        self.crs = provider.crs()

    def getFeatures(self, request=QgsFeatureRequest()):  # noqa: N802
        return QgsFeatureIterator(_Iterator(self, request))


def _transform_for(request, source_crs):
    """From the layer's CRS to the request's destination CRS (QgsFeatureRequest.calculateTransform is 3.24+)."""
    destination = request.destinationCrs()
    if not destination.isValid() or destination == source_crs:
        return QgsCoordinateTransform()
    return QgsCoordinateTransform(source_crs, destination, request.transformContext())


class _Iterator(QgsAbstractFeatureIterator):
    """Applies the request's fids, rectangle and destination CRS; the base class applies its expression.

    It keeps the snapshot's feature table, not the request or the source: QGIS may delete those first. An
    exception must not escape into QGIS (it aborts): a failure ends the iteration."""

    def __init__(self, source, request):
        super().__init__(request)
        self._features = source.features
        self._ids = []
        self._position = 0
        self._rectangle = QgsRectangle()
        self._rectangle_geometry = None
        try:
            self._transform = _transform_for(request, source.crs)
            self._rectangle = self.filterRectToSourceCrs(self._transform)
            if not self._rectangle.isNull() and request.flags() & QgsFeatureRequest.ExactIntersect:
                self._rectangle_geometry = QgsGeometry.fromRect(self._rectangle)
            self._ids = self._candidate_ids(request)
        except QgsCsException:  # the rectangle does not exist in the layer's CRS: nothing intersects it
            self._ids = []
        except Exception as error:  # noqa: BLE001 (see above)
            QgsMessageLog.logMessage("anttmap: feature request failed: %s" % error, "anttmap", Qgis.Critical)
            self._ids = []

    def _candidate_ids(self, request):
        if request.filterType() == QgsFeatureRequest.FilterFid:
            ids = [request.filterFid()]
        elif request.filterType() == QgsFeatureRequest.FilterFids:
            ids = sorted(request.filterFids())
        else:
            return list(self._features)
        return [fid for fid in ids if fid in self._features]

    def fetchFeature(self, feature):  # noqa: N802
        try:
            while self._position < len(self._ids):
                stored = self._features[self._ids[self._position]]
                self._position += 1
                geometry = stored.geometry()
                if not self._rectangle.isNull():
                    if geometry.isNull() or not geometry.boundingBox().intersects(self._rectangle):
                        continue
                    if self._rectangle_geometry is not None and not geometry.intersects(self._rectangle_geometry):
                        continue
                feature.setFields(stored.fields())
                feature.setAttributes(stored.attributes())
                feature.setId(stored.id())
                feature.setGeometry(QgsGeometry(geometry))
                feature.setValid(True)
                self.geometryToDestinationCrs(feature, self._transform)
                return True
        except Exception as error:  # noqa: BLE001 (see the class)
            QgsMessageLog.logMessage("anttmap: reading a feature failed: %s" % error, "anttmap", Qgis.Critical)
            self._position = len(self._ids)
        feature.setValid(False)
        return False

    def rewind(self):
        self._position = 0
        return True

    def close(self):
        self._position = len(self._ids)
        return True


class UnitLayerProvider(QgsVectorDataProvider):
    DESCRIPTION = "anttmap units of a year (edits saved through the anttmap core)"

    @classmethod
    def create(cls, uri, options, flags=QgsDataProvider.ReadFlags()):
        return cls(uri, options, flags)

    def __init__(self, uri="", options=QgsDataProvider.ProviderOptions(), flags=QgsDataProvider.ReadFlags()):
        super().__init__(uri, options, flags)
        self._uri = uri
        self.geopackage, self.layer_name, self.year = parse_uri(uri)
        self._writer = None
        self._fields = QgsFields()
        self._wkb_type = QgsWkbTypes.Unknown
        self._crs = QgsCoordinateReferenceSystem()
        self._features = {}
        self._extent = QgsRectangle()
        self._valid = self._load()

    def _load(self):
        """Reads the export's table into memory (the file is closed again: the next export replaces it)."""
        source = QgsProviderRegistry.instance().createProvider("ogr", self.geopackage + _LAYER + self.layer_name)
        if source is None or not source.isValid():
            return False
        self._fields = source.fields()
        self._wkb_type = source.wkbType()
        self._crs = source.crs()
        self._features = {feature.id(): QgsFeature(feature) for feature in source.getFeatures()}
        self._extent = self._extent_of(self._features)
        return True

    @staticmethod
    def _extent_of(features):
        extent = QgsRectangle()
        extent.setMinimal()
        for feature in features.values():
            if feature.hasGeometry():
                extent.combineExtentWith(feature.geometry().boundingBox())
        return extent

    # -- the boundary writer -------------------------------------------------------------------
    def set_writer(self, writer):
        """`writer.save_boundaries(layer_name, year, {code: QgsGeometry})` → (saved, message)."""
        self._writer = writer

    def capabilities(self):
        if self._writer is None:
            return QgsVectorDataProvider.SelectAtId
        return QgsVectorDataProvider.SelectAtId | QgsVectorDataProvider.ChangeGeometries

    def changeGeometryValues(self, geometries):  # noqa: N802
        if self._writer is None:
            self.pushError(tr("This layer is read-only: load it from the anttmap panel to edit boundaries."))
            return False
        code_index = self._fields.indexOf("code")
        version_index = self._fields.indexOf("version")  # a server's copy: the tag each unit was copied at
        edited = {}
        versions = {}
        for fid, geometry in geometries.items():
            feature = self._features.get(fid)
            code = feature.attribute(code_index) if feature is not None and code_index >= 0 else None
            if not code:
                self.pushError(tr("Feature {fid} has no unit code: its boundary cannot be saved.").format(fid=fid))
                return False
            edited[str(code)] = QgsGeometry(geometry)
            if version_index >= 0 and feature.attribute(version_index):
                versions[str(code)] = str(feature.attribute(version_index))
        try:
            if versions:
                saved, message = self._writer.save_boundaries(self.layer_name, self.year, edited, versions)
            else:
                saved, message = self._writer.save_boundaries(self.layer_name, self.year, edited)
        except Exception as error:  # noqa: BLE001 (an exception escaping into QGIS' commit aborts QGIS)
            saved, message = False, str(error)
        if not saved:
            self.pushError(message)
            return False
        # A new table, not an edit of the old one: snapshots held by render threads stay as they were.
        features = dict(self._features)
        new_versions = (getattr(self._writer, "last_result", None) or {}).get("versions") or {}
        for fid, geometry in geometries.items():
            feature = QgsFeature(features[fid])
            feature.setGeometry(QgsGeometry(geometry))
            code = str(feature.attribute(code_index))
            if version_index >= 0 and code in new_versions:  # the next save is checked against the saved copy
                feature.setAttribute(version_index, new_versions[code])
            features[fid] = feature
        self._features = features
        self._extent = self._extent_of(features)
        return True

    # -- QgsVectorDataProvider -------------------------------------------------------------------
    def featureSource(self):  # noqa: N802
        return _Snapshot(self)

    def getFeatures(self, request=QgsFeatureRequest()):  # noqa: N802
        return QgsFeatureIterator(_Iterator(_Snapshot(self), request))

    def fields(self):
        return self._fields

    def wkbType(self):  # noqa: N802
        return self._wkb_type

    def featureCount(self):  # noqa: N802
        return len(self._features)

    def crs(self):
        return self._crs

    def extent(self):
        return QgsRectangle(self._extent)

    def updateExtents(self):  # noqa: N802
        self._extent = self._extent_of(self._features)

    def isValid(self):  # noqa: N802
        return self._valid

    def name(self):
        return PROVIDER_KEY

    def description(self):
        return self.DESCRIPTION

    def storageType(self):  # noqa: N802
        return "anttmap export (in memory)"

    def dataSourceUri(self, expandAuthConfig=False):  # noqa: N802
        return self._uri
