"""Where the logic runs: the anttmap tool (`--json`) on a store file, or an anttmap server's HTTP API.

Both answer with the core's own JSON documents (stats, validate), so the plugin never re-implements a rule.
The HTTP backend is read-only: layers come from the server's tiles, statistics and validation from /api.
"""
import json
import os
import subprocess
import sys
import tempfile

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


class BackendError(Exception):
    """A failure with the core's message (already bilingual where the core writes it so)."""

    def __init__(self, message, exit_code=None):
        super().__init__(message)
        self.exit_code = exit_code


class Cancelled(BackendError):
    pass


class Backend:
    read_only = True

    def describe(self):
        raise NotImplementedError

    def years(self):
        """Years with a status, ascending."""
        raise NotImplementedError

    def stats(self, year, feedback=None):
        raise NotImplementedError

    def validate(self, candidates=None, year=None, feedback=None):
        """`candidates`: a GeoJSON FeatureCollection (dict) of edited units (property `code`)."""
        raise NotImplementedError


def _no_console():
    return {"creationflags": 0x08000000} if sys.platform.startswith("win") else {}  # CREATE_NO_WINDOW


class CliBackend(Backend):
    """Runs `anttmap --db STORE --user EDITOR --tool qgis --json ...`."""

    read_only = False

    def __init__(self, db_path, user, binary=None):
        self.db_path = db_path
        self.user = user
        self.binary = binary or find_anttmap()
        self._tool_option = None  # older tools have no --tool: then the audit says "anttmap COMMAND"

    def describe(self):
        return self.db_path

    # -- running the tool ------------------------------------------------------------------
    def run(self, args, feedback=None, accept=(0,)):
        """Runs the tool; returns (exit code, parsed JSON of stdout or None)."""
        command = [self.binary, "--db", self.db_path, "--user", self.user, "--json", "--quiet"]
        if self._supports_tool_option():
            command += ["--tool", TOOL_NAME]
        code, out, err = self._execute(command + [str(arg) for arg in args], feedback)
        if code not in accept:
            raise BackendError(self._error_text(code, err), code)
        out = out.strip()
        return code, (json.loads(out.splitlines()[-1]) if out else None)

    def _supports_tool_option(self):
        if self._tool_option is None:
            code, out, _err = self._execute([self.binary, "--help"], None)
            self._tool_option = code == 0 and "--tool" in out
        return self._tool_option

    def _execute(self, command, feedback):
        env = dict(os.environ)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
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
    def years(self):
        # A plain read of the store (no rule involved): the years that have a status row.
        from .store import StoreReader

        return StoreReader(self.db_path).years_with_status()

    def stats(self, year, feedback=None):
        return self.run(["stats", "--year", int(year)], feedback)[1]

    def validate(self, candidates=None, year=None, feedback=None):
        args = ["validate"]
        if year:
            args += ["--year", int(year)]
        path = None
        try:
            if candidates is not None:
                handle, path = tempfile.mkstemp(suffix=".geojson", prefix="anttmap-candidates-")
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(candidates, out, ensure_ascii=False)
                args += ["--candidate", path]
            return self.run(args, feedback, accept=(0, EXIT_VALIDATION_ERRORS))[1]
        finally:
            if path:
                os.unlink(path)

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

    def status_history(self, code):
        return self.run(["status", "show", code])[1]["history"]

    def export_clusters(self, path, year):
        return self.run(["export", path, "--kind", "cluster", "--year", int(year)])[1]

    # -- writing (audited with the editor's name and tool "qgis") --------------------------------
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
    """An anttmap server (docs/api.md), through QGIS' network manager (proxy and SSL settings apply)."""

    read_only = True

    def __init__(self, base_url, timeout_s=60):
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def describe(self):
        return self.base_url

    def _request(self, path, body=None, feedback=None):
        from qgis.core import QgsBlockingNetworkRequest
        from qgis.PyQt.QtCore import QUrl
        from qgis.PyQt.QtNetwork import QNetworkRequest

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
        if error != QgsBlockingNetworkRequest.NoError or (status and int(status) >= 400):
            try:
                message = json.loads(content.decode("utf-8"))["error"]
            except (ValueError, KeyError, TypeError):
                message = blocking.errorMessage() or "HTTP %s" % status
            raise BackendError("%s: %s" % (self.base_url + path, message))
        return json.loads(content.decode("utf-8"))

    def years(self):
        return list(self._request("/api/years").get("years", []))

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
