"""The unit form's reading and saving, all through the backend (the core's rules): `unit show`, then
`status set`, `hotspot designate|lift`, `cluster membership` and `record set` (the programme's indicators),
attributed to the editor with tool "qgis"."""
from dataclasses import dataclass, field

from .backend import BackendError
from .i18n import tr
from .labels import NEEDS_DECISION


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
    # The programme's indicators that changed: id -> value as people write it ("12", "85,5", "có", "khá")
    indicators: dict = None
    indicator_note: str = ""


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
    def __init__(self, backend):
        self.backend = backend

    def current(self, code, year):
        """{"unit", "status", "hotspot" (in force on 31 December), "clusters", "all_clusters"} of `code` in `year`."""
        return self.backend.unit(code, year)

    def save(self, changes):
        problems = check_changes(changes)
        if problems:
            raise BackendError("\n".join(problems))
        saved = {}
        if changes.status is not None:
            saved["status"] = self.backend.set_status(changes.code, changes.year, changes.status, changes.decision,
                                                      changes.date, changes.authority, changes.note, changes.criteria)
        if changes.hotspot is not None:
            # The core refuses a second designation in force, or lifting where none is in force.
            if changes.hotspot:
                saved["hotspot"] = self.backend.designate_hotspot(changes.code, changes.hotspot_date,
                                                                  changes.hotspot_decision)
            else:
                saved["hotspot"] = self.backend.lift_hotspot(changes.code, changes.hotspot_date)
        if changes.clusters is not None:
            saved["clusters"] = self.backend.set_clusters(changes.code, changes.year, sorted(changes.clusters))
        if changes.indicators:
            saved["indicators"] = self.backend.record_indicators(changes.code, changes.year, changes.indicators,
                                                                 changes.indicator_note)
        return saved
