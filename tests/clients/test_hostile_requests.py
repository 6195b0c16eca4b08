"""Hostile and broken requests against a running `anttmap serve` over real sockets (the first part of the bad-input
suite of the roles issue): every one gets a 4xx with a reason — never a 5xx, a hang or a crash — and no answer
leaks a file path, SQL, a library version or an internal layer's data to a caller without an internal key."""
import re
import socket
import urllib.parse

import pytest

TILE = "9/405/225"
WMS_BASE = {"SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap", "LAYERS": "communes", "STYLES": "",
            "SRS": "EPSG:4326", "BBOX": "104.8,20.3,105.9,21.1", "WIDTH": "256", "HEIGHT": "256",
            "FORMAT": "image/png", "TIME": "2020"}

INJECTIONS = [
    "' OR '1'='1", "1; DROP TABLE unit;--", "communes) UNION SELECT * FROM account--", "%' AND 1=1 --",
    "[code]='99001'", "\"; system('id'); \"", "${jndi:ldap://x}", "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd", "%252e%252e%252fetc%252fpasswd", "\u0000", "%00", "<script>alert(1)</script>",
    "A" * 5000,
]

SLD_PAYLOADS = [
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><StyledLayerDescriptor>&e;'
    '</StyledLayerDescriptor>',
    '<StyledLayerDescriptor><NamedLayer><Name>hotspots</Name></NamedLayer></StyledLayerDescriptor>',
    "http://169.254.169.254/latest/meta-data/",
    "file:///etc/passwd",
]

LEAKS = re.compile(r"(/tmp/|/var/|/home/|/work/|\.sqlite|\.map\b|SELECT |INSERT |sqlite3?_|MapServer version|"
                   r"msLoadMap|GDAL \d|PROJ \d|77/QĐ|Địa bàn trọng điểm)", re.IGNORECASE)


def leaked(text, sent):
    """What the answer says that matches LEAKS and was not in the request itself (quoting the caller's own
    input back in a reason is not a leak)."""
    sent = urllib.parse.unquote_plus(sent).lower()
    return [match.group(0) for match in LEAKS.finditer(text) if match.group(0).lower() not in sent]


def wms(**changes):
    params = dict(WMS_BASE)
    params.update(changes)
    return "/wms?" + urllib.parse.urlencode(params)


def cases():
    out = []
    # Every WMS parameter with every injection.
    for name in ("LAYERS", "STYLES", "SRS", "BBOX", "WIDTH", "HEIGHT", "FORMAT", "TIME", "VERSION", "REQUEST"):
        for payload in INJECTIONS:
            out.append((f"wms {name}={payload[:20]!r}", wms(**{name: payload}), None))
    # Vendor parameters MapServer knows and we never pass on.
    for name, value in (("FILTER", "<Filter><PropertyIsEqualTo/></Filter>"), ("MAP", "/etc/passwd"),
                        ("map.layer[communes]", "DATA '/etc/passwd'"), ("CQL_FILTER", "1=1"),
                        ("EXP", "1=1"), ("communes_filter", "1=1")):
        out.append((f"wms vendor {name}", wms(**{name: value}), None))
    for payload in SLD_PAYLOADS:
        out.append(("wms SLD_BODY", wms(SLD_BODY=payload), None))
        out.append(("wms SLD", wms(SLD=payload), None))
    # Image sizes and boxes.
    for width, height in (("0", "256"), ("256", "0"), ("-1", "256"), ("100000", "100000"), ("1e9", "1"),
                          ("256.5", "256"), ("", "")):
        out.append((f"wms size {width}x{height}", wms(WIDTH=width, HEIGHT=height), None))
    for bbox in ("1,2,3", "1,2,3,4,5", "nan,0,1,1", "inf,0,1,1", "5,5,1,1", "0,0,0,0", ",,,"):
        out.append((f"wms bbox {bbox}", wms(BBOX=bbox), None))
    for crs in ("EPSG:99999", "EPSG:", "AUTO:42001,9001,0,0", "EPSG:4326'--"):
        out.append((f"wms crs {crs}", wms(SRS=crs), None))
    for time_value in ("1999", "2020-02-30", "20200101", "2020/2021", "9" * 30):
        out.append((f"wms time {time_value}", wms(TIME=time_value), None))
    # Tiles: numbers, extensions, traversal, times.
    for path in (f"/tiles/communes/{TILE}.gif", "/tiles/communes/99/0/0.png", "/tiles/communes/9/99999/0.png",
                 "/tiles/communes/-1/0/0.png", "/tiles/communes/9/405/225.png?year=abcd",
                 "/tiles/communes/9/405/225.png?year=1900", "/tiles/communes/9/405/225.png?date=2020-13-01",
                 "/tiles/..%2f..%2fetc%2fpasswd/9/405/225.png", "/tiles/%2e%2e/9/405/225.png",
                 "/tiles/communes/9/405/225.png%00.txt", "/tiles/roads/9/405/225.png", "/tiles/communes.json.bak",
                 "/tiles/" + "a" * 3000 + "/1/1/1.png", "/tiles/communes/9/405/%C0%AE%C0%AE.png",
                 "/tiles/communes/9/405/225.png?year=2020&year=2019"):
        out.append((f"tile {path[:40]}", path, None))
    # Paths: traversal, overlong UTF-8, unknown.
    for path in ("/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2fCMakeLists.txt",
                 "/assets/%c0%ae%c0%ae/secret", "/assets/index.html", "/nothing", "/api/units/%ff%fe",
                 "/api/units/" + "9" * 200, "/ogc/collections/%27%20OR%201%3D1", "/ogc/collections/communes/items?bbox=1,2",
                 "/ogc/collections/communes/items?limit=-5", "/ogc/collections/communes/items?datetime=../..",
                 "/api/search?q=" + "%27" * 100, "/api/stats?year=20200", "/report?year=2020&format=exe",
                 "/embed?layers=communes&bbox=1,2,3", "/embed?layers=%3Cscript%3E", "/wmts?SERVICE=WMTS&REQUEST=Nope",
                 "/wmts/communes/default/2020/Other/9/225/405.png"):
        out.append((f"path {path[:40]}", path, None))
    # Escalation: a partner or the public asking for internal layers by every road.
    for layer in ("hotspots", "clusters", "models"):
        for path in (f"/tiles/{layer}/{TILE}.png", f"/tiles/{layer}/{TILE}.mvt", f"/tiles/{layer}.json",
                     wms(LAYERS=f"communes,{layer}"), wms(LAYERS=layer),
                     wms(REQUEST="GetFeatureInfo", QUERY_LAYERS=layer, X="128", Y="128",
                         INFO_FORMAT="application/json"),
                     wms(REQUEST="GetLegendGraphic", LAYER=layer),
                     f"/wmts/{layer}/default/2020/GoogleMapsCompatible/9/225/405.png",
                     f"/ogc/collections/{layer}/items", f"/api/legend?layer={layer}", f"/embed?layers={layer}"):
            out.append((f"escalation {layer} {path[:30]}", path, (401, 403)))
    # Forged credentials.
    for header in ("Bearer antt_" + "A" * 43, "Bearer ", "Basic YWRtaW46YWRtaW4=", "Bearer " + "x" * 5000,
                   "Digest username=admin", "bearer ../../etc/passwd"):
        out.append((f"authorization {header[:20]}", "/api/layers", (401,), {"Authorization": header}))
    for cookie in ("anttmap_session=forged", "anttmap_session=", "anttmap_session=" + "A" * 4000,
                   "anttmap_session=%00%00"):
        out.append((f"cookie {cookie[:24]}", "/api/layers", (401,), {"Cookie": cookie}))
    for token in ("v1.e30.AAAA", "v1..", "v2.abc.def", "x" * 5000, "v1.eyJrIjoxLCJsIjpbImhvdHNwb3RzIl0sImUiOjk5OTk5OTk5OTl9.AAAA"):
        out.append((f"token {token[:20]}", f"/tiles/hotspots/{TILE}.png?token={urllib.parse.quote(token)}", (401,)))
    # A partner portal's key asking for internal layers by every road: 403, never the data.
    for layer in ("hotspots", "clusters", "models"):
        for path in (f"/tiles/{layer}/{TILE}.png", f"/tiles/{layer}/{TILE}.mvt", f"/tiles/{layer}.json",
                     wms(LAYERS=f"communes,{layer}"), wms(LAYERS=layer),
                     wms(REQUEST="GetFeatureInfo", QUERY_LAYERS=f"communes,{layer}", LAYERS=f"communes,{layer}",
                         X="128", Y="128", INFO_FORMAT="application/json"),
                     wms(REQUEST="GetLegendGraphic", LAYER=layer),
                     f"/wmts/{layer}/default/2020/GoogleMapsCompatible/9/225/405.png",
                     f"/ogc/collections/{layer}", f"/ogc/collections/{layer}/items?limit=1000",
                     f"/api/legend?layer={layer}"):
            out.append((f"partner {layer} {path[:30]}", path, (403,), {"Authorization": "Bearer {partner}"}))
    # Inside a group: the map's root layer, MapServer's per-zoom drawing layers, a group of the public ones.
    for layers in ("anttmap", "hotspots_0", "hotspots_fills", "hotspots_z10", "communes_0", "ANTTMAP",
                   "communes,anttmap"):
        out.append((f"wms group {layers}", wms(LAYERS=layers), (400, 401, 403)))
        out.append((f"partner wms group {layers}", wms(LAYERS=layers), (400, 403),
                    {"Authorization": "Bearer {partner}"}))
    # Embed tokens: one for communes only used for hotspots, tampered, re-signed with a wrong secret, expired.
    for name, token in (("communes-only token on hotspots", "{token_communes}"), ("tampered payload", "{token_tampered}"),
                        ("wrong secret", "{token_wrong_secret}"), ("expired", "{token_expired}"),
                        ("token outside its box", "{token_box}")):
        # (The page of a box token names its layers, rightly: only its tiles and maps are held to the box.)
        pages = () if name == "token outside its box" else (f"/embed?layers=hotspots",)
        for path in (f"/tiles/hotspots/{TILE}.png", wms(LAYERS="hotspots"), *pages, f"/tiles/hotspots/{TILE}.mvt"):
            joiner = "&" if "?" in path else "?"
            out.append((f"token {name} {path[:24]}", path + joiner + "token=" + token, (401, 403)))
    # Cookies: a forged session in the right shape, a CSRF-less sign-out, a cookie stuffed with a key.
    for cookie in ("anttmap_session=" + "A" * 43, "anttmap_session=antt_" + "A" * 43,
                   "anttmap_session=x; anttmap_session=y", "anttmap_session=\u0000"):
        out.append((f"cookie shape {cookie[:28]}", "/tiles/hotspots/" + TILE + ".png", (401,), {"Cookie": cookie}))
    # Invalid UTF-8 and overlong encodings in query values.
    for path in ("/api/search?q=%ff%fe", "/api/search?q=%c0%af", "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=%ff%fe",
                 "/ogc/collections/communes/items?datetime=%c0%af", "/api/units/04831?year=%ff",
                 "/report?year=2020&district=%ff", "/embed?layers=communes&lang=%ff", "/api/stats?year=%e2%82"):
        out.append((f"utf-8 {path[:32]}", path, None))
    return out


CASES = cases()


def test_there_are_many_cases():
    assert len(CASES) + len(RAW) + len(POSTS) >= 300, len(CASES) + len(RAW) + len(POSTS)


@pytest.fixture(scope="module")
def credentials(server):
    """A partner key and embed tokens made the way an admin makes them (the CLI); the forged ones are signed
    with the store's own secret read from the file, as an attacker who stole it would, to show the server checks
    more than the signature (expiry, box, layers)."""
    import base64
    import hashlib
    import hmac
    import json
    import subprocess
    import time as clock

    from conftest import anttmap_binary
    from stores import plain_sql

    def cli(*args):
        made = subprocess.run([anttmap_binary(), "--db", str(server.store), "--json", *args], check=True,
                              capture_output=True, text=True)
        return json.loads(made.stdout)

    partner = cli("key", "add", "portal-hostile", "--role", "partner")["key"]
    token_communes = cli("token", "add", "--layers", "communes", "--expires", "2")["token"]
    key_id, secret = plain_sql(server.store,
                               "SELECT id, secret FROM server_secret WHERE retired_at IS NULL ORDER BY id DESC LIMIT 1")[0]

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def sign(payload, with_secret=secret):
        body = b64(json.dumps(payload, separators=(",", ":")).encode())
        mac = hmac.new(with_secret.encode(), body.encode(), hashlib.sha256).digest()
        return f"v1.{body}.{b64(mac)}"

    _, body, mac = token_communes.split(".")
    tampered_body = b64(json.dumps({"k": key_id, "l": ["hotspots"], "e": int(clock.time()) + 86400}).encode())
    # The server reads keys and tokens at its next poll of the store.
    clock.sleep(1.0)
    return {
        "partner": partner,
        "token_communes": token_communes,
        "token_tampered": f"v1.{tampered_body}.{mac}",
        "token_wrong_secret": sign({"k": key_id, "l": ["hotspots"], "e": int(clock.time()) + 86400}, "not the secret"),
        "token_expired": sign({"k": key_id, "l": ["hotspots"], "e": int(clock.time()) - 60}),
        "token_box": sign({"k": key_id, "l": ["hotspots"], "e": int(clock.time()) + 86400, "b": [100, 8, 100.1, 8.1]}),
    }


def fill(text, credentials):
    for name, value in credentials.items():
        text = text.replace("{" + name + "}", urllib.parse.quote(value, safe="") if name.startswith("token")
                            else value)
    return text


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_hostile_request_gets_a_clear_4xx(server, credentials, case):
    name, path, allowed, *rest = case
    path = fill(path, credentials)
    headers = {key: fill(value, credentials) for key, value in rest[0].items()} if rest else None
    status, answer_headers, body = server.get(path, headers)
    assert status < 500, (name, status, body[:300])
    text = body.decode("utf-8", "replace")
    assert not leaked(text, path + repr(headers)), (name, leaked(text, path), text[:300])
    if allowed:
        assert status in allowed, (name, status, text[:300])
    elif status == 200:
        # A harmless reading of the request is fine (an ignored vendor parameter, an unknown asset name's page):
        # it must then be an ordinary answer of a public layer, never internal data.
        assert answer_headers.get("Content-Type", "").split(";")[0] in (
            "image/png", "application/json", "text/html", "application/xml", "text/xml",
            "application/vnd.ogc.se_xml", "application/geo+json", "text/plain"), (name, answer_headers)
    else:
        assert 400 <= status < 500, (name, status)
        assert body, name  # a reason, not an empty refusal


RAW = [
    ("request smuggling CL+TE", b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
     b"Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n0\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n"),
    ("two content lengths", b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 40\r\n"
     b"Content-Type: application/json\r\n\r\n{}  "),
    ("invalid UTF-8 path", b"GET /api/units/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("no version", b"GET /health\r\n\r\n"),
    ("bad method", b"BREW /health HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("huge header", b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n"),
    ("deep JSON", b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20000"
     b"\r\n\r\n" + b"[" * 10000 + b"]" * 10000),
    ("negative length", b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     b"Content-Length: -5\r\n\r\n"),
    ("DELETE", b"DELETE /api/units/99001 HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("PUT", b"PUT /tiles/communes/9/405/225.png HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx"),
    ("PATCH", b"PATCH /api/units/04831 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"),
    ("TRACE", b"TRACE /health HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("CONNECT", b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n"),
    ("header without a colon", b"GET /health HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"),
    # HTTP lets a server read these leniently (RFC 9112 2.2, 5.2): answered as ordinary requests, which is safe
    # for a server that forwards nothing.
    ("obsolete line folding", b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n", (200, 400)),
    ("chunk size overflow", b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     b"Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n"),
    ("bare LF line ends", b"GET /health HTTP/1.1\nHost: x\n\n", (200, 400)),
    # The one 5xx: HTTP/2 without TLS negotiation gets libmicrohttpd's 505, the status HTTP defines for it.
    ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", (505,)),
    ("HTTP/0.9", b"GET /\r\n"),
    ("NUL in the request line", b"GET /hea\x00lth HTTP/1.1\r\nHost: x\r\n\r\n"),
]


def feature_collection(*features, extra=""):
    return ('{"type":"FeatureCollection",' + extra + '"features":[' + ",".join(features) + "]}").encode()


def polygon_feature(ring="[[105,20],[105.1,20],[105.1,20.1],[105,20]]", properties='{"code":"04831"}'):
    return ('{"type":"Feature","properties":' + properties + ',"geometry":{"type":"Polygon","coordinates":[' + ring +
            "]}}")


JSON = "application/json"
POSTS = [
    # (name, path, content type, body, allowed statuses or None for "any 4xx or an ordinary 200")
    ("body over max_body_mb", "/api/validate", JSON, b"[" + b" " * (17 << 20) + b"]", (413,)),
    ("objects nested 100 deep", "/api/validate", JSON, b'{"a":' * 100 + b"1" + b"}" * 100, (400,)),
    ("arrays nested 5000 deep in a feature", "/api/validate", JSON,
     feature_collection(polygon_feature(ring="[" * 5000 + "]" * 5000)), (400,)),
    ("20 001 features", "/api/validate", JSON,
     feature_collection(*['{"type":"Feature","properties":{},"geometry":null}'] * 20001), (400,)),
    ("raw invalid UTF-8 byte", "/api/validate", JSON, feature_collection(polygon_feature()).replace(b"04831", b"0\xff831"),
     (400,)),
    ("NaN coordinate", "/api/validate", JSON,
     feature_collection(polygon_feature(ring="[[NaN,20],[105.1,20],[105.1,20.1],[NaN,20]]")), (400,)),
    ("1e400 coordinate", "/api/validate", JSON,
     feature_collection(polygon_feature(ring="[[1e400,20],[105.1,20],[105.1,20.1],[1e400,20]]")), (400,)),
    ("metres without a crs", "/api/validate", JSON,
     feature_collection(polygon_feature(ring="[[500000,2300000],[510000,2300000],[510000,2310000],[500000,2300000]]")),
     (400,)),
    ("crs link (SSRF)", "/api/validate", JSON,
     feature_collection(polygon_feature(), extra='"crs":{"type":"link","properties":{"href":"http://169.254.169.254/"}},'),
     (400,)),
    ("crs name with a file path", "/api/validate", JSON,
     feature_collection(polygon_feature(), extra='"crs":{"type":"name","properties":{"name":"/etc/passwd"}},'), (400,)),
    ("NUL in a code", "/api/validate", JSON, feature_collection(polygon_feature(properties='{"code":"04831\u0000"}')),
     (400,)),
    ("a megabyte name", "/api/validate", JSON,
     feature_collection(polygon_feature(properties='{"code":"04831","name":"' + "Đ" * 500000 + '"}')), None),
    ("duplicate type members", "/api/validate", JSON, b'{"type":"FeatureCollection","type":"Point","features":[]}', None),
    ("a geometry collection inside a collection", "/api/validate", JSON,
     feature_collection('{"type":"Feature","properties":{"code":"04831"},"geometry":{"type":"GeometryCollection",'
                        '"geometries":[{"type":"GeometryCollection","geometries":[]}]}}'), (400,)),
    # A broken ring is the validation's own finding (200, "invalid_geometry"), not a refusal.
    ("not a ring", "/api/validate", JSON, feature_collection(polygon_feature(ring="[[105,20],[105.1,20]]")), None),
    ("text/plain", "/api/validate", "text/plain", feature_collection(polygon_feature()), (415,)),
    ("empty body", "/api/validate", JSON, b"", (400, 411)),
    ("XML body", "/api/validate", "application/xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
     b'"file:///etc/passwd">]><x>&e;</x>', (415,)),
    ("POST a tile", f"/tiles/communes/{TILE}.png", JSON, b"{}", (405,)),
    ("POST to WMS", "/wms", "application/x-www-form-urlencoded", b"SERVICE=WMS&REQUEST=GetCapabilities", (405,)),
    ("POST to OGC items", "/ogc/collections/communes/items", "application/geo+json", b"{}", (405,)),
    ("sign-in with JSON", "/login", JSON, b'{"name":"admin","password":"admin"}', (415,)),
    ("sign-in without its login token", "/login", "application/x-www-form-urlencoded",
     b"name=admin&password=admin1234567", (400, 401, 403)),
    ("sign-out without CSRF", "/logout", "application/x-www-form-urlencoded", b"", (400, 401, 403)),
]


@pytest.mark.parametrize("name,path,content_type,body,allowed", POSTS, ids=[case[0] for case in POSTS])
def test_hostile_post_gets_a_clear_4xx(server, name, path, content_type, body, allowed):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": content_type})
        answer = connection.getresponse()
        status, text = answer.status, answer.read().decode("utf-8", "replace")
    except (BrokenPipeError, ConnectionResetError):
        status, text = 413, "closed while sending"  # refused before the body was read, then closed
    finally:
        connection.close()
    assert status < 500, (name, status, text[:300])
    assert not leaked(text, path), (name, leaked(text, path))
    if allowed:
        assert status in allowed, (name, status, text[:300])
    else:
        assert status == 200 or 400 <= status < 500, (name, status)
    if status >= 400:
        assert text, name
    assert server.get("/health")[0] == 200


def test_a_tile_an_internal_caller_warmed_is_never_sent_to_the_public(server, credentials):
    """The viewer draws (and the cache keeps) hotspot tiles and capabilities first; the same URLs without its
    key, or with a partner's, get a refusal, and a public layer's kept tile is the public drawing."""
    viewer = server.viewer_headers()
    partner = {"Authorization": "Bearer " + credentials["partner"]}
    internal = [f"/tiles/hotspots/{TILE}.png", f"/tiles/hotspots/{TILE}.mvt", wms(LAYERS="communes,hotspots"),
                "/wms?SERVICE=WMS&REQUEST=GetCapabilities", "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities",
                "/ogc/collections", "/api/layers"]
    for path in internal:
        for _ in range(2):  # drawn, then kept
            assert server.get(path, viewer)[0] == 200, path
    for path in internal[:3]:
        assert server.get(path)[0] == 401, path
        assert server.get(path, partner)[0] == 403, path
    for path in internal[3:]:
        for headers in (None, partner):
            status, _, body = server.get(path, headers)
            assert status == 200, path
            assert b"hotspots" not in body and b"clusters" not in body, (path, headers)


def test_feature_info_on_a_public_layer_carries_no_internal_attribute(server):
    status, _, body = server.get(wms(REQUEST="GetFeatureInfo", QUERY_LAYERS="communes", LAYERS="communes", X="128",
                                     Y="128", INFO_FORMAT="application/json", FEATURE_COUNT="50"))
    assert status == 200
    text = body.decode("utf-8")
    for internal in ("recorded_by", "hotspot", "cluster", "decision_no", "77/QĐ"):
        assert internal not in text, internal


@pytest.mark.parametrize("case", RAW, ids=[case[0] for case in RAW])
def test_malformed_http_is_refused_without_a_5xx(server, case):
    name, raw, *rest = case
    allowed = rest[0] if rest else None
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        try:
            connection.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            return  # closed while we were still sending: refused
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (ConnectionResetError, socket.timeout):
            pass
    if not data:
        return  # the server closed the connection: a refusal too
    status_line = data.split(b"\r\n", 1)[0]
    match = re.match(rb"HTTP/1\.[01] (\d{3})", status_line)
    assert match, (name, status_line)
    status = int(match.group(1))
    if allowed:
        assert status in allowed, (name, status_line)
    else:
        assert 400 <= status < 500, (name, status_line)
    assert not leaked(data.decode("utf-8", "replace"), raw.decode("latin-1")), name
    # The server still answers afterwards.
    assert server.get("/health")[0] == 200
