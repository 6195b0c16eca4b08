"""Where the logic runs: the anttmap tool (`--json`) on a store file, or an anttmap server's HTTP API.

Both answer with the core's own JSON documents (layers, years, stats, validate, unit, reshape), so the
plugin never re-implements a rule and never reads or writes the store itself. The HTTP backend is
read-only for now: its layers are the server's tiles; a network writer implements the same write
methods (reshape, set_status, ...) and sets `read_only = False`.
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


class ServerRefused(BackendError):
    """The server answered 401 or 403: no key, a key it does not know, or a role that may not see it."""

    def __init__(self, message, status):
        super().__init__(message, None)
        self.status = status


class Backend:
    read_only = True
    # True: `export_layers` writes the year's rows of every layer into a GeoPackage the plugin draws
    # (and edits); False: the layers are the server's tiles.
    exports_layers = False

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


class CliBackend(Backend):
    """Runs `anttmap --db STORE --user EDITOR --tool qgis --json ...`."""

    read_only = False
    exports_layers = True

    def __init__(self, db_path, user, binary=None):
        self.db_path = db_path
        self.user = user  # the panel keeps it up to date with its Editor field
        self.binary = binary or find_anttmap()

    def describe(self):
        return self.db_path

    # -- running the tool ------------------------------------------------------------------
    def run(self, args, feedback=None, accept=(0,)):
        """Runs the tool; returns (exit code, parsed JSON of stdout or None)."""
        command = [self.binary, "--db", self.db_path, "--user", self.user, "--tool", TOOL_NAME, "--json", "--quiet"]
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


class HttpBackend(Backend):
    """An anttmap server (docs/api.md), through QGIS' network manager (proxy and SSL settings apply).

    `authcfg`: the QGIS authentication configuration holding the server key (core/server_key.py). While the
    backend is open, every request QGIS makes below `base_url` (the API here, the tile layers) carries
    `Authorization: Bearer KEY`; close() removes that."""

    read_only = True

    def __init__(self, base_url, authcfg=None, timeout_s=60):
        from .server_key import ServerKey, read_key

        self.base_url = base_url.rstrip("/")
        self.authcfg = authcfg or ""
        self.timeout_s = timeout_s
        self.access = ServerKey(self.base_url, read_key(self.authcfg) if self.authcfg else None)
        self.access.install()

    def describe(self):
        return self.base_url

    def close(self):
        self.access.remove()

    def _request(self, path, body=None, feedback=None):
        from qgis.core import QgsBlockingNetworkRequest
        from qgis.PyQt.QtCore import QUrl
        from qgis.PyQt.QtNetwork import QNetworkRequest

        from .server_key import REFUSED, refusal_message

        # No Authorization here: the server key's preprocessor adds it (the same rule as for the tiles).
        request = QNetworkRequest(QUrl(self.base_url + path))
        request.setTransferTimeout(int(self.timeout_s * 1000))
        blocking = QgsBlockingNetworkRequest()
        if body is None:
            error = blocking.get(request, True, feedback)
        else:
            request.setHeader(QNetworkRequest.ContentTypeHeader, "application/geo+json")
            error = blocking.post(request, json.dumps(body, ensure_ascii=False).encode("utf-8"), True, feedback)
        reply = blocking.reply()
        content = bytes(reply.content())
        status = reply.attribute(QNetworkRequest.HttpStatusCodeAttribute)
        status = int(status) if status else None
        if error != QgsBlockingNetworkRequest.NoError or (status and status >= 400):
            try:
                message = json.loads(content.decode("utf-8"))["error"]
            except (ValueError, KeyError, TypeError):
                message = blocking.errorMessage() or "HTTP %s" % status
            where = "%s: %s" % (self.base_url + path, message)
            if status in REFUSED:
                raise ServerRefused(refusal_message(status, self.access.has_key) + "\n" + where, status)
            raise BackendError(where)
        return json.loads(content.decode("utf-8"))

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
