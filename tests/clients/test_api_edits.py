"""Editing over the network against a running `anttmap serve` on its own copy of the sample store:
an editor's status write shows in the map's tiles within a second, a second editor holding the old
ETag gets 409 and the first edit stands, an editor of another district gets 403."""
import json
import math
import shutil
import subprocess
import time
import urllib.request

import pytest

from conftest import anttmap_binary, free_port, http_get

COMMUNE, DISTRICT, OTHER_DISTRICT = "04831", "150", "148"  # Thị trấn Đà Bắc in huyện Đà Bắc; TP Hòa Bình


def make_key(store, name, role, *extra):
    made = subprocess.run([anttmap_binary(), "--db", str(store), "--json", "key", "add", name, "--role", role, *extra],
                          check=True, capture_output=True, text=True)
    return json.loads(made.stdout)["key"]


@pytest.fixture(scope="module")
def editing_server(sample_store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("edits")
    store = folder / "store.sqlite"
    shutil.copy(sample_store, store)
    keys = {"district": make_key(store, "can.bo.da.bac", "editor", "--scope", DISTRICT),
            "commune": make_key(store, "cong.an.xa", "editor", "--scope", COMMUNE),
            "other": make_key(store, "can.bo.tp", "editor", "--scope", OTHER_DISTRICT)}
    port = free_port()
    process = subprocess.Popen([anttmap_binary(), "--db", str(store), "--quiet", "serve", "--port", str(port),
                                "--work-dir", str(folder / "work")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("anttmap serve exited: " + process.stdout.read())
        try:
            if http_get(url + "/health")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("anttmap serve did not answer within 120 s")
    yield url, keys, store
    process.terminate()
    process.wait(60)


def put_status(url, key, code, year, body, if_match=None, client="api"):
    headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json", "X-Anttmap-Client": client}
    if if_match:
        headers["If-Match"] = if_match
    request = urllib.request.Request(f"{url}/api/units/{code}/status/{year}", data=json.dumps(body).encode(),
                                     headers=headers, method="PUT")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def tile_of(lon, lat, zoom):
    n = 2 ** zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def test_an_edit_shows_in_tiles_within_a_second_and_a_stale_one_gets_409(editing_server):
    url, keys, store = editing_server
    status, headers, row = http_get(f"{url}/api/units/{COMMUNE}/status/2020")
    assert status == 200
    read_etag = headers["ETag"]
    before = json.loads(row)
    unit = json.loads(http_get(f"{url}/api/units/{COMMUNE}")[2])
    x, y = tile_of(*unit["center"], 13)
    tile = f"{url}/tiles/communes/13/{x}/{y}.png?year=2020"
    old_png = http_get(tile)[2]
    assert old_png.startswith(b"\x89PNG")

    new_status = "revoked" if before["status"] != "revoked" else "registered"
    body = {"status": new_status, "decision": "99/QĐ-UBND", "date": "2020-12-30", "authority": "UBND huyện Đà Bắc",
            "note": "Thu hồi công nhận — thử nghiệm ỹ ữ ẵ ộ"}
    written_at = time.monotonic()
    status, headers, saved = put_status(url, keys["district"], COMMUNE, 2020, body, read_etag, client="qgis")
    assert status == 200, saved
    assert saved["status"] == new_status and saved["recorded_by"] == "can.bo.da.bac"
    while time.monotonic() - written_at < 5:
        if http_get(tile)[2] != old_png:
            break
        time.sleep(0.05)
    seen_after = time.monotonic() - written_at
    assert seen_after < 1.0, f"the tile changed {seen_after:.2f} s after the write"

    # The commune's own police held the old ETag: told, and nothing is overwritten.
    status, headers, conflict = put_status(url, keys["commune"], COMMUNE, 2020, {"status": "recognised",
                                           "decision": "1/QĐ", "date": "2020-12-31", "authority": "UBND"}, read_etag)
    assert status == 409
    assert conflict["current"]["status"] == new_status and headers["ETag"] == saved["etag"]
    assert json.loads(http_get(f"{url}/api/units/{COMMUNE}/status/2020")[2])["status"] == new_status

    # Another district's editor may not touch it.
    status, _, refused = put_status(url, keys["other"], COMMUNE, 2020, {"status": "registered"}, saved["etag"])
    assert status == 403 and "scope" in refused["error"]

    audit = subprocess.run([anttmap_binary(), "--db", str(store), "--json", "audit", "--table", "unit_status"],
                           check=True, capture_output=True, text=True).stdout
    assert "can.bo.da.bac" in audit and "qgis" in audit


def test_the_openapi_document_describes_the_status_write(editing_server):
    url, _, _ = editing_server
    status, headers, body = http_get(url + "/api/openapi.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    document = json.loads(body)
    assert document["openapi"].startswith("3.")
    put = document["paths"]["/api/units/{code}/status/{year}"]["put"]
    assert set(put["responses"]) >= {"200", "401", "403", "409"}
    assert document["components"]["schemas"]["StatusWrite"]["required"] == ["status"]
