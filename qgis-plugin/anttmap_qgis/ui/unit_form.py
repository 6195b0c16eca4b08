"""The unit form: status of a year with its decision, the Thông tư 23/2012 criteria, hotspot, clusters and the
programme's other indicators (the parts the backend can write: a server takes the status and the indicators, for
now)."""
from qgis.PyQt.QtCore import QDate, Qt
from qgis.PyQt.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QDoubleSpinBox,
                                 QFormLayout, QGroupBox, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                                 QMessageBox, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from ..core.backend import BackendError
from ..core.i18n import interface_language, tr
from ..core.labels import NEEDS_DECISION, POLICE_RATINGS, STATUSES, kind_label, police_rating_label, status_label
from ..core.unit_edit import UnitChanges

UNSET = -1
GRADES = (("kha", "khá"), ("trung_binh", "trung bình"), ("yeu", "yếu"))


def indicator_text(item):
    """A recorded value as the tool reads it back: "12", "85,5", "có", "khá"."""
    value = item.get("value")
    if value is None or value == "":
        return ""
    kind = item.get("kind")
    if kind == "yes_no":
        return "có" if value else "không"
    if kind == "grade":
        return dict(GRADES).get(value, value)
    if kind == "percent":
        return ("%g" % float(value)).replace(".", ",")
    return str(int(value))


def _optional_spin(maximum, decimals):
    spin = QDoubleSpinBox() if decimals else QSpinBox()
    if decimals:
        spin.setDecimals(decimals)
    spin.setRange(UNSET, maximum)
    spin.setSpecialValueText(tr("(not given)"))
    spin.setValue(UNSET)
    return spin


class UnitForm(QDialog):
    def __init__(self, editor, code, year, parent=None):
        super().__init__(parent)
        self.editor = editor
        self.code = code
        self.year = int(year)
        self.current = editor.current(code, year)
        self.parts = getattr(editor.backend, "form_parts", ("status", "criteria", "hotspot", "clusters"))
        unit = self.current["unit"]
        self.setWindowTitle(tr("Unit {code} — {name}").format(code=code, name=unit["name"]))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>%s</b> (%s, %s) — %s" % (unit["name"], kind_label(unit["kind"]), code,
                                                             tr("year {year}").format(year=self.year))))
        self.lineage = self._lineage_box(editor.backend, code)
        if self.lineage is not None:
            layout.addWidget(self.lineage)

        status_box = QGroupBox(tr("Status of the year"))
        form = QFormLayout(status_box)
        self.status = QComboBox()
        for key in STATUSES:
            self.status.addItem(status_label(key), key)
        self.decision = QLineEdit()
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.authority = QLineEdit()
        self.note = QLineEdit()
        form.addRow(tr("Status"), self.status)
        form.addRow(tr("Decision number"), self.decision)
        form.addRow(tr("Decision date"), self.date)
        form.addRow(tr("Issuing authority"), self.authority)
        form.addRow(tr("Note"), self.note)
        layout.addWidget(status_box)

        self.criteria_box = criteria_box = QGroupBox(tr("Criteria (Circular 23/2012/TT-BCA)"))
        criteria = QFormLayout(criteria_box)
        self.resolution = QComboBox()
        for label, value in ((tr("(not given)"), None), (tr("Yes"), True), (tr("No"), False)):
            self.resolution.addItem(label, value)
        self.pledge = _optional_spin(100, 1)
        self.police = QComboBox()
        for key in POLICE_RATINGS:
            self.police.addItem(police_rating_label(key), key)
        self.village_share = _optional_spin(100, 1)
        self.models = _optional_spin(1000, 0)
        criteria.addRow(tr("Resolution and plan adopted"), self.resolution)
        criteria.addRow(tr("Households that signed the pledge (%)"), self.pledge)
        criteria.addRow(tr("Police unit rating"), self.police)
        criteria.addRow(tr("Villages recognised (%)"), self.village_share)
        criteria.addRow(tr("Effective self-management models"), self.models)
        layout.addWidget(criteria_box)
        criteria_box.setVisible("criteria" in self.parts)

        self.hotspot = None
        if unit["kind"] == "commune" and "hotspot" in self.parts:
            hotspot_box = QGroupBox(tr("Key hotspot area"))
            hot = QFormLayout(hotspot_box)
            self.hotspot = QCheckBox(tr("Designated a key area with a complex security situation"))
            self.hotspot_date = QDateEdit(QDate(self.year, 1, 1))
            self.hotspot_date.setCalendarPopup(True)
            self.hotspot_date.setDisplayFormat("dd/MM/yyyy")
            self.hotspot_decision = QLineEdit()
            hot.addRow(self.hotspot)
            hot.addRow(tr("From (designation) or until (end)"), self.hotspot_date)
            hot.addRow(tr("Decision"), self.hotspot_decision)
            layout.addWidget(hotspot_box)

        cluster_box = QGroupBox(tr("Cluster membership in {year}").format(year=self.year))
        clusters = QVBoxLayout(cluster_box)
        self.clusters = QListWidget()
        for cluster in self.current["all_clusters"]:
            item = QListWidgetItem("%s — %s" % (cluster["code"], cluster["name"]))
            item.setData(Qt.UserRole, cluster["code"])
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if cluster["code"] in self.current["clusters"] else Qt.Unchecked)
            self.clusters.addItem(item)
        clusters.addWidget(self.clusters)
        layout.addWidget(cluster_box)
        cluster_box.setVisible("clusters" in self.parts)

        self.indicator_fields = {}
        self.indicator_box = None
        if "indicators" in self.parts:
            self.indicator_box = self._indicator_box(editor.backend, code, unit["kind"])
            if self.indicator_box is not None:
                layout.addWidget(self.indicator_box)

        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.status.currentIndexChanged.connect(self._decision_required)
        self._fill()

    @staticmethod
    def _lineage_box(backend, code):
        """What the unit was made from and what it became, read-only (merges and splits are recorded as lineage
        events with `anttmap lineage` or the Processing algorithm, not by editing polygons)."""
        try:
            lineage = backend.lineage(code)
        except (BackendError, AttributeError):
            return None
        if not lineage or not (lineage.get("before") or lineage.get("after")):
            return None
        box = QGroupBox(tr("Lineage"))
        box.setObjectName("lineage")
        lines = QVBoxLayout(box)
        for key, title in (("before", tr("Made from")), ("after", tr("Became"))):
            items = lineage.get(key) or []
            if not items:
                continue
            text = "; ".join("%s %s (%s, %s)" % (item["code"], item.get("name") or "", item["date"], item["kind"])
                             for item in items)
            label = QLabel("<i>%s:</i> %s" % (title, text))
            label.setObjectName("lineage_" + key)
            label.setWordWrap(True)
            lines.addWidget(label)
        return box

    def _indicator_box(self, backend, code, kind):
        """One field per indicator the unit's kind reports, filled with the value in force; what changes is
        recorded as a new value (`record set` / PUT .../indicators), the old one kept for "as of" reports."""
        try:
            document = backend.indicators(code, self.year, kind)
        except (BackendError, AttributeError):
            return None
        if not document.get("reports"):
            return None
        recorded = {item["indicator"]: item for item in document.get("indicators", [])}
        box = QGroupBox(tr("Programme indicators of {year}").format(year=self.year))
        box.setObjectName("indicators")
        outer = QVBoxLayout(box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setMaximumHeight(260)
        inner = QWidget()
        form = QFormLayout(inner)
        vietnamese = interface_language() == "vi"
        hints = {"count": tr("a whole number"), "money": tr("đồng, a whole number"), "percent": tr("0 to 100")}
        for report in document["reports"]:
            current = indicator_text(dict(recorded.get(report["id"], {}), kind=report["kind"]))
            if report["kind"] in ("yes_no", "grade"):
                field = QComboBox()
                field.addItem(tr("(not given)"), "")
                choices = (("có", tr("Yes")), ("không", tr("No"))) if report["kind"] == "yes_no" else \
                    tuple((label, label) for _, label in GRADES)
                for value, label in choices:
                    field.addItem(label, value)
                field.setCurrentIndex(max(0, field.findData(current)))
            else:
                field = QLineEdit(current)
                field.setPlaceholderText(hints.get(report["kind"], ""))
            field.setObjectName("indicator_" + report["id"])
            label = QLabel(report["label"] if vietnamese or not report.get("label_en") else report["label_en"])
            label.setWordWrap(True)
            form.addRow(label, field)
            self.indicator_fields[report["id"]] = (field, current)
        scroll.setWidget(inner)
        outer.addWidget(scroll)
        self.indicator_note = QLineEdit()
        self.indicator_note.setPlaceholderText(tr("e.g. the report the figures come from"))
        note_row = QFormLayout()
        note_row.addRow(tr("Note for the indicators"), self.indicator_note)
        outer.addLayout(note_row)
        return box

    def indicator_changes(self):
        """The indicators whose field now differs from the value in force (an emptied field records nothing)."""
        changed = {}
        for key, (field, initial) in self.indicator_fields.items():
            text = field.currentData() if isinstance(field, QComboBox) else field.text().strip()
            if text and text != initial:
                changed[key] = text
        return changed

    def _fill(self):
        row = self.current["status"] or {}
        self._initial_status = row.get("status")
        if row.get("status"):
            self.status.setCurrentIndex(self.status.findData(row["status"]))
        self.decision.setText(row.get("decision_number") or "")
        date = QDate.fromString(row.get("decision_date") or "", "yyyy-MM-dd")
        self.date.setDate(date if date.isValid() else QDate(self.year, 12, 31))
        self.authority.setText(row.get("authority") or "")
        self.note.setText(row.get("note") or "")
        if row.get("resolution_adopted") is not None:
            self.resolution.setCurrentIndex(self.resolution.findData(bool(row["resolution_adopted"])))
        for spin, key in ((self.pledge, "pledge_share"), (self.village_share, "villages_recognised_share"),
                          (self.models, "effective_models")):
            if row.get(key) is not None:
                spin.setValue(row[key])
        if row.get("police_rating"):
            index = self.police.findData(row["police_rating"])
            if index < 0:
                self.police.addItem(row["police_rating"], row["police_rating"])
                index = self.police.count() - 1
            self.police.setCurrentIndex(index)
        if self.hotspot is not None:
            self.hotspot.setChecked(self.current["hotspot"] is not None)
            self._initial_hotspot = self.current["hotspot"] is not None
        self._initial = self.changes()
        self._decision_required()

    def _decision_required(self):
        needed = self.status.currentData() in NEEDS_DECISION
        for widget in (self.decision, self.authority):
            widget.setPlaceholderText(tr("required for recognised and revoked") if needed else "")

    def changes(self):
        criteria = {
            "resolution": self.resolution.currentData(),
            "pledge-share": self.pledge.value() if self.pledge.value() != UNSET else None,
            "police-rating": self.police.currentData() or None,
            "village-share": self.village_share.value() if self.village_share.value() != UNSET else None,
            "effective-models": int(self.models.value()) if self.models.value() != UNSET else None,
        }
        decision = self.decision.text().strip()
        # A decision date only goes with a decision (or a status that needs one).
        dated = bool(decision) or self.status.currentData() in NEEDS_DECISION
        changes = UnitChanges(code=self.code, year=self.year, status=self.status.currentData(), decision=decision,
                              date=self.date.date().toString("yyyy-MM-dd") if dated else "",
                              authority=self.authority.text().strip(), note=self.note.text().strip(),
                              criteria=criteria)
        if self.hotspot is not None:
            changes.hotspot = self.hotspot.isChecked()
            changes.hotspot_date = self.hotspot_date.date().toString("yyyy-MM-dd")
            changes.hotspot_decision = self.hotspot_decision.text().strip()
        if "clusters" in self.parts:
            changes.clusters = [self.clusters.item(i).data(Qt.UserRole) for i in range(self.clusters.count())
                                if self.clusters.item(i).checkState() == Qt.Checked]
        if "criteria" not in self.parts:
            changes.criteria = {}
        if self.indicator_fields:
            changes.indicators = self.indicator_changes() or None
            changes.indicator_note = self.indicator_note.text().strip()
        return changes

    def pending(self):
        """Only what the editor changed (an unchanged status is not appended again)."""
        changes = self.changes()
        initial = self._initial
        status_same = (changes.status == initial.status and changes.decision == initial.decision and
                       changes.date == initial.date and changes.authority == initial.authority and
                       changes.note == initial.note and changes.criteria == initial.criteria and
                       self._initial_status is not None)
        if status_same:
            changes.status = None
        if self.hotspot is not None and changes.hotspot == self._initial_hotspot:
            changes.hotspot = None
        if changes.clusters is not None and sorted(changes.clusters) == sorted(initial.clusters):
            changes.clusters = None
        return changes

    def save(self):
        try:
            self.saved = self.editor.save(self.pending())
        except BackendError as error:
            QMessageBox.warning(self, tr("Not saved"), str(error))
            return
        self.accept()
