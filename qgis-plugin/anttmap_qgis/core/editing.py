"""Checking boundary edits with the core's validation before a commit reaches the store.

A watched layer (communes, villages) is edited in QGIS with topological editing and snapping on. When
its edits are committed, by the panel's button or QGIS' own Save, the changed and added units go to
`validate --candidate` (or POST /api/validate). Errors refuse the commit unless the editor gives a
reason to override, which is recorded in the store (an audited settings row). An accepted commit is
written by the data provider with the editor in `audit_context`, so the audit log names them.
"""
import json

from qgis.core import QgsProject, QgsSnappingConfig, QgsTolerance
from qgis.PyQt.QtCore import QObject, QTimer, pyqtSignal

from .backend import BackendError
from .i18n import tr
from .store import CommitBlock, StoreWriter


def errors_of(report):
    return [finding for finding in (report or {}).get("findings", []) if finding.get("severity") == "error"]


def switch_on_topological_editing(project=None):
    """Topological editing plus vertex and segment snapping on every layer, 12 pixels."""
    project = project or QgsProject.instance()
    project.setTopologicalEditing(True)
    config = QgsSnappingConfig(project.snappingConfig())
    config.setEnabled(True)
    config.setMode(QgsSnappingConfig.AllLayers)
    try:  # QGIS 3.22+
        from qgis.core import Qgis

        config.setTypeFlag(Qgis.SnappingTypes(Qgis.SnappingType.Vertex | Qgis.SnappingType.Segment))
    except (AttributeError, TypeError):
        config.setTypeFlag(QgsSnappingConfig.VertexFlag | QgsSnappingConfig.SegmentFlag)
    config.setTolerance(12)
    config.setUnits(QgsTolerance.Pixels)
    project.setSnappingConfig(config)


class CommitRefused(Exception):
    def __init__(self, report):
        super().__init__(tr("The commit was refused: validation found {count} error(s).").format(
            count=len(errors_of(report))))
        self.report = report


class EditGuard(QObject):
    """Validates each commit of the watched layers; attributes accepted commits to the editor."""

    refused = pyqtSignal(object, dict)  # layer, validation report
    accepted = pyqtSignal(object, dict)  # layer, validation report (empty when nothing was checked)

    def __init__(self, backend, db_path, editor, year, parent=None):
        super().__init__(parent)
        self.backend = backend
        self.db_path = db_path
        self.editor = editor  # callable → the editor's name
        self.year = year  # callable → the year of the group
        self.last_report = None
        self._override_reason = None
        self._block = CommitBlock(db_path)
        self._attributing = None
        self._refused_last = False
        self._connections = {}

    # -- watching layers ---------------------------------------------------------------------
    def watch(self, layer):
        if layer.id() in self._connections:
            return
        before = lambda *args, layer=layer: self._before_commit(layer)  # noqa: E731
        after = lambda *args, layer=layer: self._after_commit(layer)  # noqa: E731
        started = lambda *args, layer=layer: switch_on_topological_editing(layer.project())  # noqa: E731
        layer.beforeCommitChanges.connect(before)
        layer.afterCommitChanges.connect(after)
        layer.editingStarted.connect(started)
        self._connections[layer.id()] = (layer, before, after, started)

    def unwatch_all(self):
        for layer, before, after, started in self._connections.values():
            try:
                layer.beforeCommitChanges.disconnect(before)
                layer.afterCommitChanges.disconnect(after)
                layer.editingStarted.disconnect(started)
            except (RuntimeError, TypeError):  # layer already deleted
                pass
        self._connections = {}
        self._finish()

    # -- what is about to be committed -----------------------------------------------------------
    @staticmethod
    def candidates(layer):
        """The edited and added units of `layer` as a GeoJSON FeatureCollection (property `code`)."""
        buffer = layer.editBuffer()
        if buffer is None:
            return {"type": "FeatureCollection", "features": []}
        features = []
        fids = set(buffer.changedGeometries().keys()) | set(buffer.addedFeatures().keys())
        code_index = layer.fields().indexOf("code")
        for fid in sorted(fids):
            if buffer.isFeatureDeleted(fid):
                continue
            feature = layer.getFeature(fid)
            code = feature.attribute(code_index) if code_index >= 0 else None
            geometry = feature.geometry()
            if geometry is None or geometry.isEmpty():
                continue
            features.append({"type": "Feature", "properties": {"code": str(code) if code not in (None, "") else ""},
                             "geometry": json.loads(geometry.asJson(9))})
        return {"type": "FeatureCollection", "features": features}

    def pending(self, layer):
        """The pending edits of `layer` and of every other watched layer being edited (communes and their
        villages are edited together: each is checked against the other's unsaved geometry)."""
        features = {}
        layers = [layer] + [other for other, *_ in self._connections.values() if other is not layer]
        for each in layers:
            try:
                if not each.isEditable():
                    continue
            except RuntimeError:  # deleted layer
                continue
            for feature in self.candidates(each)["features"]:
                features.setdefault(feature["properties"]["code"] or id(feature), feature)
        return {"type": "FeatureCollection", "features": list(features.values())}

    def check(self, layer):
        """Validates the pending edits; returns the core's report (None when nothing to check)."""
        collection = self.pending(layer)
        if not collection["features"]:
            return None
        missing = [f for f in collection["features"] if not f["properties"]["code"]]
        if missing:
            return {"errors": len(missing), "warnings": 0, "findings": [
                {"severity": "error", "problem": "missing_code", "units": [],
                 "message": tr("A new unit has no code: give each unit its GSO code before saving."), "where": ""}]}
        try:
            return self.backend.validate(collection, year=self.year())
        except BackendError as error:
            return {"errors": 1, "warnings": 0, "findings": [
                {"severity": "error", "problem": "validation_failed", "units": [], "message": str(error),
                 "where": ""}]}

    # -- the commit ----------------------------------------------------------------------------
    def commit(self, layer, override_reason=None, stop_editing=True):
        """Commits the layer's edits through the check; raises CommitRefused with the findings."""
        self._override_reason = (override_reason or "").strip() or None
        try:
            ok = layer.commitChanges(stop_editing)
        finally:
            self._override_reason = None
            self._finish()
        if not ok:
            if self.last_report is not None and errors_of(self.last_report) and self._refused_last:
                raise CommitRefused(self.last_report)
            raise BackendError("; ".join(layer.commitErrors()))
        return self.last_report

    def _before_commit(self, layer):
        try:
            self._check_commit(layer)
        except Exception as error:  # never let an unchecked commit through because the check broke
            self.last_report = {"errors": 1, "warnings": 0, "findings": [
                {"severity": "error", "problem": "validation_failed", "units": [], "message": str(error),
                 "where": ""}]}
            self._refused_last = True
            try:
                self._block.acquire()
            except Exception:  # the store is locked by someone else: the provider's write fails anyway
                pass
            QTimer.singleShot(0, self._finish)
            self.refused.emit(layer, self.last_report)

    def _check_commit(self, layer):
        self._finish()  # anything left from an earlier commit
        report = self.check(layer)
        self.last_report = report
        self._refused_last = False
        errors = errors_of(report)
        reason = self._override_reason
        if errors and not reason:
            # Refuse: the provider meets a locked store and keeps the edits in the layer.
            self._refused_last = True
            self._block.acquire()
            QTimer.singleShot(0, self._finish)
            self.refused.emit(layer, report)
            return
        writer = StoreWriter(self.db_path, self.editor())
        if errors:
            units = set()
            for finding in errors:
                units.update(finding.get("units", []))
            writer.record_override(reason, units, errors)
        writer.begin_attribution()
        self._attributing = writer
        QTimer.singleShot(0, self._finish)  # also when the provider fails and afterCommitChanges never comes
        self.accepted.emit(layer, report or {})

    def _after_commit(self, layer):
        self._finish()

    def _finish(self):
        self._block.release()
        if self._attributing is not None:
            writer, self._attributing = self._attributing, None
            writer.end_attribution()
