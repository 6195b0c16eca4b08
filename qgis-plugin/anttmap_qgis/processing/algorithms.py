"""The algorithms. Each takes the store path as DATABASE and runs the anttmap tool on it."""
from qgis.core import (QgsFeature, QgsFeatureSink, QgsField, QgsFields, QgsGeometry, QgsGeometryCollection, QgsProcessing,
                       QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingOutputNumber,
                       QgsProcessingParameterBoolean, QgsProcessingParameterCrs, QgsProcessingParameterEnum,
                       QgsProcessingParameterFeatureSink, QgsProcessingParameterFile,
                       QgsProcessingParameterFileDestination, QgsProcessingParameterNumber,
                       QgsProcessingParameterString, QgsCoordinateReferenceSystem, QgsWkbTypes)
from qgis.PyQt.QtCore import QVariant

from ..core import settings
from ..core.backend import BackendError, CliBackend, HttpBackend
from ..core.i18n import tr

KINDS = ["province", "district", "commune", "village", "agency", "enterprise", "school", "cluster"]
ENCODINGS = ["auto", "utf-8", "tcvn3", "vni", "cp1258"]
# VN-2000 presets offered next to any CRS (the tool accepts any PROJ definition too).
VN2000 = [("", ""), ("EPSG:4756", "VN-2000 geographic"), ("EPSG:3405", "VN-2000 / UTM zone 48N"),
          ("EPSG:3406", "VN-2000 / UTM zone 49N"), ("EPSG:9211", "VN-2000 / TM-3 106° (Hòa Bình, Hà Nội…)"),
          ("EPSG:9210", "VN-2000 / TM-3 105°30'"), ("EPSG:9212", "VN-2000 / TM-3 107°")]


def as_collection(geometry):
    """Findings are points, lines or areas: the sink holds them all as geometry collections."""
    if QgsWkbTypes.flatType(geometry.wkbType()) == QgsWkbTypes.GeometryCollection:
        return geometry
    collection = QgsGeometryCollection()
    collection.addGeometry(geometry.constGet().clone())
    return QgsGeometry(collection)


def _backend(algorithm, parameters, context):
    server = parameters.get("SERVER") and algorithm.parameterAsString(parameters, "SERVER", context).strip()
    if server:  # a server: writes go as the key set in the panel
        if not server.startswith(("http://", "https://")):
            raise QgsProcessingException(tr("SERVER: give the server's address, http://… or https://…"))
        return HttpBackend(server, settings.server_authcfg() or None)
    path = algorithm.parameterAsFile(parameters, "DATABASE", context)
    if not path:
        raise QgsProcessingException(tr("DATABASE: give the anttmap store (a SpatiaLite file or postgresql://…) or a "
                                        "server's address."))
    try:
        return CliBackend(path, settings.binary_setting() or None)
    except Exception as error:  # the tool is missing: say so in both languages
        raise QgsProcessingException(str(error))


class _Base(QgsProcessingAlgorithm):
    def group(self):
        return tr("ANTT store")

    def groupId(self):
        return "store"

    def createInstance(self):
        return type(self)()

    def _database(self, optional=False):
        # No editor's name: the audit records the OS account the tool runs as.
        self.addParameter(QgsProcessingParameterFile(
            "DATABASE", tr("anttmap store (SpatiaLite file, or postgresql://…)"),
            fileFilter="SpatiaLite (*.sqlite *.db *.sqlite3);;All files (*)",
            optional=optional))

    def _run(self, call, feedback):
        try:
            return call()
        except BackendError as error:
            raise QgsProcessingException(str(error))


class ImportAlgorithm(_Base):
    def name(self):
        return "import"

    def displayName(self):
        return tr("Import units")

    def shortHelpString(self):
        return tr("Imports units from any GDAL vector file (Shapefile, GeoPackage, GeoJSON, KML, MapInfo, CSV) into "
                  "the store, all or nothing. VN-2000 files without a usable .prj: choose the source CRS. Old "
                  "TCVN3 (ABC), VNI or CP1258 attribute text is recognised automatically or as chosen.")

    def initAlgorithm(self, config=None):
        self._database()
        self.addParameter(QgsProcessingParameterFile("INPUT", tr("File to import")))
        self.addParameter(QgsProcessingParameterEnum("KIND", tr("Kind of unit"), options=KINDS, defaultValue=2))
        self.addParameter(QgsProcessingParameterEnum(
            "VN2000", tr("Source CRS (VN-2000 preset)"), options=[label or tr("From the file") for _, label in VN2000],
            defaultValue=0))
        self.addParameter(QgsProcessingParameterCrs("SOURCE_CRS", tr("Source CRS (any other)"), optional=True))
        self.addParameter(QgsProcessingParameterEnum("ENCODING", tr("Text encoding"), options=ENCODINGS,
                                                     defaultValue=0))
        self.addParameter(QgsProcessingParameterString("VALID_FROM", tr("Valid from (YYYY-MM-DD)"), optional=True))
        self.addParameter(QgsProcessingParameterString("LAYER", tr("Layer of a multi-layer file"), optional=True))
        self.addParameter(QgsProcessingParameterString("CODE_FIELD", tr("Code field"), optional=True))
        self.addParameter(QgsProcessingParameterString("NAME_FIELD", tr("Name field"), optional=True))
        self.addParameter(QgsProcessingParameterString("PARENT_FIELD", tr("Parent code field"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean("REPLACE", tr("Replace overlapping versions"),
                                                        defaultValue=False))
        self.addOutput(QgsProcessingOutputNumber("IMPORTED", tr("Units imported")))

    def processAlgorithm(self, parameters, context, feedback):
        backend = _backend(self, parameters, context)
        source_srs = VN2000[self.parameterAsEnum(parameters, "VN2000", context)][0]
        crs = self.parameterAsCrs(parameters, "SOURCE_CRS", context)
        if not source_srs and crs.isValid():
            source_srs = crs.authid() or crs.toWkt()
        kind = KINDS[self.parameterAsEnum(parameters, "KIND", context)]
        feedback.pushInfo(tr("Importing {file} as {kind}…").format(
            file=self.parameterAsFile(parameters, "INPUT", context), kind=kind))
        feedback.setProgress(5)
        result = self._run(lambda: backend.import_file(
            self.parameterAsFile(parameters, "INPUT", context), kind, source_srs or None,
            ENCODINGS[self.parameterAsEnum(parameters, "ENCODING", context)],
            self.parameterAsString(parameters, "VALID_FROM", context) or None, None,
            self.parameterAsBool(parameters, "REPLACE", context),
            self.parameterAsString(parameters, "LAYER", context) or None,
            {"code-field": self.parameterAsString(parameters, "CODE_FIELD", context),
             "name-field": self.parameterAsString(parameters, "NAME_FIELD", context),
             "parent-field": self.parameterAsString(parameters, "PARENT_FIELD", context)}, feedback), feedback)
        for warning in result.get("warnings", []):
            feedback.pushWarning(warning)
        feedback.setProgress(100)
        imported = result.get("imported", result.get("clusters", 0))
        feedback.pushInfo(tr("Imported {count} (encoding {encoding}).").format(
            count=imported, encoding=result.get("encoding", "")))
        return {"IMPORTED": imported}


class ValidateAlgorithm(_Base):
    def name(self):
        return "validate"

    def displayName(self):
        return tr("Validate the store")

    def shortHelpString(self):
        return tr("Geometry, topology and status rules of the units of a year (0: today's units). The findings "
                  "become a layer with severity, problem, units and message, drawn where each problem is.")

    def initAlgorithm(self, config=None):
        self._database()
        self.addParameter(QgsProcessingParameterNumber("YEAR", tr("Year (0: today's units)"), defaultValue=0,
                                                       minValue=0, maxValue=2100))
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", tr("Findings"), QgsProcessing.TypeVector))
        self.addOutput(QgsProcessingOutputNumber("ERRORS", tr("Errors")))
        self.addOutput(QgsProcessingOutputNumber("WARNINGS", tr("Warnings")))

    def processAlgorithm(self, parameters, context, feedback):
        backend = _backend(self, parameters, context)
        year = self.parameterAsInt(parameters, "YEAR", context) or None
        feedback.setProgress(5)
        report = self._run(lambda: backend.validate(None, year, feedback), feedback)
        feedback.setProgress(80)
        fields = QgsFields()
        for name in ("severity", "problem", "units", "message"):
            fields.append(QgsField(name, QVariant.String))
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, fields, QgsWkbTypes.GeometryCollection,
                                          QgsCoordinateReferenceSystem("EPSG:4326"))
        for finding in report.get("findings", []):
            feature = QgsFeature(fields)
            feature.setAttributes([finding.get("severity"), finding.get("problem"),
                                   ",".join(finding.get("units", [])), finding.get("message")])
            if finding.get("where"):
                geometry = QgsGeometry.fromWkt(finding["where"])
                if not geometry.isNull():
                    feature.setGeometry(as_collection(geometry))
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
        feedback.pushInfo(tr("{errors} error(s), {warnings} warning(s)").format(
            errors=report.get("errors", 0), warnings=report.get("warnings", 0)))
        feedback.setProgress(100)
        return {"OUTPUT": dest, "ERRORS": report.get("errors", 0), "WARNINGS": report.get("warnings", 0)}


class StatsAlgorithm(_Base):
    def name(self):
        return "stats"

    def displayName(self):
        return tr("Statistics per district")

    def shortHelpString(self):
        return tr("Units valid on 31 December of the year per district and for the province: total, registered, "
                  "proposed, recognised and the share recognised against the programme's targets (over 70 % from "
                  "2015, over 90 % from 2020). All kinds of unit are pooled.")

    def initAlgorithm(self, config=None):
        self._database()
        self.addParameter(QgsProcessingParameterNumber("YEAR", tr("Year"), defaultValue=2020, minValue=1990,
                                                       maxValue=2100))
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", tr("Statistics"),
                                                            QgsProcessing.TypeVector))

    FIELDS = [("code", QVariant.String), ("name", QVariant.String), ("level", QVariant.String),
              ("year", QVariant.Int), ("total", QVariant.Int), ("with_status", QVariant.Int),
              ("registered", QVariant.Int), ("proposed", QVariant.Int), ("recognised", QVariant.Int),
              ("share", QVariant.Double), ("target", QVariant.Double), ("meets_target", QVariant.Bool)]

    def processAlgorithm(self, parameters, context, feedback):
        backend = _backend(self, parameters, context)
        year = self.parameterAsInt(parameters, "YEAR", context)
        feedback.setProgress(5)
        stats = self._run(lambda: backend.stats(year, feedback), feedback)
        feedback.setProgress(80)
        fields = QgsFields()
        for name, kind in self.FIELDS:
            fields.append(QgsField(name, kind))
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, fields, QgsWkbTypes.NoGeometry,
                                          QgsCoordinateReferenceSystem())
        rows = [(area, "district") for area in stats.get("districts", [])]
        if stats.get("province"):
            rows.append((stats["province"], "province"))
        for area, level in rows:
            pooled = area.get("pooled", area)
            feature = QgsFeature(fields)
            feature.setAttributes([area.get("code"), area.get("name"), level, stats.get("year", year),
                                   pooled.get("total"), pooled.get("with_status"), pooled.get("registered"),
                                   pooled.get("proposed"), pooled.get("recognised"), pooled.get("share_recognised"),
                                   area.get("target"), area.get("meets_target")])
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
        feedback.setProgress(100)
        return {"OUTPUT": dest}


class ExportAlgorithm(_Base):
    def name(self):
        return "export"

    def displayName(self):
        return tr("Export units with their status")

    def shortHelpString(self):
        return tr("Writes the units of a kind valid on 31 December of the year, with that year's status, to "
                  ".gpkg, .geojson, .shp, .kml, .csv or .xlsx; choose a target CRS such as VN-2000 for deliveries.")

    def initAlgorithm(self, config=None):
        self._database()
        self.addParameter(QgsProcessingParameterEnum("KIND", tr("Kind of unit"), options=KINDS, defaultValue=2))
        self.addParameter(QgsProcessingParameterNumber("YEAR", tr("Year (0: today's units)"), defaultValue=0,
                                                       minValue=0, maxValue=2100))
        self.addParameter(QgsProcessingParameterCrs("TARGET_CRS", tr("Target CRS"), optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", tr("Output file"),
            fileFilter="GeoPackage (*.gpkg);;GeoJSON (*.geojson);;ESRI Shapefile (*.shp);;KML (*.kml);;"
                       "CSV (*.csv);;Excel (*.xlsx)"))
        self.addOutput(QgsProcessingOutputNumber("FEATURES", tr("Features written")))

    def processAlgorithm(self, parameters, context, feedback):
        backend = _backend(self, parameters, context)
        path = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        crs = self.parameterAsCrs(parameters, "TARGET_CRS", context)
        feedback.setProgress(5)
        result = self._run(lambda: backend.export(
            path, KINDS[self.parameterAsEnum(parameters, "KIND", context)],
            self.parameterAsInt(parameters, "YEAR", context) or None,
            (crs.authid() or crs.toWkt()) if crs.isValid() else None, feedback), feedback)
        feedback.setProgress(100)
        for file in result.get("files", []):
            feedback.pushInfo(tr("Wrote {file}").format(file=file))
        return {"OUTPUT": path, "FEATURES": result.get("features", 0)}


LINEAGE_KINDS = ["merge", "split", "rename", "reclassify", "transfer", "abolish", "create"]


class LineageAlgorithm(_Base):
    """A merge or split (and the other changes in time) recorded as a lineage event, not as hand-edited
    polygons: the old versions end the day before the date, the new ones start on it, children follow."""

    def name(self):
        return "lineage"

    def displayName(self):
        return tr("Record a merge, split or other change of units")

    def shortHelpString(self):
        return tr("Ends the units' versions the day before DATE and starts the new ones on it, under the legal "
                  "decision, in one audited transaction; villages and facilities of a unit that ends move to the "
                  "successor that holds them. A merge takes the merged codes and INTO (the new or kept code); a "
                  "split and a creation take the new units' file; a rename NAME, a reclassification SUBTYPE, a "
                  "transfer PARENT. With SERVER (http://…) instead of DATABASE the change is recorded by the server "
                  "for the key set in the panel (an editor inside their scope).")

    def initAlgorithm(self, config=None):
        self._database(optional=True)
        self.addParameter(QgsProcessingParameterString(
            "SERVER", tr("or an anttmap server's address (the key set in the panel records it)"), optional=True))
        self.addParameter(QgsProcessingParameterEnum("KIND", tr("Change"), options=LINEAGE_KINDS, defaultValue=0))
        self.addParameter(QgsProcessingParameterString("CODES", tr("Codes of the units it changes, comma-separated"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterString("DATE", tr("Effective date (YYYY-MM-DD)")))
        self.addParameter(QgsProcessingParameterString("DECISION", tr("Legal decision, e.g. 830/NQ-UBTVQH14")))
        self.addParameter(QgsProcessingParameterString("INTO", tr("Merge: the merged unit's code"), optional=True))
        self.addParameter(QgsProcessingParameterString("NAME", tr("New name"), optional=True))
        self.addParameter(QgsProcessingParameterString("SUBTYPE", tr("New type (xa, phuong, thi_tran)"), optional=True))
        self.addParameter(QgsProcessingParameterString("PARENT", tr("New parent code"), optional=True))
        self.addParameter(QgsProcessingParameterFile("UNITS", tr("Split, creation: the new units' file"), optional=True))
        self.addParameter(QgsProcessingParameterString("NOTE", tr("Note"), optional=True))
        self.addOutput(QgsProcessingOutputNumber("EVENT", tr("Lineage event")))

    def processAlgorithm(self, parameters, context, feedback):
        backend = _backend(self, parameters, context)
        codes = [code.strip() for code in self.parameterAsString(parameters, "CODES", context).split(",")
                 if code.strip()]
        value = lambda name: self.parameterAsString(parameters, name, context) or None  # noqa: E731
        try:
            result = self._run(lambda: backend.record_lineage(
                LINEAGE_KINDS[self.parameterAsEnum(parameters, "KIND", context)], codes, value("DATE"),
                value("DECISION"), into=value("INTO"), name=value("NAME"), subtype=value("SUBTYPE"),
                parent=value("PARENT"), units=self.parameterAsFile(parameters, "UNITS", context) or None,
                note=value("NOTE"), feedback=feedback), feedback)
        finally:
            backend.close()
        for move in result.get("moved", []):
            feedback.pushInfo(move)
        feedback.pushInfo(tr("Ended {closed}; started {opened}.").format(
            closed=", ".join(result.get("closed", [])), opened=", ".join(result.get("opened", []))))
        return {"EVENT": result.get("event_id", 0)}
