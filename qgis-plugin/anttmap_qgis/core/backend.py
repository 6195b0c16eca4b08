"""Where the logic runs: the anttmap tool (`--json`) on a store file, or an anttmap server's HTTP API.

Both answer with the core's own JSON documents (layers, years, stats, validate, unit, reshape), so the
plugin never re-implements a rule and never reads or writes the store itself. Who is recorded in the audit
is never typed: the tool records the OS account it runs as, the server the account it signed in.

The HTTP backend draws the server's tiles; for an editor or admin (GET /api/me) it also copies the editable
layers (GET /api/boundaries, exact boundaries with version tags) for QGIS' editing tools and saves through
the write API (POST /api/boundaries, PUT /api/units/{code}/status/{year}), so it works on Windows QGIS
without the anttmap binary. A save the server refuses (validation, a stale copy, the network) raises: the
edits stay in QGIS' edit buffer.
"""
import json
import os
import subprocess
import sys
import tempfile
from collections import namedtuple

from .binary import find_anttmap
from .i18n import tr

TOOL_NAME = "qgis"  # the audit log's `tool` for every change the plugin makes

# anttmap exit codes (anttmap --help)
EXIT_VALIDATION_ERRORS = 6
EXIT_MEANING = {
    1: "internal failure",
    2: "bad command line",
    3: "store cannot be opened or written",
    4: "bad input",
    5: "missing or unusable CRS",
}

# The years the map offers (first to last with a status) and the one to open with.
YearChoice = namedtuple("YearChoice", ["years", "default"])


class BackendError(Exception):
    """A failure with the core's message (already bilingual where the core writes it so)."""

    def __init__(self, message, exit_code=None):
        super().__init__(message)
        self.exit_code = exit_code


class Cancelled(BackendError):
    pass


class StaleCopy(BackendError):
    """The server refused a write because someone saved the same rows since they were read (409)."""

    def __init__(self, message, document):
        super().__init__(message, None)
        self.document = document


class ServerRefused(BackendError):
    """The server answered 401 or 403: no key, a key it does not know, or a role that may not see it."""

    def __init__(self, message, status):
        super().__init__(message, None)
        self.status = status


class Backend:
    read_only = True
    # True: `export_layers` writes the year's rows into a GeoPackage the plugin draws (and edits): every
    # layer's for a local store, the editable layers' for a server; False: nothing is exported.
    exports_layers = False
    # True: the layers are drawn from the server's tiles (the editable ones also from the export, to edit).
    draws_tiles = False
    # What the unit form may change through this backend.
    form_parts = ("status", "criteria", "hotspot", "clusters", "indicators")

    def identity(self):
        """Who the audit will name for the edits made here, as the panel shows it."""
        return ""

    def describe(self):
        raise NotImplementedError

    def close(self):
        """Gives back what the backend installed (the HTTP backend's server key)."""

    def layers(self):
        """The layer registry, drawing order (bottom first): the descriptors of `anttmap layers --json`."""
        raise NotImplementedError

    def years(self):
        """A YearChoice."""
        raise NotImplementedError

    def stats(self, year, feedback=None):
        raise NotImplementedError

    def validate(self, candidates=None, year=None, feedback=None):
        """`candidates`: a GeoJSON FeatureCollection (dict) of edited units (property `code`)."""
        raise NotImplementedError

    # -- the unit form and edits: not offered by a read-only backend ---------------------------------
    def _no_edits(self, *args, **kwargs):
        raise BackendError(tr("{source} offers no edits: open a local anttmap store to edit.").format(
            source=self.describe()))

    unit = reshape = set_status = designate_hotspot = lift_hotspot = set_clusters = _no_edits


def _no_console():
    return {"creationflags": 0x08000000} if sys.platform.startswith("win") else {}  # CREATE_NO_WINDOW


class _TemporaryJson:
    """A GeoJSON document in a temporary file for the tool to read; removed on exit."""

    def __init__(self, document, prefix):
        self.document = document
        self.prefix = prefix
        self.path = None

    def __enter__(self):
        if self.document is None:
            return None
        handle, self.path = tempfile.mkstemp(suffix=".geojson", prefix=self.prefix)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(self.document, out, ensure_ascii=False)
        return self.path

    def __exit__(self, *exc):
        if self.path:
            os.unlink(self.path)


def is_postgis_location(location):
    """A PostGIS store's URI (postgresql://…) rather than a SpatiaLite file's path."""
    return str(location).startswith(("postgresql://", "postgres://"))


def without_password(location):
    """The store's location without a password written in it (user:password@ or password=…): what the panel
    shows and QGIS' settings keep (PostgreSQL's ~/.pgpass or a service file keeps passwords, not QGIS)."""
    if not is_postgis_location(location):
        return location
    import re

    location = re.sub(r"^(postgres(?:ql)?://[^:@/?]*):[^@/?]*@", r"\1@", location)
    return re.sub(r"([?&])password=[^&]*&?", r"\1", location).rstrip("?&")


class CliBackend(Backend):
    """Runs `anttmap --db STORE --tool qgis --json ...`; the tool records the OS account it runs as.
    STORE is a SpatiaLite file or a PostGIS database (postgresql://…): the tool reaches either."""

    read_only = False
    exports_layers = True

    def __init__(self, db_path, binary=None):
        self.db_path = db_path
        self.binary = binary or find_anttmap()

    def describe(self):
        return without_password(self.db_path)

    def identity(self):
        from .settings import login_name

        return tr("{account} (this computer's account)").format(account=login_name())

    # -- running the tool ------------------------------------------------------------------
    def run(self, args, feedback=None, accept=(0,)):
        """Runs the tool; returns (exit code, parsed JSON of stdout or None)."""
        command = [self.binary, "--db", self.db_path, "--tool", TOOL_NAME, "--json", "--quiet"]
        code, out, err = self._execute(command + [str(arg) for arg in args], feedback)
        if code not in accept:
            raise BackendError(self._error_text(code, err), code)
        out = out.strip()
        return code, (json.loads(out.splitlines()[-1]) if out else None)

    def _execute(self, command, feedback):
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ),
                                   **_no_console())
        if feedback is None:
            out, err = process.communicate()
        else:
            while True:
                try:
                    out, err = process.communicate(timeout=0.2)
                    break
                except subprocess.TimeoutExpired:
                    if feedback.isCanceled():
                        process.kill()
                        process.communicate()
                        raise Cancelled(tr("Cancelled"))
        return process.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")

    @staticmethod
    def _error_text(code, err):
        for line in reversed(err.strip().splitlines()):
            try:
                return json.loads(line)["error"]
            except (ValueError, KeyError, TypeError):
                continue
        text = err.strip() or EXIT_MEANING.get(code, "exit code %s" % code)
        return "anttmap: " + text

    # -- reading ---------------------------------------------------------------------------
    def layers(self):
        return self.run(["layers"])[1]["layers"]

    def years(self):
        document = self.run(["years"])[1]
        return YearChoice(list(document.get("years", [])), document.get("default"))

    def export_layers(self, path, year, layers=None, feedback=None):
        """The rows every layer (or `layers`) shows in `year`, as one GeoPackage table per layer."""
        args = ["layers", "export", path, "--year", int(year)]
        if layers:
            args += ["--layers", ",".join(layers)]
        return self.run(args, feedback)[1]

    def stats(self, year, feedback=None):
        return self.run(["stats", "--year", int(year)], feedback)[1]

    def validate(self, candidates=None, year=None, feedback=None):
        args = ["validate"]
        if year:
            args += ["--year", int(year)]
        with _TemporaryJson(candidates, "anttmap-candidates-") as path:
            if path:
                args += ["--candidate", path]
            return self.run(args, feedback, accept=(0, EXIT_VALIDATION_ERRORS))[1]

    def styles_qml(self, layer):
        handle, path = tempfile.mkstemp(suffix=".qml", prefix="anttmap-style-")
        os.close(handle)
        try:
            command = [self.binary, "styles", "--format", "qml", "--layer", layer, "--output", path]
            code, _out, err = self._execute(command, None)
            if code != 0:
                raise BackendError(self._error_text(code, err), code)
            with open(path, encoding="utf-8") as text:
                return text.read()
        finally:
            os.unlink(path)

    def unit(self, code, year):
        """The unit form's document (`unit show`): the version valid on 31 December of `year` with its status,
        hotspot designations and cluster memberships."""
        return self.run(["unit", "show", code, "--year", int(year)])[1]

    # -- writing (audited with the editor's name and tool "qgis") --------------------------------
    def reshape(self, boundaries, year, pending=None, override_reason=None):
        """Saves edited boundaries (`unit reshape`): validated together with `pending` (other unsaved edits,
        not written); refused on validation errors unless `override_reason`. Returns the tool's document
        ({"written", "changed", "unchanged", "override", "report"}); a refusal is `written: false`."""
        with _TemporaryJson(boundaries, "anttmap-edited-") as edited, \
                _TemporaryJson(pending if pending and pending.get("features") else None, "anttmap-pending-") as other:
            args = ["unit", "reshape", edited, "--year", int(year)]
            if other:
                args += ["--with", other]
            if override_reason:
                args += ["--override-reason", override_reason]
            return self.run(args, accept=(0, EXIT_VALIDATION_ERRORS))[1]

    def lineage(self, code):
        """What the unit was made from and what it became (`lineage show`)."""
        return self.run(["lineage", "show", code])[1]

    def record_lineage(self, kind, codes, date, decision, into=None, name=None, subtype=None, parent=None,
                       units=None, note=None, feedback=None):
        """Records a merge, split, rename, reclassification, transfer, abolition or creation as a lineage event
        (`lineage KIND`): the old versions end the day before `date`, the new ones start on it; children move
        to the successor that holds them. `units` is the new units' file for a split or a creation."""
        args = ["lineage", kind] + list(codes) + ["--date", date, "--decision", decision]
        for option, value in (("into", into), ("name", name), ("subtype", subtype), ("parent", parent),
                              ("units", units), ("note", note)):
            if value:
                args += ["--" + option, value]
        if kind == "create":
            args += ["--kind", "commune"]
        return self.run(args, feedback)[1]

    def set_status(self, code, year, status, decision="", date="", authority="", note="", criteria=None):
        args = ["status", "set", code, "--year", int(year), "--status", status]
        for option, value in (("decision", decision), ("date", date), ("authority", authority), ("note", note)):
            if value:
                args += ["--" + option, value]
        for option, value in (criteria or {}).items():
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            args += ["--" + option, value]
        return self.run(args)[1]

    def indicators(self, code, year, kind=None):
        """{"reports": [{id, label, label_en, kind, target}] for the unit's kind, "indicators": the values in force}
        from `record indicators` and `record show`."""
        if not hasattr(self, "_catalogue"):
            self._catalogue = self.run(["record", "indicators"])[1]["indicators"]
        shown = self.run(["record", "show", code, "--year", int(year)])[1]
        kind = kind or self.unit(code, year)["unit"]["kind"]
        reports = [{"id": item["id"], "label": item["label_vi"], "label_en": item["label_en"], "kind": item["kind"],
                    "target": item.get("target")} for item in self._catalogue if kind in item["reported_by"]]
        return {"reports": reports, "indicators": shown["indicators"]}

    def record_indicators(self, code, year, values, note=""):
        """`record set CODE --year Y ID=VALUE...`: all values or none, audited."""
        args = ["record", "set", code, "--year", int(year)] + ["%s=%s" % (key, value) for key, value in values.items()]
        if note:
            args += ["--note", note]
        return self.run(args)[1]

    def designate_hotspot(self, code, valid_from, decision="", note=""):
        args = ["hotspot", "designate", code, "--from", valid_from]
        for option, value in (("decision", decision), ("note", note)):
            if value:
                args += ["--" + option, value]
        return self.run(args)[1]

    def lift_hotspot(self, code, on):
        """Ends the designation in force: `on` is the first day it no longer applies."""
        return self.run(["hotspot", "lift", code, "--on", on])[1]

    def set_clusters(self, code, year, clusters):
        """Makes `code` a member of exactly `clusters` in `year`."""
        return self.run(["cluster", "membership", code, "--year", int(year), "--clusters", ",".join(clusters)])[1]

    def import_file(self, path, kind, source_srs=None, encoding="auto", valid_from=None, valid_to=None,
                    replace=False, layer=None, fields=None, feedback=None):
        args = ["import", path, "--kind", kind, "--encoding", encoding]
        if source_srs:
            args += ["--s-srs", source_srs]
        if valid_from:
            args += ["--valid-from", valid_from]
        if valid_to:
            args += ["--valid-to", valid_to]
        if replace:
            args += ["--replace"]
        if layer:
            args += ["--layer", layer]
        for option, value in (fields or {}).items():
            if value:
                args += ["--" + option, value]
        return self.run(args, feedback)[1]

    def export(self, path, kind, year=None, target_srs=None, feedback=None):
        args = ["export", path, "--kind", kind]
        if year:
            args += ["--year", int(year)]
        if target_srs:
            args += ["--t-srs", target_srs]
        return self.run(args, feedback)[1]


def _feature_collection(path):
    """The features of the file at `path` as a GeoJSON FeatureCollection in EPSG:4326 (QGIS reads the file)."""
    from qgis.core import QgsJsonExporter, QgsVectorLayer

    layer = QgsVectorLayer(path, "units", "ogr")
    if not layer.isValid():
        raise BackendError(tr("Cannot read {path} as a layer.").format(path=path))
    exporter = QgsJsonExporter(layer, 12)
    exporter.setIncludeGeometry(True)
    exporter.setTransformGeometries(True)  # to EPSG:4326, as GeoJSON wants
    return json.loads(exporter.exportFeatures(list(layer.getFeatures())))


class HttpBackend(Backend):
    """An anttmap server (docs/api.md), through QGIS' network manager (proxy and SSL settings apply).

    `authcfg`: the QGIS authentication configuration holding the server key (core/server_key.py). While the
    backend is open, every request QGIS makes below `base_url` (the API here, the tile layers) carries
    `Authorization: Bearer KEY`; close() removes that. The server says who the key is (GET /api/me): an
    editor or admin may edit, everyone else reads."""

    draws_tiles = True
    # hotspots, clusters and criteria are not written by the plugin over the network yet
    form_parts = ("status", "indicators")

    def __init__(self, base_url, authcfg=None, timeout_s=60):
        from .server_key import ServerKey, read_key

        self.base_url = base_url.rstrip("/")
        self.authcfg = authcfg or ""
        self.timeout_s = timeout_s
        self.access = ServerKey(self.base_url, read_key(self.authcfg) if self.authcfg else None)
        self.access.install()
        self._me = None
        self._status_tags = {}  # (code, year) -> ETag of the status row the unit form showed

    def describe(self):
        return self.base_url

    def close(self):
        self.access.remove()

    # -- who -------------------------------------------------------------------------------------
    def me(self):
        """{"name", "role", "scope", "edits"} of the key (GET /api/me); the public's when the server cannot say."""
        if self._me is None:
            try:
                self._me = self._request("/api/me")
            except BackendError:  # an older server, or a refused key: read-only
                self._me = {"name": None, "role": "public", "scope": [], "edits": False}
        return self._me

    @property
    def read_only(self):
        return not self.me().get("edits")

    @property
    def exports_layers(self):
        return not self.read_only

    def identity(self):
        me = self.me()
        if not me.get("name"):
            return tr("nobody signed in (public layers only)")
        scope = ", ".join(me.get("scope") or []) or tr("whole store")
        return tr("{name} ({role}, scope {scope})").format(name=me["name"], role=me.get("role"), scope=scope)

    # -- requests --------------------------------------------------------------------------------
    def _request(self, path, body=None, feedback=None, method=None, headers=None, accept=(200,)):
        """The parsed JSON answer of `path`; with `accept` other than (200,): (status, answer)."""
        from qgis.core import QgsBlockingNetworkRequest
        from qgis.PyQt.QtCore import QUrl
        from qgis.PyQt.QtNetwork import QNetworkRequest

        from .server_key import REFUSED, refusal_message

        # No Authorization here: the server key's preprocessor adds it (the same rule as for the tiles).
        request = QNetworkRequest(QUrl(self.base_url + path))
        request.setTransferTimeout(int(self.timeout_s * 1000))
        request.setRawHeader(b"X-Anttmap-Client", b"qgis")
        for name, value in (headers or {}).items():
            request.setRawHeader(name.encode("ascii"), value.encode("utf-8"))
        blocking = QgsBlockingNetworkRequest()
        method = method or ("GET" if body is None else "POST")
        payload = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        if payload is not None:
            request.setHeader(QNetworkRequest.ContentTypeHeader,
                              "application/geo+json" if path.startswith("/api/validate") else "application/json")
        if method == "GET":
            error = blocking.get(request, True, feedback)
        elif method == "PUT":
            error = blocking.put(request, payload, feedback)
        else:
            error = blocking.post(request, payload, True, feedback)
        reply = blocking.reply()
        content = bytes(reply.content())
        status = reply.attribute(QNetworkRequest.HttpStatusCodeAttribute)
        status = int(status) if status else None
        try:
            document = json.loads(content.decode("utf-8")) if content else None
        except ValueError:
            document = None
        if status in accept and status != 200 and document is not None:
            return status, document
        if error != QgsBlockingNetworkRequest.NoError or (status and status >= 400) or document is None:
            try:
                message = document["error"]
            except (KeyError, TypeError):
                message = blocking.errorMessage() or "HTTP %s" % status
            where = "%s: %s" % (self.base_url + path, message)
            if status in REFUSED:
                raise ServerRefused(refusal_message(status, self.access.has_key) + "\n" + where, status)
            raise BackendError(where)
        return (status, document) if accept != (200,) else document

    # -- reading ---------------------------------------------------------------------------------
    def layers(self):
        return self._request("/api/layers")["layers"]

    def years(self):
        document = self._request("/api/years")
        return YearChoice(list(document.get("years", [])), document.get("default"))

    def stats(self, year, feedback=None):
        return self._request("/api/stats?year=%d" % int(year), feedback=feedback)

    def validate(self, candidates=None, year=None, feedback=None):
        query = "?year=%d" % int(year) if year else ""
        body = candidates if candidates is not None else {"type": "FeatureCollection", "features": []}
        return self._request("/api/validate" + query, body=body, feedback=feedback)

    def tile_uri(self, layer, year):
        """A QGIS XYZ layer source for the server's PNG tiles of `layer` in `year`."""
        from qgis.core import QgsDataSourceUri

        uri = QgsDataSourceUri()
        uri.setParam("type", "xyz")
        uri.setParam("url", "%s/tiles/%s/{z}/{x}/{y}.png?year=%d" % (self.base_url, layer, int(year)))
        uri.setParam("zmin", "0")
        uri.setParam("zmax", "19")
        return bytes(uri.encodedUri()).decode("utf-8")

    def export_layers(self, path, year, layers=None, feedback=None):
        """The editable layers' units of `year` with their exact boundaries and version tags, one GeoPackage
        table per layer (the other layers are the server's tiles)."""
        from .boundary_copy import write_geopackage

        editable = [d["name"] for d in self.layers() if d.get("editable") and (not layers or d["name"] in layers)]
        copies = {}
        for index, name in enumerate(editable):
            copies[name] = self._request("/api/boundaries?layer=%s&year=%d" % (name, int(year)), feedback=feedback)
            if feedback is not None:
                feedback.setProgress(50.0 * (index + 1) / len(editable))
        write_geopackage(path, copies)
        return {"layers": editable}

    def unit(self, code, year):
        """The unit form's document from GET /api/units/{code} and the status row in force (with its ETag)."""
        from urllib.parse import quote

        unit = self._request("/api/units/%s?year=%d" % (quote(code, safe=""), int(year)))
        status, row = self._request("/api/units/%s/status/%d" % (quote(code, safe=""), int(year)), accept=(200, 404))
        if status == 404:
            row = None
            self._status_tags.pop((code, int(year)), None)
        else:
            self._status_tags[(code, int(year))] = row["etag"]
        form_row = None if row is None else {"status": row["status"], "decision_number": row.get("decision"),
                                             "decision_date": row.get("date"), "authority": row.get("authority"),
                                             "note": row.get("note")}
        return {"unit": unit, "status": form_row, "hotspot": None, "clusters": [], "all_clusters": []}

    # -- writing (audited with the key's account and client qgis) -----------------------------------
    def reshape(self, boundaries, year, pending=None, override_reason=None):
        """POST /api/boundaries: the same document as the tool's `unit reshape` (a validation refusal is
        `written: false`); a stale copy raises StaleCopy naming the units."""
        body = {"year": int(year), "boundaries": boundaries}
        if pending and pending.get("features"):
            body["pending"] = pending
        if override_reason:
            body["override_reason"] = override_reason
        status, document = self._request("/api/boundaries", body=body, accept=(200, 409, 422))
        if status == 409:
            raise StaleCopy(tr("Not saved: {units} changed on the server since you loaded the layer (someone else "
                               "saved). Your edits are kept: note them, discard, load the layers again and redo "
                               "them.").format(units=", ".join(document.get("stale", []))), document)
        return document

    def lineage(self, code):
        """GET /api/units/{code}/lineage: what the unit was made from and what it became."""
        from urllib.parse import quote

        return self._request("/api/units/%s/lineage" % quote(code, safe=""))

    def record_lineage(self, kind, codes, date, decision, into=None, name=None, subtype=None, parent=None,
                       units=None, note=None, feedback=None):
        """POST /api/lineage: the same change as `lineage KIND` on a store, recorded by the server for the key's
        account (editors inside their scope, admins). `units` (a split, a creation) is any file QGIS opens;
        its features go as GeoJSON in EPSG:4326 with their code, name, subtype and parent_code."""
        body = {"kind": kind, "from": list(codes), "date": date, "decision": decision}
        if note:
            body["note"] = note
        if kind == "merge":
            body["into"] = {key: value for key, value in (("code", into), ("name", name), ("subtype", subtype),
                                                          ("parent_code", parent)) if value}
        else:
            for key, value in (("name", name), ("subtype", subtype), ("parent_code", parent)):
                if value:
                    body[key] = value
        if kind == "create":
            body["unit_kind"] = "commune"
        if units:
            body["units"] = _feature_collection(units)
        return self._request("/api/lineage", body=body, feedback=feedback)

    def indicators(self, code, year, kind=None):
        """GET /api/units/{code}/indicators/{year}: what the unit reports and the values in force."""
        from urllib.parse import quote

        return self._request("/api/units/%s/indicators/%d" % (quote(code, safe=""), int(year)))

    def record_indicators(self, code, year, values, note=""):
        """PUT /api/units/{code}/indicators/{year}: all values or none, audited with the key's account."""
        from urllib.parse import quote

        body = {"values": dict(values), "note": note or None}
        return self._request("/api/units/%s/indicators/%d" % (quote(code, safe=""), int(year)), body=body,
                             method="PUT")

    def set_status(self, code, year, status, decision="", date="", authority="", note="", criteria=None):
        from urllib.parse import quote

        if any(value not in (None, "") for value in (criteria or {}).values()):
            raise BackendError(tr("The criteria are not saved over the network yet: use a local store."))
        body = {"status": status, "decision": decision or None, "date": date or None, "authority": authority or None,
                "note": note or None}
        headers = {}
        tag = self._status_tags.get((code, int(year)))
        if tag:
            headers["If-Match"] = tag
        path = "/api/units/%s/status/%d" % (quote(code, safe=""), int(year))
        answer_status, row = self._request(path, body=body, method="PUT", headers=headers, accept=(200, 409))
        if answer_status == 409:
            current = row.get("current") or {}
            raise StaleCopy(tr("Not saved: the status of {code} in {year} was changed meanwhile ({status}, by "
                               "{who}). Open the form again to see it.").format(
                code=code, year=int(year), status=current.get("status"), who=current.get("recorded_by") or "?"), row)
        self._status_tags[(code, int(year))] = row["etag"]
        return row
