"""The anttmap panel: store or server, who the audit will name, year selector, edit checks and their findings."""
import os

from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeedback, QgsGeometry, QgsProject,
                       QgsRectangle, QgsVectorLayer)
from qgis.gui import QgsAuthConfigSelect, QgsDockWidget, QgsFileWidget
from qgis.PyQt.QtCore import QCoreApplication, QTimer, pyqtSignal
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QInputDialog, QLabel, QLineEdit,
                                 QProgressBar, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ..core import settings
from ..core.backend import BackendError, CliBackend, HttpBackend, is_postgis_location, without_password
from ..core.binary import ToolNotFound
from ..core.editing import CommitRefused, EditGuard, errors_of
from ..core.i18n import tr
from ..core.layers import LayerGroup
from ..core.server_key import save_key
from ..core.unit_edit import UnitEditor
from ..core.unit_provider import register_provider

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")


class AnttmapPanel(QgsDockWidget):
    connected = pyqtSignal()

    def __init__(self, canvas, project=None, parent=None):
        super().__init__(tr("anttmap — ANTT movement"), parent)
        self.setObjectName("AnttmapPanel")
        register_provider()  # the editable layers' data provider, also when the panel is made without the plugin
        self.canvas = canvas
        self.project = project or QgsProject.instance()
        self.backend = None
        self.group = None
        self.guard = None
        self.report = None
        # After QGIS' own Save of boundaries: redraw the layers derived from them once the commit is over.
        self._refresh_after_save = QTimer(self)
        self._refresh_after_save.setSingleShot(True)
        self._refresh_after_save.timeout.connect(self.refresh_layers)

        body = QWidget()
        layout = QVBoxLayout(body)
        form = QFormLayout()
        self.store = QgsFileWidget()
        self.store.setFilter("SpatiaLite (*.sqlite *.db *.sqlite3);;All files (*)")
        self.store.setFilePath(settings.last_store())
        self.store.setToolTip(tr("A SpatiaLite file made by anttmap, or a PostGIS store: "
                                 "postgresql://user@host/database (its password in ~/.pgpass)"))
        self.server = QLineEdit(settings.server_url())
        self.server.setPlaceholderText("https://antt.example.gov.vn")
        # The server key: an authentication configuration of QGIS (core/server_key.py); only its id is a setting.
        self.key = QgsAuthConfigSelect(body)
        self.key.setConfigId(settings.server_authcfg())
        self.key.setToolTip(tr("The server key (anttmap key add): a QGIS authentication configuration of type "
                               "Basic whose password is the key. Without one the server shows its public layers."))
        self.key.selectedConfigIdChanged.connect(settings.set_server_authcfg)
        self.paste_key_button = QPushButton(tr("Paste key…"))
        self.paste_key_button.setToolTip(tr("Keep a key in QGIS' authentication database for this server"))
        self.paste_key_button.clicked.connect(self._paste_key_clicked)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.paste_key_button)
        self.tool = QgsFileWidget()
        self.tool.setFilePath(settings.binary_setting())
        # Who the audit names: the OS account for a local store, the key's account for a server; never typed.
        self.identity = QLabel(tr("(not connected)"))
        self.identity.setWordWrap(True)
        form.addRow(tr("Store"), self.store)
        form.addRow(tr("or server"), self.server)
        form.addRow(tr("Key"), key_row)
        form.addRow(tr("Tool"), self.tool)
        form.addRow(tr("Edits recorded as"), self.identity)
        layout.addLayout(form)

        row = QHBoxLayout()
        self.connect_button = QPushButton(tr("Load layers"))
        self.connect_button.clicked.connect(self._connect_clicked)
        self.year = QComboBox()
        self.year.setToolTip(tr("Year: the units valid on 31 December and their status"))
        self.year.currentIndexChanged.connect(self._year_changed)
        row.addWidget(self.connect_button)
        row.addWidget(QLabel(tr("Year")))
        row.addWidget(self.year)
        layout.addLayout(row)

        edit_row = QHBoxLayout()
        self.edit_button = QPushButton(tr("Edit boundaries"))
        self.edit_button.clicked.connect(lambda: self.start_editing())
        self.save_button = QPushButton(tr("Check and save"))
        self.save_button.clicked.connect(lambda: self.save_edits())
        self.override_button = QPushButton(tr("Save anyway…"))
        self.override_button.setToolTip(tr("Save over validation errors, giving a reason that is recorded"))
        self.override_button.clicked.connect(self._override_clicked)
        for button in (self.edit_button, self.save_button, self.override_button):
            edit_row.addWidget(button)
        layout.addLayout(edit_row)

        tool_row = QHBoxLayout()
        self.form_button = QPushButton(tr("Unit form…"))
        self.form_button.clicked.connect(self.open_unit_form)
        self.validate_button = QPushButton(tr("Validate the year"))
        self.validate_button.clicked.connect(lambda: self.validate_year())
        tool_row.addWidget(self.form_button)
        tool_row.addWidget(self.validate_button)
        layout.addLayout(tool_row)

        self.findings = QTreeWidget()
        self.findings.setHeaderLabels([tr("Severity"), tr("Problem"), tr("Units"), tr("Message")])
        self.findings.setRootIsDecorated(False)
        self.findings.itemClicked.connect(lambda item, _column: self.zoom_to_finding(
            self.findings.indexOfTopLevelItem(item)))
        layout.addWidget(self.findings, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.setWidget(body)
        self._update_buttons()

    # -- connecting ------------------------------------------------------------------------------
    def editor_name(self):
        """Who the audit names for this panel's edits (the backend knows)."""
        return self.backend.identity() if self.backend is not None else ""

    def _connect_clicked(self):
        try:
            if self.server.text().strip() and not self.store.filePath():
                self.connect_server(self.server.text().strip())
            else:
                self.connect_store(self.store.filePath())
        except (BackendError, ToolNotFound, RuntimeError) as error:
            self.say(str(error), error=True)

    def connect_store(self, path, year=None):
        if not path or not (is_postgis_location(path) or os.path.exists(path)):
            raise BackendError(tr("Choose an anttmap store (a .sqlite file made by anttmap, or postgresql://…)."))
        settings.set_last_store(without_password(path))
        self.store.setFilePath(path)
        settings.set_binary_setting(self.tool.filePath())
        self._use(CliBackend(path, self.tool.filePath() or None), year)

    def connect_server(self, url, year=None):
        """Shows the server's layers, asking with the key the Key row names (none: the public's)."""
        settings.set_server_url(url)
        self.server.setText(url)
        authcfg = self.key.configId()
        settings.set_server_authcfg(authcfg)
        backend = HttpBackend(url, authcfg or None)
        backend.access.refused.connect(self._server_refused)
        try:
            self._use(backend, year)
        except Exception:
            self.disconnect_store()
            backend.close()
            raise

    def _server_refused(self, message):
        """The server refused a request of QGIS (a tile): no key, a revoked one, or a role that may not see it."""
        self.say(message, error=True)

    def _paste_key_clicked(self):
        url = self.server.text().strip()
        if not url:
            self.say(tr("Give the server's address first."), error=True)
            return None
        prompt = tr("The key `anttmap key add` printed for {server} (kept in QGIS' authentication database):")
        key, ok = QInputDialog.getText(self, tr("Server key"), prompt.format(server=url), QLineEdit.Password)
        if not ok or not key.strip():
            return None
        try:
            authcfg = save_key(key, url, self.key.configId())
        except BackendError as error:
            self.say(str(error), error=True)
            return None
        self.key.setConfigId(authcfg)
        settings.set_server_authcfg(authcfg)
        self.say(tr("Key kept in QGIS' authentication database ({id}); load the layers again to use it.").format(
            id=authcfg))
        return authcfg

    def _use(self, backend, year):
        self.disconnect_store()
        self.backend = backend
        choice = backend.years()
        if not choice.years:
            raise BackendError(tr("The store has no yearly status yet."))
        self.group = LayerGroup(backend, self.project)
        self.year.blockSignals(True)
        self.year.clear()
        for value in choice.years:
            self.year.addItem(str(value), value)
        chosen = int(year) if year else (choice.default or choice.years[-1])
        self.year.setCurrentIndex(max(0, self.year.findData(chosen)))
        self.year.blockSignals(False)
        self._run_with_progress(tr("Loading layers…"), lambda feedback: self.group.load(chosen, feedback))
        if not backend.read_only:
            self.guard = EditGuard(backend, self)
            self.guard.refused.connect(self._refused)
            self.guard.accepted.connect(self._accepted)
            self.guard.saved.connect(lambda _layer: self._refresh_after_save.start(0))
            for name in self.group.editable:
                self.guard.watch(name, self.group.layers[name])
            self.group.set_boundary_writer(self.guard)
        self.zoom_to_group()
        self.identity.setText(backend.identity() + ("" if not backend.read_only else " — " + tr("read-only")))
        self.say(tr("{source}: {count} layers for {year}.").format(
            source=backend.describe(), count=len(self.group.layers), year=chosen))
        self._update_buttons()
        self.connected.emit()

    def disconnect_store(self):
        self._refresh_after_save.stop()
        if self.guard is not None:
            self.guard.unwatch_all()
            self.guard = None
        if self.group is not None:
            self.group.remove()
            self.group = None
        if self.backend is not None:
            self.backend.close()
        self.backend = None
        self.identity.setText(tr("(not connected)"))
        self._update_buttons()

    def _update_buttons(self):
        writable = self.backend is not None and not self.backend.read_only
        for button in (self.edit_button, self.save_button, self.override_button, self.form_button):
            button.setEnabled(writable)
        self.validate_button.setEnabled(self.backend is not None)
        self.year.setEnabled(self.backend is not None)

    def _run_with_progress(self, label, work):
        feedback = QgsFeedback()
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.progress.setFormat(label + " %p%")

        def show(value):
            self.progress.setValue(int(value))
            QCoreApplication.processEvents()

        feedback.progressChanged.connect(show)
        try:
            return work(feedback)
        finally:
            self.progress.setVisible(False)

    # -- the year --------------------------------------------------------------------------------
    def _year_changed(self, _index):
        year = self.year.currentData()
        if self.group is None or year is None:
            return
        try:
            self.set_year(year)
        except (RuntimeError, BackendError) as error:  # edits unsaved, or the export failed
            self.say(str(error), error=True)
            self.year.blockSignals(True)
            self.year.setCurrentIndex(self.year.findData(self.group.year))
            self.year.blockSignals(False)

    def set_year(self, year):
        self._run_with_progress(tr("Changing the year…"), lambda feedback: self.group.set_year(year, feedback))
        if self.year.currentData() != int(year):
            self.year.blockSignals(True)
            self.year.setCurrentIndex(self.year.findData(int(year)))
            self.year.blockSignals(False)
        self.say(tr("Units and statuses of {year}.").format(year=year))

    # -- editing ---------------------------------------------------------------------------------
    def layer(self, name):
        return self.group.layers.get(name) if self.group else None

    def start_editing(self, name=None):
        """Puts an editable layer (the first of the registry's: communes) in edit mode."""
        if name is None and self.group is not None and self.group.editable:
            name = self.group.editable[0]
        layer = self.layer(name)
        if layer is None:
            return None
        if not layer.isEditable() and not layer.startEditing():
            self.say(tr("{layer} cannot be edited.").format(layer=layer.name()), error=True)
            return None
        if self.canvas is not None and hasattr(self.canvas, "setCurrentLayer"):
            self.canvas.setCurrentLayer(layer)
        self.say(tr("Editing {layer}: topological editing and snapping are on; save with “Check and save”.").format(
            layer=layer.name()))
        return layer

    def _editing_layer(self):
        for name in (self.group.editable if self.group else []):
            layer = self.layer(name)
            if layer is not None and layer.isEditable():
                return layer
        return None

    def save_edits(self, override_reason=None):
        layer = self._editing_layer()
        if layer is None or self.guard is None:
            self.say(tr("No boundary edits to save."))
            return None
        try:
            report = self.guard.commit(layer, override_reason)
        except CommitRefused as refused:
            self.show_findings(refused.report)
            self.say(tr("Not saved: validation found {count} error(s). Fix them, or use “Save anyway…” with a "
                        "reason.").format(count=len(errors_of(refused.report))), error=True)
            return False
        except BackendError as error:
            self.show_findings(self.guard.last_report)
            self.say(str(error), error=True)
            return False
        self._refresh_after_save.stop()
        self.refresh_layers()
        return report

    def refresh_layers(self):
        """Exports the year again so every layer shows what was just saved (hotspots and clusters follow the
        communes' new boundaries; layers being edited keep their edits)."""
        if self.group is None or not self.group.layers:
            return
        try:
            self.group.refresh()
        except BackendError as error:
            self.say(str(error), error=True)

    def _override_clicked(self):
        reason, ok = QInputDialog.getText(self, tr("Save anyway"),
                                          tr("Why must these edits be saved despite the errors? (recorded)"))
        if ok and reason.strip():
            self.save_edits(reason.strip())

    def _refused(self, layer, report):
        self.show_findings(report)

    def _accepted(self, layer, report):
        self.show_findings(report or {"findings": []})
        self.say(tr("Saved by {editor}.").format(editor=self.editor_name()))

    # -- findings ----------------------------------------------------------------------------------
    def validate_year(self):
        if self.backend is None:
            return None
        report = self._run_with_progress(
            tr("Validating…"), lambda feedback: self.backend.validate(None, self.group.year, feedback))
        self.show_findings(report)
        self.say(tr("{errors} error(s), {warnings} warning(s).").format(
            errors=report.get("errors", 0), warnings=report.get("warnings", 0)))
        return report

    def show_findings(self, report):
        self.report = report
        self.findings.clear()
        for finding in (report or {}).get("findings", []):
            error = finding.get("severity") == "error"
            item = QTreeWidgetItem([tr("error") if error else tr("warning"), finding.get("problem", ""),
                                    ", ".join(finding.get("units", [])), finding.get("message", "")])
            item.setForeground(0, QColor("#b2182b") if error else QColor("#b35806"))
            item.setToolTip(3, finding.get("message", ""))
            self.findings.addTopLevelItem(item)
        for column in range(3):
            self.findings.resizeColumnToContents(column)

    def finding_extent(self, index):
        """Where finding `index` is, in the canvas CRS (its geometry, else its units' extent)."""
        finding = self.report["findings"][index]
        rectangle = QgsRectangle()
        if finding.get("where"):
            geometry = QgsGeometry.fromWkt(finding["where"])
            if not geometry.isNull():
                rectangle = geometry.boundingBox()
        if rectangle.isNull() and self.group is not None:
            unit_layers = [d["name"] for d in self.group.descriptors if d.get("kinds")]  # units by code
            for name in unit_layers:
                layer = self.layer(name)
                if not isinstance(layer, QgsVectorLayer):
                    continue
                codes = ", ".join("'%s'" % code.replace("'", "''") for code in finding.get("units", []))
                if not codes:
                    break
                for feature in layer.getFeatures("\"code\" IN (%s)" % codes):
                    rectangle.combineExtentWith(feature.geometry().boundingBox())
        if rectangle.isNull():
            return None
        rectangle = rectangle.buffered(max(rectangle.width(), rectangle.height(), 0.002) * 0.5)
        if self.canvas is not None:
            transform = QgsCoordinateTransform(WGS84, self.canvas.mapSettings().destinationCrs(), self.project)
            rectangle = transform.transformBoundingBox(rectangle)
        return rectangle

    def zoom_to_finding(self, index):
        rectangle = self.finding_extent(index)
        if rectangle is None or self.canvas is None:
            return None
        self.canvas.setExtent(rectangle)
        self.canvas.refresh()
        where = self.report["findings"][index].get("where")
        if where and hasattr(self.canvas, "flashGeometries"):
            self.canvas.flashGeometries([QgsGeometry.fromWkt(where)], WGS84)
        return rectangle

    def zoom_to_group(self):
        if self.canvas is None or self.group is None:
            return
        layers = [layer for layer in self.group.layers.values()
                  if isinstance(layer, QgsVectorLayer) and not layer.extent().isEmpty()]
        layers = layers or list(self.group.layers.values())[:1]  # tiles: the bottom layer's extent
        if not layers:
            return
        crs = layers[0].crs()
        if self.canvas.mapSettings().destinationCrs() != crs and not self.project.crs().isValid():
            self.canvas.setDestinationCrs(crs)
        extent = QgsRectangle()
        extent.setMinimal()
        for layer in layers:
            transform = QgsCoordinateTransform(layer.crs(), self.canvas.mapSettings().destinationCrs(), self.project)
            extent.combineExtentWith(transform.transformBoundingBox(layer.extent()))
        self.canvas.setExtent(extent)
        self.canvas.refresh()

    # -- the unit form ------------------------------------------------------------------------------
    def selected_code(self):
        layer = self.canvas.currentLayer() if self.canvas is not None and hasattr(self.canvas, "currentLayer") \
            else None
        if layer is None or self.group is None or self.group.layer_of(layer) is None:
            return None
        features = layer.selectedFeatures() if hasattr(layer, "selectedFeatures") else []
        if len(features) != 1 or layer.fields().indexOf("code") < 0:
            return None
        return features[0]["code"]

    def unit_editor(self):
        return UnitEditor(self.backend)

    def open_unit_form(self, code=None):
        from .unit_form import UnitForm

        code = code or self.selected_code()
        if not code:
            self.say(tr("Select one unit on the map first."), error=True)
            return None
        try:
            form = UnitForm(self.unit_editor(), code, self.group.year, self)
        except BackendError as error:
            self.say(str(error), error=True)
            return None
        if form.exec_():
            self.refresh_layers()
            self.say(tr("Saved by {editor}.").format(editor=self.editor_name()))
        return form

    def say(self, text, error=False):
        self.message.setText(text)
        self.message.setStyleSheet("color: #b2182b;" if error else "")
