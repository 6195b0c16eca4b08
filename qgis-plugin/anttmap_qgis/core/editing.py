"""Saving boundary edits through the core: `anttmap unit reshape` or the server's POST /api/boundaries, never a
data provider writing the store.

The editable layers (the registry's "editable": communes, villages) are drawn by the anttmap data provider
(core/unit_provider.py), whose only write is to hand the changed geometries of a commit to the EditGuard.
The guard sends them to the backend's reshape together with the other watched layers' unsaved edits
(communes and their villages edited together are checked together). The core validates and writes them
as corrections of the year's versions in one transaction, audited with the editor and tool "qgis"; on
validation errors it writes nothing unless the editor gave a reason, which it records with the edit.
A refused save leaves the edits in QGIS' edit buffer and its findings in `last_report`. Over a server, each
edited unit carries the version tag of the copy it was edited from: when someone saved it since, the server
refuses (409) and the edits stay in the buffer with that message.
"""
import json

from qgis.core import QgsProject, QgsSnappingConfig, QgsTolerance
from qgis.PyQt.QtCore import QObject, pyqtSignal

from .backend import BackendError, StaleCopy
from .i18n import tr


def errors_of(report):
    return [finding for finding in (report or {}).get("findings", []) if finding.get("severity") == "error"]


def failure_report(message, problem="save_failed"):
    """A report with one error, for a save that failed before the core could validate it."""
    return {"errors": 1, "warnings": 0, "findings": [
        {"severity": "error", "problem": problem, "units": [], "message": message, "where": ""}]}


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


def _properties(code, versions):
    version = (versions or {}).get(code)
    return {"code": code, "version": version} if version else {"code": code}


def feature_collection(units, versions=None):
    """{code: QgsGeometry} as the GeoJSON FeatureCollection the core reads (property `code`, and `version`: the
    tag of the copy, when `versions` has it). 17 decimals: an untouched vertex is sent back as it was stored."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": _properties(code, versions), "geometry": json.loads(geometry.asJson(17))}
        for code, geometry in sorted(units.items()) if geometry is not None and not geometry.isEmpty()]}


def unsaved_boundaries(layer):
    """{code: geometry} of the features whose geometry `layer` has changed but not saved."""
    buffer = layer.editBuffer()
    if buffer is None:
        return {}
    code_index = layer.fields().indexOf("code")
    units = {}
    for fid in sorted(buffer.changedGeometries().keys()):
        feature = layer.getFeature(fid)
        code = feature.attribute(code_index) if code_index >= 0 else None
        if code:
            units[str(code)] = feature.geometry()
    return units


class CommitRefused(Exception):
    def __init__(self, report):
        super().__init__(tr("The commit was refused: validation found {count} error(s).").format(
            count=len(errors_of(report))))
        self.report = report


class EditGuard(QObject):
    """The boundary writer of the watched layers: each commit's changed geometries go to the backend's
    reshape, checked with the other watched layers' unsaved edits."""

    refused = pyqtSignal(object, dict)  # layer, report (validation findings, or the failure)
    accepted = pyqtSignal(object, dict)  # layer, report of the saved edits
    saved = pyqtSignal(object)  # layer: a commit went through (QGIS' afterCommitChanges)

    def __init__(self, backend, parent=None):
        super().__init__(parent)
        self.backend = backend
        self.last_report = None  # the report of the last save attempt
        self.last_result = None  # the tool's answer to the last save attempt that reached it
        self._failure = None  # why the last save failed when it was not a validation refusal
        self._override_reason = None
        self._layers = {}  # registry name -> layer
        self._connections = {}

    # -- watching layers ---------------------------------------------------------------------
    def watch(self, name, layer):
        if layer.id() in self._connections:
            return
        started = lambda *args, layer=layer: switch_on_topological_editing(layer.project())  # noqa: E731
        committed = lambda *args, layer=layer: self.saved.emit(layer)  # noqa: E731
        layer.editingStarted.connect(started)
        layer.afterCommitChanges.connect(committed)
        self._layers[name] = layer
        self._connections[layer.id()] = (layer, started, committed)

    def unwatch_all(self):
        for layer, started, committed in self._connections.values():
            try:
                layer.editingStarted.disconnect(started)
                layer.afterCommitChanges.disconnect(committed)
            except (RuntimeError, TypeError):  # layer already deleted
                pass
        self._connections = {}
        self._layers = {}

    def _watched(self):
        layers = []
        for layer in self._layers.values():
            try:
                layer.id()
            except RuntimeError:  # deleted with the project
                continue
            layers.append(layer)
        return layers

    def pending(self, excluding=None):
        """The unsaved edits of every watched layer being edited except `excluding` ({code: geometry})."""
        units = {}
        for layer in self._watched():
            if layer is excluding or not layer.isEditable():
                continue
            units.update(unsaved_boundaries(layer))
        return units

    # -- the writer the data provider calls inside a commit ------------------------------------------
    def save_boundaries(self, layer_name, year, boundaries, versions=None):
        """Saves `boundaries` ({code: geometry}) of layer `layer_name` for `year`, edited from the copies
        `versions` ({code: version tag}); returns (saved, message). The new tags are in last_result["versions"]."""
        layer = self._layers.get(layer_name)
        pending = {code: geometry for code, geometry in self.pending(excluding=layer).items()
                   if code not in boundaries}
        self.last_result = None
        try:
            result = self.backend.reshape(feature_collection(boundaries, versions), year,
                                          feature_collection(pending), self._override_reason)
        except (BackendError, OSError, ValueError) as error:  # refused, could not run or reach, or nonsense
            self._failure = str(error)
            self.last_report = failure_report(str(error), "stale_copy" if isinstance(error, StaleCopy) else
                                              "save_failed")
            self.refused.emit(layer, self.last_report)
            return False, str(error)
        self.last_result = result
        self.last_report = result.get("report") or {"errors": 0, "warnings": 0, "findings": []}
        if not result.get("written"):
            self.refused.emit(layer, self.last_report)
            return False, tr("Not saved: validation found {count} error(s). Fix them, or use “Save anyway…” with "
                             "a reason.").format(count=len(errors_of(self.last_report)))
        self.accepted.emit(layer, self.last_report)
        return True, ""

    # -- the commit ----------------------------------------------------------------------------
    def commit(self, layer, override_reason=None, stop_editing=True):
        """Commits the layer's edits through reshape; raises CommitRefused with the findings, or BackendError.
        Returns the report of the saved edits (None when the layer had no boundary change)."""
        self._override_reason = (override_reason or "").strip() or None
        self.last_report = None
        self.last_result = None
        self._failure = None
        try:
            ok = layer.commitChanges(stop_editing)
        finally:
            self._override_reason = None
        if not ok:
            if self._failure is None and errors_of(self.last_report):
                raise CommitRefused(self.last_report)
            raise BackendError(self._failure or "; ".join(error.strip() for error in layer.commitErrors()))
        return self.last_report
