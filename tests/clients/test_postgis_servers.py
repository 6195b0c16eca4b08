"""Two `anttmap serve` processes sharing one PostGIS store (the tests' throwaway PostgreSQL cluster,
$ANTTMAP_TEST_PG): an edit made through either server's API, through the CLI or by plain SQL (psql) is seen
by the other within a second, its tiles drawn anew; a server killed with SIGKILL leaves the other serving
without a failed request, and comes back to the same answers."""
import json
import math
import signal
import subprocess
import threading
import time
import urllib.request
import uuid

import pytest

from conftest import anttmap_binary, free_port, http_get
from stores import cluster_uri, database_uri, psql

COMMUNE = "04831"  # Thị trấn Đà Bắc, in huyện Đà Bắc (150) until 2025


def cli(store, *args):
    done = subprocess.run([anttmap_binary(), "--db", store, "--quiet", *map(str, args)], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def tile_of(lon, lat, zoom):
    n = 2 ** zoom
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def put_status(url, key, code, year, body, if_match=None):
    headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
    if if_match:
        headers["If-Match"] = if_match
    request = urllib.request.Request(f"{url}/api/units/{code}/status/{year}", data=json.dumps(body).encode(),
                                     headers=headers, method="PUT")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


class Server:
    def __init__(self, store, folder):
        self.store, self.folder = store, folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        self.log = open(self.folder / "serve.log", "a")
        self.process = subprocess.Popen(
            [anttmap_binary(), "--db", self.store, "--quiet", "serve", "--port", str(self.port), "--work-dir",
             str(self.folder)], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"anttmap serve exited with {self.process.returncode}: "
                            + (self.folder / "serve.log").read_text())
            try:
                if http_get(self.url + "/health", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail("anttmap serve on PostGIS did not become healthy within 120 s")

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)
        self.log.close()


@pytest.fixture
def shared_store(sample_store, tmp_path):
    cluster = cluster_uri()
    name = "anttmap_servers_" + uuid.uuid4().hex[:12]
    psql(cluster, f"CREATE DATABASE {name} TEMPLATE anttmap_template")
    store = database_uri(cluster, name)
    try:
        cli(store, "copy", "--from", str(sample_store), "--to", store)
        key = json.loads(cli(store, "--json", "key", "add", "da-bac", "--role", "editor", "--scope", "150"))["key"]
        servers = [Server(store, tmp_path / f"node{i}") for i in (1, 2)]
        for server in servers:
            server.folder.mkdir()
            server.start()
        yield store, servers, key
        for server in servers:
            server.stop()
    finally:
        psql(cluster, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def wait_for_change(url, before, seconds=5.0):
    """Seconds until GET url answers other bytes than `before`; fails after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if http_get(url)[2] != before:
            return time.monotonic() - started
        time.sleep(0.02)
    pytest.fail(f"{url} did not change within {seconds} s")


def test_an_edit_through_one_server_the_cli_or_plain_sql_reaches_the_other_within_a_second(shared_store):
    store, (first, second), key = shared_store
    unit = json.loads(http_get(f"{second.url}/api/units/{COMMUNE}?year=2020")[2])
    x, y = tile_of(*unit["center"], 13)
    tile = f"/tiles/communes/13/{x}/{y}.png?year=2020"
    before = http_get(second.url + tile)[2]
    assert before.startswith(b"\x89PNG")
    assert http_get(first.url + tile)[2] == before  # both draw the same store

    # Through the first server's API: the second draws the tile anew.
    status, saved = put_status(first.url, key, COMMUNE, 2020, {
        "status": "revoked", "decision": "99/QĐ-UBND", "date": "2020-12-30", "authority": "UBND huyện Đà Bắc",
        "note": "Thu hồi — thử nghiệm hai máy chủ ỹ ữ ẵ ộ"})
    assert status == 200, saved
    seen = wait_for_change(second.url + tile, before)
    assert seen < 1.0, f"the other server's tile changed {seen:.2f} s after the write"
    row = json.loads(http_get(f"{second.url}/api/units/{COMMUNE}/status/2020")[2])
    assert row["status"] == "revoked" and row["etag"] == saved["etag"]

    # Through the CLI, straight into the database.
    revoked = http_get(first.url + tile)[2]
    cli(store, "status", "set", COMMUNE, "--year", 2020, "--status", "registered")
    assert wait_for_change(first.url + tile, revoked) < 1.0
    assert wait_for_change(second.url + tile, revoked) < 1.0

    # By plain SQL (psql), as a database administrator would: the audit names the role.
    registered = http_get(second.url + tile)[2]
    psql(store, f"INSERT INTO unit_status (unit_code, year, status, decision_number, decision_date, authority) "
                f"VALUES ('{COMMUNE}', 2020, 'recognised', '7/QĐ-UBND', '2020-12-31', 'UBND huyện Đà Bắc')")
    assert wait_for_change(second.url + tile, registered) < 1.0
    assert json.loads(http_get(f"{first.url}/api/units/{COMMUNE}/status/2020")[2])["status"] == "recognised"
    audit = json.loads(cli(store, "--json", "audit", "--table", "unit_status", "--limit", "3"))["entries"]
    assert [entry["user"] for entry in audit][0] == "da-bac"
    assert audit[-1]["tool"] == "sql" and audit[-1]["user"] == psql(store, "SELECT session_user")


def test_two_editors_with_the_same_etag_on_two_servers_one_wins_the_other_is_told(shared_store):
    store, (first, second), key = shared_store
    for attempt in range(5):
        status, headers, _ = http_get(f"{first.url}/api/units/{COMMUNE}/status/2019")
        assert status == 200
        etag = headers["ETag"]
        answers = [None, None]

        def write(index, server, status_value):
            answers[index] = put_status(server.url, key, COMMUNE, 2019, {"status": status_value,
                                        "note": f"lần {attempt}"}, etag)

        threads = [threading.Thread(target=write, args=(0, first, "registered")),
                   threading.Thread(target=write, args=(1, second, "proposed"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        codes = sorted(answer[0] for answer in answers)
        assert codes == [200, 409], answers
        winner = next(answer[1] for answer in answers if answer[0] == 200)
        loser = next(answer[1] for answer in answers if answer[0] == 409)
        assert loser["current"]["etag"] == winner["etag"]


def test_a_server_killed_leaves_the_other_serving_and_comes_back_to_the_same_answers(shared_store):
    store, (first, second), key = shared_store
    paths = ["/api/stats?year=2020", "/tiles/districts/9/406/225.png?year=2015", "/api/units/04831?year=2020"]
    answers = {path: http_get(second.url + path)[2] for path in paths}
    first.stop(signal.SIGKILL)
    # The other node answers every request while its peer is gone, and sees a write made meanwhile.
    failures = [path for path in paths * 5 if http_get(second.url + path)[0] != 200]
    assert not failures
    put = put_status(second.url, key, COMMUNE, 2021, {"status": "proposed"})
    assert put[0] == 200, put[1]
    first.start()
    for path in paths:
        assert http_get(first.url + path)[2] == http_get(second.url + path)[2], path
    assert json.loads(http_get(f"{first.url}/api/units/{COMMUNE}/status/2021")[2])["status"] == "proposed"
    assert http_get(second.url + paths[0])[2] == answers[paths[0]]  # 2020's figures did not move
