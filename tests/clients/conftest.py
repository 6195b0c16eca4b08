"""Fixtures for the real-client tests: a sample store and a running `anttmap serve`.

Run with Debian's /usr/bin/python3 (python3-qgis, python3-owslib and python3-gdal import only there):
    ANTTMAP=build/server/anttmap /usr/bin/python3 -m pytest tests/clients
With ANTT_TEST_STORE=postgis and ANTTMAP_TEST_PG (scripts/pg-cluster.sh) every store is a PostGIS database.
"""
import faulthandler
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "support"))
from stores import Stores  # noqa: E402  (tests/support/stores.py)


def anttmap_binary():
    path = os.environ.get("ANTTMAP", "build/server/anttmap")
    if not os.path.exists(path):
        pytest.fail(f"anttmap binary not found at {path}; set ANTTMAP")
    return os.path.abspath(path)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(url, headers=None, timeout=30):
    """(status, headers, body) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class RunningServer:
    def __init__(self, store, port, process, viewer_key):
        self.store = store
        self.port = port
        self.process = process
        self.url = f"http://127.0.0.1:{port}"
        self.viewer_key = viewer_key  # a leadership key: sees the internal layers too

    def get(self, path, headers=None):
        return http_get(self.url + path, headers)

    def viewer_headers(self):
        return {"Authorization": "Bearer " + self.viewer_key}


@pytest.fixture(autouse=True)
def stuck_test_says_where():
    """A test stuck for 5 minutes prints every thread's stack and ends the run, rather than leaving ctest's
    timeout to end it with nothing said about where it stopped."""
    faulthandler.dump_traceback_later(300, exit=True, file=sys.__stderr__)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="session")
def stores(tmp_path_factory):
    """Makes stores of the kind the run tests (stores.py) and drops the PostGIS ones at the end."""
    made = Stores(anttmap_binary(), tmp_path_factory.mktemp("stores"))
    yield made
    made.drop_all()


@pytest.fixture(scope="session")
def sample_store(stores, tmp_path_factory):
    """The sample province's store (a location: a path or a postgresql:// URI) the shared server serves."""
    return stores.sample_copy(tmp_path_factory.mktemp("store") / "sample.sqlite")


@pytest.fixture(scope="session")
def server(sample_store, tmp_path_factory):
    made = subprocess.run([anttmap_binary(), "--db", str(sample_store), "--json", "key", "add", "leadership",
                           "--role", "viewer"], check=True, capture_output=True, text=True)
    viewer_key = json.loads(made.stdout)["key"]
    port = free_port()
    log = open(tmp_path_factory.mktemp("serve") / "serve.log", "w")
    process = subprocess.Popen(
        [anttmap_binary(), "--db", str(sample_store), "--quiet", "serve", "--port", str(port),
         "--cors", "http://portal.example"],
        stdout=log, stderr=subprocess.STDOUT)
    running = RunningServer(sample_store, port, process, viewer_key)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"anttmap serve exited with {process.returncode}: " + open(log.name).read())
        try:
            status, _, body = running.get("/health")
            if status == 200 and json.loads(body)["status"] == "ok":
                break
        except OSError:
            pass
        time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("anttmap serve did not become healthy within 120 s")
    yield running
    process.terminate()
    try:
        returncode = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("anttmap serve did not stop on SIGTERM")
    log.close()
    # A clean stop exits 0; under AddressSanitizer a leak or memory error makes it non-zero.
    if returncode != 0:
        pytest.fail(f"anttmap serve exited with {returncode} after SIGTERM:\n" + open(log.name).read()[-6000:])
