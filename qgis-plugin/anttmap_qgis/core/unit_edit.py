"""The unit form's save: status and criteria through the tool (the core's rules), hotspot designation
and cluster membership as audited store writes; all attributed to the editor with tool "qgis"."""
from dataclasses import dataclass, field

from .backend import BackendError
from .i18n import tr
from .labels import NEEDS_DECISION
from .store import StoreReader, StoreWriter


@dataclass
class UnitChanges:
    code: str
    year: int
    status: str = None  # None: status row unchanged
    decision: str = ""
    date: str = ""  # YYYY-MM-DD
    authority: str = ""
    note: str = ""
    # Thông tư 23/2012/TT-BCA criteria (tool options without the dashes)
    criteria: dict = field(default_factory=dict)
    hotspot: bool = None  # None: unchanged
    hotspot_date: str = ""
    hotspot_decision: str = ""
    clusters: list = None  # None: unchanged


def check_changes(changes):
    """The form's own checks before anything is written (the core checks again)."""
    problems = []
    if changes.status in NEEDS_DECISION:
        for value, what in ((changes.decision, tr("decision number")), (changes.date, tr("decision date")),
                            (changes.authority, tr("issuing authority"))):
            if not (value or "").strip():
                problems.append(tr("A status of recognised or revoked needs the {what}.").format(what=what))
    if changes.hotspot is not None and not changes.hotspot_date:
        problems.append(tr("A hotspot designation needs the date it takes effect."))
    return problems


class UnitEditor:
    def __init__(self, backend, db_path, editor):
        self.backend = backend
        self.reader = StoreReader(db_path)
        self.writer = StoreWriter(db_path, editor)

    def current(self, code, year):
        unit = self.reader.unit(code, year)
        if unit is None:
            raise BackendError(tr("No unit {code} is valid on 31 December {year}.").format(code=code, year=year))
        end = "%04d-12-31" % int(year)
        return {
            "unit": unit,
            "status": self.reader.status(code, year),
            "hotspot": self.reader.hotspot_in_force(code, end) if unit["kind"] == "commune" else None,
            "clusters": self.reader.clusters_of(code, year),
            "all_clusters": self.reader.clusters(),
        }

    def save(self, changes):
        problems = check_changes(changes)
        if problems:
            raise BackendError("\n".join(problems))
        saved = {}
        if changes.status is not None:
            saved["status"] = self.backend.set_status(changes.code, changes.year, changes.status, changes.decision,
                                                      changes.date, changes.authority, changes.note, changes.criteria)
        if changes.hotspot is not None:
            current = self.reader.hotspot_in_force(changes.code, changes.hotspot_date)
            if changes.hotspot and current is None:
                self.writer.designate_hotspot(changes.code, changes.hotspot_date, changes.hotspot_decision)
                saved["hotspot"] = "designated"
            elif not changes.hotspot and current is not None:
                self.writer.end_hotspot(current["id"], changes.hotspot_date)
                saved["hotspot"] = "ended"
        if changes.clusters is not None:
            self.writer.set_cluster_membership(changes.code, changes.year, changes.clusters)
            saved["clusters"] = sorted(changes.clusters)
        return saved
