"""`anttmap serve` over real sockets: endpoints, hostile requests, freshness after plain SQL, concurrency."""
import concurrent.futures
import datetime
import gzip
import http.client
import json
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import anttmap_binary, http_get
from stores import plain_sql

PNG = b"\x89PNG\r\n\x1a\n"


def test_health_and_metrics(server):
    status, headers, body = server.get("/health")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    health = json.loads(body)
    # The map opens on this year (the sample's statuses run to 2026: Phú Thọ's communes since 2025-07-01).
    this_year = datetime.date.today().year
    assert health["default_year"] == this_year and health["years"][0] == 2012 and health["years"][-1] >= 2026
    status, headers, body = server.get("/metrics")
    assert status == 200
    assert b"anttmap_http_requests_total" in body


def metric(server, name):
    _, _, body = server.get("/metrics")
    for line in body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} is not in /metrics")


def test_a_cached_tile_is_sent_again_as_kept_and_identical(server):
    path = "/tiles/communes/10/810/451.png?year=2016"
    first = server.get(path)
    second = server.get(path)  # from the tile cache; the server keeps this answer
    before = metric(server, "anttmap_http_reused_answers_total")
    third = server.get(path)
    assert metric(server, "anttmap_http_reused_answers_total") == before + 1
    assert first[0] == second[0] == third[0] == 200
    assert first[2] == second[2] == third[2] and first[2].startswith(PNG)
    for name in ("ETag", "Content-Type", "Cache-Control"):
        assert first[1][name] == third[1][name]
    # A conditional request still gets its 304.
    status, _, body = server.get(path, {"If-None-Match": third[1]["ETag"]})
    assert status == 304 and body == b""


@pytest.mark.parametrize("path", [
    "/tiles/communes/9/405/225.png", "/tiles/communes/9/405/225@2x.png", "/tiles/districts/8/202/112.png?year=2015",
    "/tiles/villages/12/3246/1807.png", "/tiles/hotspots/9/405/225.png", "/tiles/clusters/9/405/225.png",
    "/tiles/models/12/3246/1807.png", "/tiles/units/12/3246/1807.png",
    "/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=communes&STYLE=default&FORMAT=image/png"
    "&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=9&TILEROW=225&TILECOL=405",
    "/wmts/communes/default/2020/GoogleMapsCompatible/9/225/405.png",
])
def test_image_endpoints(server, path):
    internal = any(path.startswith(f"/tiles/{layer}/") for layer in ("hotspots", "clusters", "models"))
    if internal:
        status, headers, body = server.get(path)
        assert status == 401 and "Bearer" in headers.get("WWW-Authenticate", ""), body[:300]
        assert not body.startswith(PNG)
    status, headers, body = server.get(path, server.viewer_headers() if internal else None)
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
    assert status == 200 and json.loads(body)["tiles"][0].endswith(".png?year=%d" % datetime.date.today().year)
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


def test_feature_info_in_geojson_over_several_layers(server):
    """QGIS and the viewer ask several QUERY_LAYERS at once; MapServer's GeoJSON writer takes one."""
    feature, _, (lon, lat) = a_commune_and_its_tile(server, 2020)
    bbox = f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
    query = (f"/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&LAYERS=districts,communes,villages"
             f"&QUERY_LAYERS=districts,communes,villages&STYLES=&SRS=EPSG:4326&BBOX={bbox}&WIDTH=101&HEIGHT=101"
             f"&X=50&Y=50&INFO_FORMAT=application/json&FEATURE_COUNT=5&TIME=2020")
    status, headers, body = server.get(query)
    assert status == 200, body[:300]
    assert headers["Content-Type"].startswith("application/json")
    features = json.loads(body)["features"]
    layers = {f["properties"]["layer"] for f in features}
    assert {"districts", "communes"} <= layers, layers
    codes = {f["properties"]["code"] for f in features if f["properties"]["layer"] == "communes"}
    assert feature["properties"]["code"] in codes
    one = json.loads(server.get(query.replace("QUERY_LAYERS=districts,communes,villages", "QUERY_LAYERS=communes"))[2])
    assert {f["properties"]["code"] for f in one["features"]} == codes


# The district_share classes (styles/anttmap-styles.json): 70 % or less, over 70 % to 90 %, over 90 %.
def district_class(recognised, total):
    share = 100.0 * recognised / total
    return "above_90" if share > 90 else "above_70" if share > 70 else "below_70"


def an_edit_that_recolours_a_district(server):
    """(year, district code, recognised communes to revoke, old class, new class): the fewest recognised communes of
    one district whose revocation moves the district's pooled share (/api/stats) into another drawn class."""
    years = sorted(json.loads(server.get("/health")[2])["years"], reverse=True)
    best = None
    for year in years:
        communes = json.loads(server.get(f"/ogc/collections/communes/items?year={year}&limit=1000")[2])["features"]
        for district in json.loads(server.get(f"/api/stats?year={year}")[2])["districts"]:
            recognised, total = district["pooled"]["recognised"], district["pooled"]["total"]
            ours = [c for c in communes if c["properties"]["parent_code"] == district["code"]
                    and c["properties"]["status"] == "recognised"]
            for k in range(1, len(ours) + 1):
                if best is not None and k >= len(best[2]):
                    break
                if district_class(recognised - k, total) != district_class(recognised, total):
                    best = (year, district["code"], ours[:k], district_class(recognised, total),
                            district_class(recognised - k, total))
                    break
    assert best, "no district of the store changes class when its recognised communes are revoked"
    return best


def dominant_colour(png):
    """The most frequent #rrggbb of a PNG tile."""
    import collections

    from osgeo import gdal

    gdal.AllRegister()  # QgsApplication.exitQgis() in an earlier test of the session deregisters GDAL's drivers
    name = f"/vsimem/tile-{id(png)}.png"
    gdal.FileFromMemBuffer(name, png)
    try:
        image = gdal.Open(name)
        bands = [image.GetRasterBand(i).ReadRaster() for i in range(1, 4)]
    finally:
        gdal.Unlink(name)
    (red, green, blue), _ = collections.Counter(zip(*bands)).most_common(1)[0]
    return f"#{red:02x}{green:02x}{blue:02x}"


def test_an_edit_made_with_plain_sql_redraws_the_commune_and_its_district(server, capsys):
    """Revoking recognised communes with plain SQL moves their district into another share class: the commune's
    PNG and MVT tiles and its GetFeatureInfo change, the district's GetFeatureInfo gives the new share and class and
    its tile is redrawn in the new class's fill. The server polls every 200 ms; 5 s is a bound only a fault misses
    (scripts/bench-server.sh measures the delay)."""
    import math

    from osgeo import ogr

    year, district, revoked, old_class, new_class = an_edit_that_recolours_a_district(server)
    commune = revoked[0]
    code = commune["properties"]["code"]
    point = ogr.CreateGeometryFromJson(json.dumps(commune["geometry"])).PointOnSurface()
    lon, lat = point.GetX(), point.GetY()
    z = 13
    x = int((lon + 180) / 360 * 2 ** z)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2 ** z)
    paths = {"png": f"/tiles/communes/{z}/{x}/{y}.png?year={year}",
             "mvt": f"/tiles/communes/{z}/{x}/{y}.mvt?year={year}",
             "district png": f"/tiles/districts/{z}/{x}/{y}.png?year={year}"}
    info = (f"/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&LAYERS=districts,communes"
            f"&QUERY_LAYERS=districts,communes&STYLES=&SRS=EPSG:4326"
            f"&BBOX={lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}&WIDTH=3&HEIGHT=3&X=1&Y=1"
            f"&INFO_FORMAT=application/json&TIME={year}")

    def info_of():
        status, _, body = server.get(info)
        assert status == 200, body[:300]
        return {f["properties"]["layer"]: f["properties"] for f in json.loads(body)["features"]}

    legend = json.loads(server.get("/api/legend?layer=districts")[2])
    fills = {entry["key"]: entry["fill"] for entry in legend["entries"]}
    before = {name: server.get(path) for name, path in paths.items()}
    assert all(answer[0] == 200 for answer in before.values()), {k: v[0] for k, v in before.items()}
    before_info = info_of()
    assert before_info["communes"]["code"] == code and before_info["communes"]["class"] == "recognised"
    assert (before_info["districts"]["code"], before_info["districts"]["class"]) == (district, old_class)
    assert dominant_colour(before["district png"][2]) == fills[old_class]
    total = before_info["districts"]["total"]
    expected_share = 100.0 * (before_info["districts"]["recognised"] - len(revoked)) / total

    plain_sql(server.store,  # a foreign client: plain SQL, no anttmap
              "INSERT INTO unit_status (unit_code, year, status, decision_number, decision_date, authority) "
              "VALUES (?, ?, 'revoked', '99/QĐ-UBND', ?, 'UBND tỉnh')",
              [(c["properties"]["code"], year, f"{year}-12-30") for c in revoked], many=True)
    edited = time.monotonic()
    seen = {}
    while time.monotonic() - edited < 5 and len(seen) < 5:
        for name, path in paths.items():
            if name not in seen and server.get(path)[2] != before[name][2]:
                seen[name] = time.monotonic() - edited
        now = info_of()
        if "wms" not in seen and now["communes"]["class"] == "revoked":
            seen["wms"] = time.monotonic() - edited
        if "district wms" not in seen and now["districts"]["class"] != old_class:
            seen["district wms"] = time.monotonic() - edited
        time.sleep(0.02)
    with capsys.disabled():
        print(f"\nfreshness after a plain-SQL revocation of {len(revoked)} commune(s) of district {district} "
              f"in {year} ({old_class} -> {new_class}): " +
              ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in sorted(seen.items())))
    assert set(seen) == {"png", "mvt", "wms", "district png", "district wms"}, seen
    after_info = info_of()
    assert after_info["districts"]["class"] == new_class, after_info["districts"]
    assert after_info["districts"]["share"] == pytest.approx(expected_share), after_info["districts"]
    assert after_info["districts"]["share"] != before_info["districts"]["share"]
    assert dominant_colour(server.get(paths["district png"])[2]) == fills[new_class]


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


def test_report_pdf_over_a_real_socket(server, tmp_path):
    """GET /report?year=2020&format=pdf: the province report as a real PDF (docs/reports.md)."""
    import subprocess
    status, headers, body = server.get("/report?year=2020&format=pdf")
    assert status == 200, body[:300]
    assert headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF-")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(body)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "BÁO CÁO" in text and "năm 2020" in text
    # The server keeps serving tiles after a report.
    status, _, _ = server.get("/tiles/communes/9/405/225.png")
    assert status == 200


def test_report_of_a_quarter_as_recorded_by_its_end(server):
    """?period=2020-Q1&as_of=end: the title names the quarter and the moment; the sample's rows were
    recorded when it was made, so nothing of 2020 was known on 31/03/2020."""
    status, _, body = server.get("/report?period=2020-Q1&as_of=end&format=html")
    assert status == 200, body[:300]
    html = body.decode("utf-8")
    assert "quý I năm 2020" in html
    assert "tính đến ngày 31/03/2020" in html
    assert "toàn tỉnh có 0/" in html


def test_report_of_a_phase_charts_its_years(server):
    """?phase=2012-2015: the sơ kết of the plan's first stage, a row and a point for each year."""
    status, _, body = server.get("/report?phase=2012-2015&format=html")
    assert status == 200, body[:300]
    html = body.decode("utf-8")
    assert "<h1>BÁO CÁO SƠ KẾT</h1>" in html and "giai đoạn 2012-2015" in html
    assert all('<tr data-year="%d">' % year in html for year in range(2012, 2016))
    assert '<svg class="trend"' in html


@pytest.mark.parametrize("query,reason", [
    ("phase=2015-2012", "phase must be FROM-TO"),
    ("phase=2012-2015&period=2015-Q1", "not both"),
    ("phase=2012-2015&year=2014", "last year 2015"),
    ("year=1999&format=pdf", "1999"),
    ("year=20x0", "YYYY"),
    ("year=2020&paper=A5", "A4 or A3"),
    ("year=2020&format=docx", "pdf, png or html"),
    ("year=2020&district=99999", "99999"),
    ("year=2020&period=q5", "q1, q2, q3, q4, h1 or 9m"),
    ("period=2020-Q7", "2020-Q1, 2020-H1, 2020-9M"),
    ("year=2021&period=2020-Q1", "is not in year 2021"),
    ("year=2020&as_of=31%2F03%2F2020", "as_of must be"),
])
def test_report_refuses_bad_parameters_with_400(server, query, reason):
    status, headers, body = server.get("/report?" + query)
    assert status == 400, body[:300]
    assert headers["Content-Type"].startswith("application/json")
    assert reason in json.loads(body)["error"]


# ---- JSON API (/api/..., docs/api.md) over real sockets ------------------------------------------

def http_post(server, path, body, content_type="application/geo+json", headers=None):
    """(status, headers, body) of a POST, without raising on 4xx/5xx."""
    request = urllib.request.Request(server.url + path, data=body, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_api_years_match_the_map_and_search_ignores_diacritics(server):
    status, headers, body = server.get("/api/years")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    years = json.loads(body)
    health = json.loads(server.get("/health")[2])
    assert years["years"] == health["years"] and years["default"] == health["default_year"]
    assert 104 < years["extent"][0] < years["extent"][2] < 107

    status, _, body = server.get("/api/search?q=da%20bac&year=2020")
    assert status == 200
    first = json.loads(body)["results"][0]
    assert (first["code"], first["name"], first["parent_name"]) == ("150", "Huyện Đà Bắc", "Tỉnh Hòa Bình")
    # Since 2025-07-01 no districts: Đà Bắc is a commune directly under Phú Thọ.
    today = json.loads(server.get("/api/search?q=da%20bac&year=2026")[2])["results"][0]
    assert (today["code"], today["name"], today["parent_name"]) == ("04831", "Xã Đà Bắc", "Tỉnh Phú Thọ")
    west, south, east, north = first["bbox"]
    assert 104 < west < first["center"][0] < east < 107 and 20 < south < first["center"][1] < north < 22
    for query in ("hoa%20binh", urllib.parse.quote("Hoà Bình"), urllib.parse.quote("HÒA BÌNH")):
        names = [r["name"] for r in json.loads(server.get("/api/search?q=" + query + "&year=2020")[2])["results"]]
        assert names[:2] == ["Tỉnh Hòa Bình", "Thành phố Hòa Bình"], (query, names[:3])
        # Today the name is Phường Hoà Bình's (tone placed the old way in the 2025 list): found all the same.
        today = [r["name"] for r in json.loads(server.get("/api/search?q=" + query)[2])["results"]]
        assert today[0] == "Phường Hoà Bình", (query, today[:3])


@pytest.mark.parametrize("path,expected", [
    ("/api/search", 400), ("/api/search?q=%20", 400), ("/api/search?q=xom&limit=1000", 400),
    ("/api/stats?year=1850", 400), ("/api/stats?year=abcd", 400), ("/api/units/NOPE-404", 404),
    ("/api/legend?layer=roads", 404), ("/api/validate", 405), ("/api/nothing", 404),
    ("/api/stats?year=2026&group_by=ward", 400), ("/api/stats?year=2026&group_date=2025-06-30", 400),
    ("/api/stats?year=2026&group_by=former_district&group_date=30/06/2025", 400),
    ("/api/stats?year=2015&group_by=former_district", 400),
])
def test_api_refusals_carry_a_reason(server, path, expected):
    status, headers, body = server.get(path)
    assert status == expected, (path, body[:300])
    assert headers["Content-Type"].startswith("application/json") and json.loads(body)["error"]


def moved_commune(server, year=2020, dlon=0.01):
    """A commune of `year` moved east: it now overlaps a neighbour. (code, FeatureCollection bytes)"""
    status, _, body = server.get(f"/ogc/collections/communes/items?year={year}&limit=1")
    feature = json.loads(body)["features"][0]

    def shift(coordinates):
        if isinstance(coordinates[0], (int, float)):
            return [coordinates[0] + dlon, *coordinates[1:]]
        return [shift(c) for c in coordinates]

    code = feature["properties"]["code"]
    geometry = {"type": feature["geometry"]["type"], "coordinates": shift(feature["geometry"]["coordinates"])}
    collection = {"type": "FeatureCollection",
                  "features": [{"type": "Feature", "properties": {"code": code}, "geometry": geometry}]}
    return code, json.dumps(collection).encode()


def test_api_validate_reports_the_overlap_like_the_cli_and_writes_nothing(server, tmp_path):
    code, candidate = moved_commune(server)
    audit_before = plain_sql(server.store, "SELECT max(id) FROM audit_log")[0][0]
    status, headers, body = http_post(server, "/api/validate?year=2020", candidate)
    assert status == 200, body[:500]
    report = json.loads(body)
    assert report["errors"] > 0
    assert any(f["problem"] == "overlap" and f["severity"] == "error" and code in f["units"]
               for f in report["findings"]), report["findings"][:3]
    path = tmp_path / "candidate.geojson"
    path.write_bytes(candidate)
    cli = subprocess.run([anttmap_binary(), "--db", str(server.store), "--json", "validate", "--year", "2020",
                          "--candidate", str(path)], capture_output=True, text=True)
    assert cli.returncode == 6, cli.stderr
    assert report.pop("synthetic") is True  # the sample's answers say they are invented; the CLI's document is the rest
    assert json.loads(cli.stdout) == report
    assert plain_sql(server.store, "SELECT max(id) FROM audit_log")[0][0] == audit_before


def test_api_validate_refuses_bad_json_wrong_type_and_oversized_bodies(server):
    status, _, body = http_post(server, "/api/validate", b'{"type": "FeatureCollection", "features": [')
    assert status == 400 and "JSON" in json.loads(body)["error"]
    status, _, body = http_post(server, "/api/validate", b"code=04831", "application/x-www-form-urlencoded")
    assert status == 415 and "application/json" in json.loads(body)["error"]
    # 17 MB declared, nothing sent: the 413 comes before the server waits for the body.
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest("POST", "/api/validate")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(17 * 1024 * 1024))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    assert "16 MB" in json.loads(response.read())["error"]
    connection.close()
    assert server.get("/health")[0] == 200


def test_api_validate_preflight_allows_post_for_allowed_origins(server):
    request = urllib.request.Request(server.url + "/api/validate", method="OPTIONS", headers={
        "Origin": "http://portal.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "http://portal.example"
        assert "POST" in response.headers["Access-Control-Allow-Methods"]
        assert response.headers["Access-Control-Allow-Headers"] == "content-type"


def test_api_progress_follows_a_plain_sql_edit_at_once(server):
    def province_2020():
        progress = json.loads(server.get("/api/progress")[2])
        return next(p for p in progress["province"]["series"] if p["year"] == 2020)

    before = province_2020()
    status, _, body = server.get("/ogc/collections/communes/items?year=2020&limit=1000")
    recognised = [f["properties"]["code"] for f in json.loads(body)["features"]
                  if f["properties"].get("status") == "recognised"]
    assert recognised
    plain_sql(server.store,  # a foreign client: plain SQL, no anttmap
              "INSERT INTO unit_status (unit_code, year, status, decision_number, decision_date, authority) "
              "VALUES (?, 2020, 'revoked', '77/QĐ-UBND', '2020-12-30', 'UBND tỉnh')", (recognised[-1],))
    after = province_2020()  # no waiting: the answer is never older than the store
    assert after["recognised"] == before["recognised"] - 1
    stats = json.loads(server.get("/api/stats?year=2020")[2])
    assert stats["province"]["pooled"]["recognised"] == after["recognised"]
    assert stats["province"]["pooled"]["share_recognised"] == after["share"]


def test_2026_is_compared_with_the_former_districts(server):
    """2026's communes (no districts since 2025-07-01) grouped by the ten districts of 2025-06-30: every unit of
    former Hòa Bình ground in one of them, the province's figures unchanged."""
    plain = json.loads(server.get("/api/stats?year=2026")[2])
    assert plain["area_level"] == "commune" and len(plain["districts"]) == 46
    grouped = json.loads(server.get("/api/stats?year=2026&group_by=former_district")[2])
    assert (grouped["area_level"], grouped["grouped_as_of"]) == ("former_district", "2025-06-30")
    assert len(grouped["districts"]) == 10
    assert "Huyện Đà Bắc" in {district["name"] for district in grouped["districts"]}
    assert grouped["province"] == plain["province"]
    # Units outside every commune (provincial agencies) count for the province only.
    assert sum(d["total"] for d in grouped["districts"]) == sum(d["total"] for d in plain["districts"])
    by_province = json.loads(server.get("/api/stats?year=2026&group_by=former_province")[2])
    assert [(d["code"], d["name"]) for d in by_province["districts"]] == [("17", "Tỉnh Hòa Bình")]


def test_concurrent_reports_never_hold_up_tiles(server):
    """One report renders at a time (others: 503 + Retry-After); tiles are served meanwhile."""
    paths = ["/report?year=2020&format=png"] * 3 + ["/tiles/communes/9/405/225.png?year=2019"] * 12
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda p: (p, server.get(p)), paths))
    reports = [r for p, r in results if p.startswith("/report")]
    assert any(status == 200 for status, _, _ in reports)
    for status, headers, body in reports:
        assert status == 200 or (status == 503 and headers.get("Retry-After") == "5"), (status, body[:200])
    assert all(r[0] == 200 for p, r in results if p.startswith("/tiles"))


def test_api_validate_survives_huge_coordinates_and_refuses_metres_without_crs(server):
    """1e300 coordinates smashed GEOS 3.11's WKT buffer and killed the server; metres without a
    "crs" were silently read as degrees. Both are 400 now, and the server keeps serving."""
    def polygon(ring, **extra):
        return json.dumps({"type": "FeatureCollection", **extra, "features": [{
            "type": "Feature", "properties": {"code": "04831"},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}]}).encode()

    huge = polygon([[1e300, 1e300], [-1e300, 1e300], [-1e300, -1e300], [1e300, 1e300]])
    metres = polygon([[400000, 2300000], [410000, 2300000], [410000, 2310000], [400000, 2300000]])
    for body in (huge, metres):
        status, _, answer = http_post(server, "/api/validate?year=2020", body)
        assert status == 400, answer[:300]
        assert "crs" in json.loads(answer)["error"]
        assert server.process.poll() is None and server.get("/health")[0] == 200
    named = polygon([[400000, 2300000], [410000, 2300000], [410000, 2310000], [400000, 2300000]],
                    crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::9211"}})
    status, _, answer = http_post(server, "/api/validate?year=2020", named)
    assert status == 200, answer[:300]


@pytest.mark.parametrize("path,reason", [
    ("/report?year=2020&district=%00", "district"),
    ("/report?year=2020&period=q1%00", "period"),
    ("/api/search?q=a%00", "control"),
    ("/api/units/04831%0A", "control"),
])
def test_nul_and_control_bytes_are_refused_with_the_whole_reason(server, path, reason):
    """A NUL in a /report parameter cut the exception's reason short ("unknown district '")."""
    status, headers, body = server.get(path)
    assert status == 400, body[:300]
    error = json.loads(body)["error"]
    assert reason in error and " / " in error, error  # English / Vietnamese, not cut at the NUL


def test_api_validate_checks_the_whole_store_one_at_a_time(server):
    """An empty FeatureCollection costs seconds of a worker for 42 bytes: eight at once held every
    worker (health took 5 s). One runs at a time now; the others get 503 + Retry-After."""
    empty = b'{"type":"FeatureCollection","features":[]}'
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: http_post(server, "/api/validate?year=2020", empty), range(6)))
    assert any(status == 200 for status, _, _ in results)
    assert any(status == 503 for status, _, _ in results)
    for status, headers, body in results:
        assert status == 200 or (status == 503 and headers.get("Retry-After") == "5"), (status, body[:200])
    assert server.get("/health")[0] == 200


@pytest.mark.parametrize("query,reason", [
    ("layers=%3Cscript%3Ealert(1)%3C/script%3E", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("%3Cimg%20src=x%20onerror=alert(1)%3E", "&lt;img src"),
    ("layers=%22%27%3E%3Csvg/onload=alert(1)%3E", "&quot;&apos;&gt;&lt;svg/onload=alert(1)&gt;"),
    ("layers=%FF%FE", "UTF-8"),  # was reflected as raw bytes into a UTF-8 page
    ("bbox=NaN,0,1,1", "four numbers"),
    ("bbox=-1e308,0,1e308,1", "outside"),
])
def test_embed_refusals_are_escaped_utf8_under_the_page_policy(server, query, reason):
    status, headers, body = server.get("/embed?" + query)
    assert status == 400
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    page = body.decode("utf-8")  # strict: no invalid bytes reach the page
    assert reason in page and "<script" not in page and "<svg" not in page and "<img" not in page


def test_clients_sending_one_byte_every_5_s_are_closed_at_the_deadline_without_holding_a_worker(server):
    """Twelve connections (three times the I/O threads) each send their request one byte every 5 s, which never
    meets an idle timeout: each is closed at request_head_seconds (10 s), and everyone else is served meanwhile."""
    import select
    import socket

    def closed(connection):
        readable, _, _ = select.select([connection], [], [], 0)
        if not readable:
            return False
        try:
            return connection.recv(4096) == b""
        except ConnectionResetError:
            return True

    request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
    slow = [socket.create_connection(("127.0.0.1", server.port), timeout=30) for _ in range(12)]
    started = time.monotonic()
    closed_after = {}
    sent = 0
    try:
        while len(closed_after) < len(slow) and time.monotonic() - started < 30:
            for index, connection in enumerate(slow):
                if index in closed_after:
                    continue
                if closed(connection):
                    closed_after[index] = time.monotonic() - started
                    continue
                try:
                    connection.send(request[sent:sent + 1])
                except (BrokenPipeError, ConnectionResetError):
                    closed_after[index] = time.monotonic() - started
            sent += 1
            # Between two bytes: the server answers others at once.
            for _ in range(5):
                begun = time.monotonic()
                assert server.get("/tiles/communes/9/405/225.png")[0] == 200
                assert time.monotonic() - begun < 2.0
                time.sleep(1.0)
    finally:
        for connection in slow:
            connection.close()
    assert len(closed_after) == len(slow), closed_after
    assert all(9.0 <= after <= 16.0 for after in closed_after.values()), closed_after
    assert sent < len(request)  # none got to finish its request
    status, _, body = server.get("/metrics")
    assert b"anttmap_http_slow_clients_cut_total" in body
