"""`anttmap serve` over real sockets: endpoints, hostile requests, freshness after plain SQL, concurrency."""
import concurrent.futures
import gzip
import json
import sqlite3
import time
import urllib.parse

import pytest

from conftest import http_get

PNG = b"\x89PNG\r\n\x1a\n"


def test_health_and_metrics(server):
    status, headers, body = server.get("/health")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    health = json.loads(body)
    assert health["default_year"] == 2020 and health["years"][0] == 2012
    status, headers, body = server.get("/metrics")
    assert status == 200
    assert b"anttmap_http_requests_total" in body


@pytest.mark.parametrize("path", [
    "/tiles/communes/9/405/225.png", "/tiles/communes/9/405/225@2x.png", "/tiles/districts/8/202/112.png?year=2015",
    "/tiles/villages/12/3246/1807.png", "/tiles/hotspots/9/405/225.png", "/tiles/clusters/9/405/225.png",
    "/tiles/models/12/3246/1807.png", "/tiles/units/12/3246/1807.png",
    "/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=communes&STYLE=default&FORMAT=image/png"
    "&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=9&TILEROW=225&TILECOL=405",
    "/wmts/communes/default/2020/GoogleMapsCompatible/9/225/405.png",
])
def test_image_endpoints(server, path):
    status, headers, body = server.get(path)
    assert status == 200, body[:300]
    assert headers["Content-Type"] == "image/png" and body.startswith(PNG)
    assert headers.get("ETag")


def test_vector_tile_is_generalised_at_low_zoom(server):
    status, headers, low = server.get("/tiles/communes/8/202/112.mvt")
    assert status == 200 and headers["Content-Type"] == "application/vnd.mapbox-vector-tile"
    status, _, high = server.get("/tiles/communes/12/3246/1807.mvt")
    assert status == 200 and len(low) > 0 and len(high) > 0
    # A z8 tile holds the whole province; generalised it stays small.
    assert len(low) < 200_000, len(low)


def test_tilejson_and_ogc_api(server):
    status, _, body = server.get("/tiles/communes.json")
    assert status == 200 and json.loads(body)["tiles"][0].endswith(".png?year=2020")
    status, headers, body = server.get("/ogc/collections/communes/items?year=2019&limit=1000")
    assert status == 200 and headers["Content-Type"].startswith("application/geo+json")
    assert json.loads(body)["numberMatched"] == 210
    status, _, body = server.get("/ogc/collections/communes/items?year=2020&limit=1000")
    assert json.loads(body)["numberMatched"] == 151


def test_etag_304_gzip_and_cors(server):
    path = "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities"
    status, headers, body = server.get(path, {"Accept-Encoding": "gzip", "Origin": "http://portal.example"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert b"WMS_Capabilities" in gzip.decompress(body)
    assert headers.get("Access-Control-Allow-Origin") == "http://portal.example"
    status, headers, _ = server.get(path, {"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers
    status, headers, _ = server.get("/tiles/communes/9/405/225.png")
    status, _, body = server.get("/tiles/communes/9/405/225.png", {"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""


HOSTILE = [
    ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&SRS=EPSG:4326&BBOX=104,20,106,22&WIDTH=256"
     "&HEIGHT=256&FORMAT=image/png&SLD=http://127.0.0.1:9/x.sld", 400),
    ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&SRS=EPSG:4326&BBOX=104,20,106,22&WIDTH=256"
     "&HEIGHT=256&FORMAT=image/png&SLD_BODY=%3CStyledLayerDescriptor%3E", 400),
    ("/wms?MAP=/etc/passwd&SERVICE=WMS&REQUEST=GetCapabilities", 400),
    ("/wms?SERVICE=WFS&REQUEST=GetFeature&TYPENAME=communes", 400),
    ("/wms?SERVICE=WCS&REQUEST=GetCoverage", 400),
    ("/wms?SERVICE=SOS&REQUEST=GetObservation", 400),
    ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=nope&SRS=EPSG:4326&BBOX=104,20,106,22&WIDTH=256"
     "&HEIGHT=256&FORMAT=image/png", 400),
    ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&SRS=EPSG:4326&BBOX=104,20,106&WIDTH=256"
     "&HEIGHT=256&FORMAT=image/png", 400),
    ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&SRS=EPSG:4326&BBOX=nan,20,106,22&WIDTH=256"
     "&HEIGHT=256&FORMAT=image/png", 400),
    ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&SRS=EPSG:99999&BBOX=104,20,106,22&WIDTH=256"
     "&HEIGHT=256&FORMAT=image/png", 400),
    ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&SRS=EPSG:4326&BBOX=104,20,106,22&WIDTH=99999"
     "&HEIGHT=256&FORMAT=image/png", 400),
    ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&SRS=EPSG:4326&BBOX=104,20,106,22&WIDTH=256"
     "&HEIGHT=256&FORMAT=image/tiff", 400),
    ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&SRS=EPSG:4326&BBOX=104,20,106,22&WIDTH=256"
     "&HEIGHT=256&FORMAT=image/png&TIME=abc", 400),
    ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&SRS=EPSG:4326&BBOX=104,20,106,22&WIDTH=256"
     "&HEIGHT=256&FORMAT=image/png&TIME=2015-02-30", 400),
    ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&SRS=EPSG:4326&BBOX=104,20,106,22&WIDTH=256"
     "&HEIGHT=256&FORMAT=image/png&FILTER=%3CFilter%3E", 400),
    ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&SRS=EPSG:4326&BBOX=104,20,106,22&WIDTH=256"
     "&HEIGHT=256&FORMAT=image/png&ma_xa=1%27%20OR%20%271%27=%271", 200),  # unknown vendor key: ignored
    ("/tiles/nope/9/405/225.png", 404),
    ("/tiles/communes/9/405/225.gif", 404),
    ("/tiles/communes/99/1/1.png", 400),
    ("/tiles/communes/9/999/224.png", 400),
    ("/tiles/communes/9/-1/224.png", 400),
    ("/tiles/communes/9/405/225.png?year=1850", 400),
    ("/tiles/communes/9/405/225.png?year=20x5", 400),
    ("/tiles/communes/../../../etc/passwd", 400),
    ("/ogc/collections/communes/items?bbox=1,2,3", 400),
    ("/ogc/collections/nope/items", 404),
    ("/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=communes&STYLE=default&FORMAT=image/png"
     "&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=99&TILEROW=0&TILECOL=0", 400),
]


@pytest.mark.parametrize("path,expected", HOSTILE)
def test_hostile_requests_get_a_reason_and_the_server_keeps_serving(server, path, expected):
    status, headers, body = server.get(path)
    assert status == expected, (path, status, body[:400])
    if expected >= 400:
        assert body, "a refusal carries a reason"
        if path.startswith("/wms"):
            assert b"ServiceException" in body
    assert server.get("/health")[0] == 200


VIETNAMESE_VENDOR_PARAMETERS = (
    "&DPI=96&MAP_RESOLUTION=96&FORMAT_OPTIONS=dpi:96&TILED=true&TRANSPARENT=TRUE&EXCEPTIONS=application/vnd.ogc.se_xml")


def test_ordinary_vendor_parameters_are_accepted(server):
    status, headers, body = server.get(
        "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&STYLES=&SRS=EPSG:3857"
        "&BBOX=11660000,2310000,11790000,2400000&WIDTH=256&HEIGHT=256&FORMAT=image/png" + VIETNAMESE_VENDOR_PARAMETERS)
    assert status == 200 and body.startswith(PNG)
    status, headers, body = server.get(
        "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=communes&FORMAT=image/png&SLD_VERSION=1.1.0")
    assert status == 200 and body.startswith(PNG)


def a_commune_and_its_tile(server, year):
    """A commune of `year` and the z13 tile over its centre."""
    import math
    status, _, body = server.get(f"/ogc/collections/communes/items?year={year}&limit=1")
    feature = json.loads(body)["features"][0]
    ring = feature["geometry"]["coordinates"][0][0]
    lon = sum(p[0] for p in ring) / len(ring)
    lat = sum(p[1] for p in ring) / len(ring)
    z = 13
    x = int((lon + 180) / 360 * 2 ** z)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2 ** z)
    return feature, (z, x, y), (lon, lat)


def test_an_edit_made_with_plain_sql_shows_within_a_second(server, capsys):
    year = 2020
    feature, (z, x, y), (lon, lat) = a_commune_and_its_tile(server, year)
    code = feature["properties"]["code"]
    tile = f"/tiles/communes/{z}/{x}/{y}.png?year={year}"
    district_tile = f"/tiles/districts/{z}/{x}/{y}.png?year={year}"
    info = (f"/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&LAYERS=communes&QUERY_LAYERS=communes&STYLES="
            f"&SRS=EPSG:4326&BBOX={lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}&WIDTH=3&HEIGHT=3&X=1&Y=1"
            f"&INFO_FORMAT=application/json&TIME={year}")
    before_tile = server.get(tile)[2]
    before_mvt = server.get(f"/tiles/communes/{z}/{x}/{y}.mvt?year={year}")[2]
    before_district = server.get(district_tile)[2]
    new_status = "revoked" if feature["properties"]["status"] != "revoked" else "not_recognised"
    with sqlite3.connect(str(server.store)) as connection:  # a foreign client: plain SQL, no anttmap
        connection.execute(
            "INSERT INTO unit_status (unit_code, year, status, decision_number, decision_date, authority) "
            "VALUES (?, ?, ?, '99/QĐ-UBND', '2020-12-30', 'UBND tỉnh')", (code, year, new_status))
    edited = time.monotonic()
    seen = {}
    while time.monotonic() - edited < 5 and len(seen) < 3:
        if "png" not in seen and server.get(tile)[2] != before_tile:
            seen["png"] = time.monotonic() - edited
        if "mvt" not in seen and server.get(f"/tiles/communes/{z}/{x}/{y}.mvt?year={year}")[2] != before_mvt:
            seen["mvt"] = time.monotonic() - edited
        if "wms" not in seen and new_status.encode() in server.get(info)[2]:
            seen["wms"] = time.monotonic() - edited
        time.sleep(0.02)
    with capsys.disabled():
        print(f"\nfreshness after a plain-SQL status edit of {code}: " +
              ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in sorted(seen.items())))
    assert set(seen) == {"png", "mvt", "wms"}, seen
    assert max(seen.values()) < 1.0, seen
    # The district's pooled share moved too (a commune counts in it); its tile was re-rendered.
    assert server.get(district_tile)[0] == 200


def test_many_concurrent_requests(server):
    paths = []
    for z, x, y in [(8, 202, 112), (9, 405, 225), (10, 811, 451), (11, 1623, 903), (12, 3246, 1807)]:
        for layer in ("communes", "districts", "villages"):
            for year in (2015, 2020):
                paths.append(f"/tiles/{layer}/{z}/{x}/{y}.png?year={year}")
                paths.append(f"/tiles/{layer}/{z}/{x}/{y}.mvt?year={year}")
    paths.append("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities")
    paths.append("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=communes,districts&STYLES=,&CRS=EPSG:4326"
                 "&BBOX=20.3,104.8,21.1,105.9&WIDTH=400&HEIGHT=300&FORMAT=image/png")
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda p: (p, server.get(p)[0]), paths * 4))
    # An empty vector tile is 204 No Content (villages start at zoom 11).
    assert all(status == 200 or (status == 204 and ".mvt" in path) for path, status in results), \
        [r for r in results if r[1] != 200][:5]
    assert server.process.poll() is None
