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
    return out


CASES = cases()


def test_there_are_many_cases():
    assert len(CASES) >= 250, len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_hostile_request_gets_a_clear_4xx(server, case):
    name, path, allowed, *rest = case
    headers = rest[0] if rest else None
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
]


@pytest.mark.parametrize("name,raw", RAW, ids=[name for name, _ in RAW])
def test_malformed_http_is_refused_without_a_5xx(server, name, raw):
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
    assert 400 <= status < 500, (name, status_line)
    assert not leaked(data.decode("utf-8", "replace"), raw.decode("latin-1")), name
    # The server still answers afterwards.
    assert server.get("/health")[0] == 200
