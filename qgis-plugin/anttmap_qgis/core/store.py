"""Direct, audited access to a SpatiaLite store for what the tool has no command for.

Every write runs the way the core's own store writes (gis/src/store/spatialite_store.cpp): one
transaction that first puts the editor into `audit_context` (user, tool "qgis"), so the store's audit
triggers record who changed what, and clears it before COMMIT. No SpatiaLite function is needed for
these tables, so plain sqlite3 is enough (and works in every QGIS Python).
"""
import contextlib
import datetime
import json
import sqlite3
import uuid

from .backend import TOOL_NAME, BackendError


def _connect(path, timeout=10.0):
    connection = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    connection.row_factory = sqlite3.Row
    return connection


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class StoreReader:
    def __init__(self, path):
        self.path = path

    @contextlib.contextmanager
    def _read(self):
        connection = _connect(self.path)
        try:
            yield connection
        finally:
            connection.close()

    def years_with_status(self):
        with self._read() as db:
            return [row[0] for row in db.execute("SELECT DISTINCT year FROM unit_status ORDER BY year")]

    def unit(self, code, year):
        """The version of `code` valid on 31 December of `year` (no geometry), or None."""
        end = "%04d-12-31" % int(year)
        with self._read() as db:
            row = db.execute(
                "SELECT id, code, name, kind, subtype, parent_code, valid_from, valid_to FROM unit WHERE code = ? "
                "AND valid_from <= ? AND COALESCE(valid_to, '9999-12-31') > ?", (code, end, end)).fetchone()
            return dict(row) if row else None

    def status(self, code, year):
        """The current (newest) status row of a unit in a year, or None."""
        with self._read() as db:
            row = db.execute("SELECT * FROM unit_status WHERE unit_code = ? AND year = ? ORDER BY id DESC LIMIT 1",
                             (code, int(year))).fetchone()
            return dict(row) if row else None

    def hotspots(self, commune_code):
        with self._read() as db:
            return [dict(row) for row in db.execute(
                "SELECT id, commune_code, valid_from, valid_to, decision, note FROM hotspot WHERE commune_code = ? "
                "ORDER BY valid_from", (commune_code,))]

    def hotspot_in_force(self, commune_code, date):
        for hotspot in self.hotspots(commune_code):
            if hotspot["valid_from"] <= date and (hotspot["valid_to"] or "9999-12-31") > date:
                return hotspot
        return None

    def clusters(self):
        with self._read() as db:
            return [dict(row) for row in db.execute("SELECT code, name, kind FROM cluster ORDER BY code")]

    def clusters_of(self, unit_code, year):
        with self._read() as db:
            return [row[0] for row in db.execute(
                "SELECT cluster_code FROM cluster_member WHERE unit_code = ? AND year = ? ORDER BY cluster_code",
                (unit_code, int(year)))]

    def audit(self, table=None, after_id=0, limit=50):
        query = "SELECT id, at, user, tool, table_name, operation, row_key, before_json, after_json FROM audit_log " \
                "WHERE id > ?"
        args = [after_id]
        if table:
            query += " AND table_name = ?"
            args.append(table)
        with self._read() as db:
            return [dict(row) for row in db.execute(query + " ORDER BY id DESC LIMIT ?", args + [limit])]

    def newest_audit_id(self):
        with self._read() as db:
            return db.execute("SELECT COALESCE(max(id), 0) FROM audit_log").fetchone()[0]


class StoreWriter:
    """Audited writes attributed to `user` with tool "qgis"."""

    def __init__(self, path, user, tool=TOOL_NAME):
        self.path = path
        self.user = user or "qgis"
        self.tool = tool

    @contextlib.contextmanager
    def transaction(self):
        db = _connect(self.path)
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("INSERT INTO audit_context (id, user, tool) VALUES (1, ?, ?)", (self.user, self.tool))
                yield db
                db.execute("DELETE FROM audit_context")
                db.execute("COMMIT")
            except Exception:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise BackendError("store %s: %s" % (self.path, error)) from error
        finally:
            db.close()

    # -- attribution of a commit made by a QGIS data provider ------------------------------------
    # The provider writes on its own connection, so the editor is put into audit_context just before
    # it commits and taken out right after (EditGuard). While the row is there, another writer using
    # the core waits for it to go (the core inserts into audit_context and would fail on the same id).
    def begin_attribution(self):
        with contextlib.closing(_connect(self.path)) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT OR REPLACE INTO audit_context (id, user, tool) VALUES (1, ?, ?)", (self.user, self.tool))
            db.execute("COMMIT")

    def end_attribution(self):
        with contextlib.closing(_connect(self.path)) as db:
            db.execute("DELETE FROM audit_context WHERE user = ? AND tool = ?", (self.user, self.tool))

    def clear_stale_attribution(self):
        """Removes an attribution row this editor left behind (QGIS stopped in the middle of a commit)."""
        self.end_attribution()

    # -- the unit form's edits that the tool has no command for --------------------------------
    def designate_hotspot(self, commune_code, valid_from, decision, note=""):
        with self.transaction() as db:
            db.execute("INSERT INTO hotspot (commune_code, valid_from, decision, note) VALUES (?, ?, ?, ?)",
                       (commune_code, valid_from, decision or None, note or None))

    def end_hotspot(self, hotspot_id, valid_to):
        with self.transaction() as db:
            db.execute("UPDATE hotspot SET valid_to = ? WHERE id = ?", (valid_to, hotspot_id))

    def set_cluster_membership(self, unit_code, year, cluster_codes):
        """Makes `unit_code` a member of exactly `cluster_codes` in `year`."""
        with self.transaction() as db:
            current = {row[0] for row in db.execute(
                "SELECT cluster_code FROM cluster_member WHERE unit_code = ? AND year = ?", (unit_code, int(year)))}
            wanted = set(cluster_codes)
            for code in sorted(current - wanted):
                db.execute("DELETE FROM cluster_member WHERE cluster_code = ? AND year = ? AND unit_code = ?",
                           (code, int(year), unit_code))
            for code in sorted(wanted - current):
                db.execute("INSERT INTO cluster_member (cluster_code, year, unit_code) VALUES (?, ?, ?)",
                           (code, int(year), unit_code))

    def record_override(self, reason, units, findings):
        """Keeps the reason an editor gave to save over validation errors (an audited settings row)."""
        key = "qgis_override/%s/%s" % (_now(), uuid.uuid4().hex[:8])
        value = json.dumps({"user": self.user, "reason": reason, "units": sorted(units),
                            "errors": [f.get("problem", "") + ": " + f.get("message", "") for f in findings]},
                           ensure_ascii=False)
        with self.transaction() as db:
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))
        return key


class CommitBlock:
    """Holds the store's write lock so that a data provider's commit fails and keeps its edit buffer.

    QGIS 3.22 gives Python no way to veto a commit (setAllowCommit is not in the bindings); a refused commit
    is therefore made to fail at the store, which leaves the layer in edit mode with every change kept.
    """

    def __init__(self, path):
        self.path = path
        self._db = None

    def acquire(self):
        if self._db is None:
            self._db = _connect(self.path, timeout=5.0)
            self._db.execute("BEGIN EXCLUSIVE")

    def release(self):
        if self._db is not None:
            try:
                self._db.execute("ROLLBACK")
            finally:
                self._db.close()
                self._db = None

    @property
    def held(self):
        return self._db is not None
