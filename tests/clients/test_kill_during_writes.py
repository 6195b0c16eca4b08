"""A server killed with SIGKILL while it writes: after it, the store passes SQLite's integrity check and
`anttmap validate`, and holds each edit whole or not at all. A tiny province made with the CLI (two communes
sharing one border, a clean tiling); an editor's client moves the shared border back and forth, each move one
edit of both communes, while the server is killed at different moments."""
import json
import subprocess
import threading
import time
import urllib.request

import pytest

from conftest import anttmap_binary, free_port, http_get
from stores import is_postgis, plain_sql

WEST, BORDER, EAST, SOUTH, NORTH = 105.0, 105.02, 105.04, 21.0, 21.02


def box(west, east):
    return {"type": "Polygon", "coordinates": [[[west, SOUTH], [east, SOUTH], [east, NORTH], [west, NORTH],
                                                [west, SOUTH]]]}


def collection(rows):
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": properties, "geometry": geometry}
                         for properties, geometry in rows]}


def run(store, *args):
    return subprocess.run([anttmap_binary(), "--db", str(store), "--quiet", *map(str, args)],
                          capture_output=True, text=True)


@pytest.fixture
def tiny_store(stores, tmp_path):
    store = stores.new_store(tmp_path / "tiny.sqlite")
    files = {"province": collection([({"code": "91", "name": "Tỉnh Thử Nghiệm"}, box(WEST, EAST))]),
             "district": collection([({"code": "910", "name": "Huyện Mẫu", "parent": "91"}, box(WEST, EAST))]),
             "commune": collection([({"code": "91001", "name": "Xã Hòa Bình Ngãi", "parent": "910"}, box(WEST, BORDER)),
                                    ({"code": "91002", "name": "Xã Đồng Tâm Lũy", "parent": "910"}, box(BORDER, EAST))])}
    assert run(store, "init").returncode == 0
    for kind, document in files.items():
        path = tmp_path / (kind + ".geojson")
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        extra = ["--parent-field", "parent"] if kind != "province" else []
        imported = run(store, "import", path, "--kind", kind, "--valid-from", "2008-01-01", *extra)
        assert imported.returncode == 0, imported.stderr
    made = subprocess.run([anttmap_binary(), "--db", str(store), "--json", "key", "add", "huyen", "--role", "editor",
                           "--scope", "910"], capture_output=True, text=True, check=True)
    return store, json.loads(made.stdout)["key"]


def start_server(store, folder):
    port = free_port()
    process = subprocess.Popen([anttmap_binary(), "--db", str(store), "--quiet", "serve", "--port", str(port),
                                "--work-dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if http_get(url + "/health")[0] == 200:
                return process, url
        except OSError:
            time.sleep(0.05)
    process.kill()
    pytest.fail("anttmap serve did not start")


def kill_during(store, folder, delay, work):
    """Starts a server on `store`, runs `work(url, stop)` in a thread, SIGKILLs the server after `delay` s
    (no handler runs, no transaction is finished by the server); returns what `work` returned."""
    process, url = start_server(store, folder)
    stop = threading.Event()
    result = {}
    writer = threading.Thread(target=lambda: result.setdefault("done", work(url, stop)))
    writer.start()
    time.sleep(delay)
    process.kill()
    process.wait(30)
    stop.set()
    writer.join(30)
    return result.get("done", 0)


def keep_moving_the_border(url, key, stop):
    """Posts border moves until `stop` is set or the server is gone; returns how many were answered 200."""
    saved = 0
    for step in range(10_000):
        if stop.is_set():
            break
        border = BORDER + (0.001 if step % 2 == 0 else -0.001)
        body = {"year": 2020, "boundaries": collection([({"code": "91001"}, box(WEST, border)),
                                                         ({"code": "91002"}, box(border, EAST))])}
        request = urllib.request.Request(url + "/api/boundaries", data=json.dumps(body).encode(), method="POST",
                                         headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                saved += answer.status == 200
        except OSError:  # killed under us
            break
    return saved


def east_edge_and_west_edge(store):
    """91001's east edge and 91002's west edge on 31 December 2020, as stored."""
    edges = []
    for code in ("91001", "91002"):
        shown = json.loads(subprocess.run([anttmap_binary(), "--db", str(store), "--json", "unit", "show", code,
                                           "--year", "2020", "--geometry"], capture_output=True, text=True,
                                          check=True).stdout)
        xs = {round(x, 9) for x, _ in shown["geometry"]["coordinates"][0][0]}
        edges.append(max(xs) if code == "91001" else min(xs))
    return edges


def assert_store_intact(store):
    """SQLite's own checks of the file (PostgreSQL keeps its files whole itself, with its write-ahead log)."""
    if not is_postgis(store):
        assert plain_sql(store, "PRAGMA integrity_check")[0][0] == "ok"
        assert plain_sql(store, "PRAGMA foreign_key_check") == []


def test_sigkill_during_boundary_writes_leaves_whole_edits_and_a_valid_store(tiny_store, tmp_path):
    store, key = tiny_store
    answered = 0
    for trial, delay in enumerate((0.05, 0.12, 0.2, 0.33, 0.5, 0.8, 2.0)):
        answered += kill_during(store, tmp_path / ("work%d" % trial), delay,
                                lambda url, stop: keep_moving_the_border(url, key, stop))

        assert_store_intact(store)
        east, west = east_edge_and_west_edge(store)
        assert east == west, f"trial {trial}: half an edit is stored (91001 ends at {east}, 91002 starts at {west})"
        validated = run(store, "validate", "--year", 2020)
        assert validated.returncode == 0, validated.stdout + validated.stderr
        # each move changes both communes: the audit has them in pairs
        updates = plain_sql(store, "SELECT count(*) FROM audit_log WHERE table_name = 'unit' AND operation = 'UPDATE'")
        assert updates[0][0] % 2 == 0
    assert answered > 0, "no edit was ever saved: the kills did not land during writes"
    print(f"{answered} edits answered before the kills")


def test_sigkill_during_decision_uploads_leaves_whole_files_and_a_valid_store(tiny_store, tmp_path):
    store, key = tiny_store
    assert run(store, "status", "set", "91001", "--year", 2020, "--status", "registered").returncode == 0
    # 4 MB each: the body takes a while to arrive and to be written, so kills land in every phase.
    document = b"%PDF-1.4\n" + bytes(range(256)) * (4 * 4096) + b"\n%%EOF\n"
    uploaded = 0
    for trial, delay in enumerate((0.05, 0.15, 0.3, 0.6, 2.5)):  # the last lets uploads finish under ASan too
        def keep_uploading(url, stop):
            saved = 0
            while not stop.is_set():
                request = urllib.request.Request(url + "/api/units/91001/status/2020/decision", data=document,
                                                 method="PUT", headers={"Authorization": "Bearer " + key,
                                                                        "Content-Type": "application/pdf"})
                try:
                    with urllib.request.urlopen(request, timeout=10) as answer:
                        saved += answer.status == 200
                except OSError:
                    break
            return saved

        uploaded += kill_during(store, tmp_path / ("upload%d" % trial), delay, keep_uploading)
        assert_store_intact(store)
        for size, length, content in plain_sql(store, "SELECT bytes, length(content), content FROM decision_document"):
            assert size == length == len(document) and bytes(content) == document  # every stored file is whole
        assert run(store, "validate", "--year", 2020).returncode == 0
    assert uploaded > 0, "no upload was ever saved: the kills did not land during uploads"
    print(f"{uploaded} uploads answered before the kills")
