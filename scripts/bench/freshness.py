#!/usr/bin/env python3
"""Edit -> visible: how long after a plain-SQL status edit `anttmap serve` shows it (scripts/bench-server.sh).

Usage: freshness.py BASE_URL STORE [--edits 20] [--year 2020] [--poll-ms 200] [--timeout 10]
For each of EDITS communes of the year (spread through the OGC API's list, one edit each): the z13 PNG and MVT
tiles over a point inside the commune and a WMS GetFeatureInfo there are fetched (so the tiles are cached, as
for a user looking at the map), then one row is appended to the store's unit_status with sqlite3, as a foreign
client would (revoked, or not_recognised when it already was revoked). From the commit on, each of the three is
asked for again, each in its own thread, until it shows the change (tile bytes differ; GetFeatureInfo gives the
new class); the time each first does is recorded. Edits start at offsets spread over the poll interval (POLL_MS,
what the server was started with; reported, not changed), so the figures cover the whole cycle of the watcher.
Per-edit lines go to stderr; the Markdown table (median and worst per answer) to stdout.
Exit status 1 when an answer still shows the old data after TIMEOUT seconds.
"""
import argparse
import concurrent.futures
import json
import math
import sqlite3
import statistics
import sys
import time
import urllib.error
import urllib.request

KINDS = [("png", "/tiles PNG, z13, cached before the edit"), ("mvt", "/tiles MVT, z13, cached before the edit"),
         ("wms", "WMS GetFeatureInfo (communes, JSON)"), ("all", "all three")]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def inside_point(geometry):
    """A point inside a (Multi)Polygon: the middle of the widest span of the horizontal line through the middle
    of its largest part (even-odd rule, so holes are left out)."""
    parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]

    def extent(part):
        xs = [p[0] for p in part[0]]
        ys = [p[1] for p in part[0]]
        return min(xs), min(ys), max(xs), max(ys)

    part = max(parts, key=lambda p: (extent(p)[2] - extent(p)[0]) * (extent(p)[3] - extent(p)[1]))
    _, south, _, north = extent(part)
    y = south + (north - south) * 0.5 + (north - south) * 1e-7  # off any vertex at the exact middle
    crossings = []
    for ring in part:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
            if (y0 > y) != (y1 > y):
                crossings.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    crossings.sort()
    spans = list(zip(crossings[0::2], crossings[1::2]))
    west, east = max(spans, key=lambda s: s[1] - s[0])
    return (west + east) / 2, y


def tile_of(lon, lat, z):
    n = 2 ** z
    return int((lon + 180.0) / 360.0 * n), int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("store")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--poll-ms", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    status, body = get(f"{args.base}/ogc/collections/communes/items?year={args.year}&limit=1000")
    if status != 200:
        sys.exit(f"freshness: the communes of {args.year} answered {status}")
    communes = json.loads(body)["features"]
    chosen = [communes[i * len(communes) // args.edits] for i in range(args.edits)]
    seen = {kind: [] for kind, _ in KINDS}
    late = 0
    for i, commune in enumerate(chosen):
        code, old = commune["properties"]["code"], commune["properties"]["status"]
        new = "revoked" if old != "revoked" else "not_recognised"
        lon, lat = inside_point(commune["geometry"])
        x, y = tile_of(lon, lat, 13)
        urls = {"png": f"{args.base}/tiles/communes/13/{x}/{y}.png?year={args.year}",
                "mvt": f"{args.base}/tiles/communes/13/{x}/{y}.mvt?year={args.year}",
                "wms": (f"{args.base}/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&LAYERS=communes"
                        f"&QUERY_LAYERS=communes&STYLES=&SRS=EPSG:4326"
                        f"&BBOX={lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}&WIDTH=3&HEIGHT=3&X=1&Y=1"
                        f"&INFO_FORMAT=application/json&TIME={args.year}")}

        def shows_edit(kind, answer):
            if kind != "wms":
                return answer[1] != before[kind][1]
            features = json.loads(answer[1])["features"]
            return any(f["properties"]["code"] == code and f["properties"]["class"] == new for f in features)

        before = {kind: get(url) for kind, url in urls.items()}
        before = {kind: get(url) for kind, url in urls.items()}  # the second answer comes from the tile cache
        if any(answer[0] != 200 for answer in before.values()):
            sys.exit(f"freshness: commune {code}: " + ", ".join(f"{k} {v[0]}" for k, v in before.items()))
        if not any(f["properties"]["code"] == code for f in json.loads(before["wms"][1])["features"]):
            sys.exit(f"freshness: GetFeatureInfo at {lon:.5f},{lat:.5f} does not find commune {code}")
        # Edits land at offsets spread over the poll interval.
        time.sleep(0.05 + (i * 7 % args.edits) / args.edits * args.poll_ms / 1000)
        with sqlite3.connect(args.store, timeout=30) as connection:
            connection.execute(
                "INSERT INTO unit_status (unit_code, year, status, decision_number, decision_date, authority) "
                "VALUES (?, ?, ?, '88/QĐ-UBND', ?, 'UBND tỉnh')", (code, args.year, new, f"{args.year}-12-30"))
        connection.close()
        edited = time.monotonic()

        def wait_for(kind):  # seconds from the commit until `kind` shows the edit; None after the timeout
            while time.monotonic() - edited < args.timeout:
                if shows_edit(kind, get(urls[kind])):
                    return time.monotonic() - edited
                time.sleep(0.01)  # 10 ms: fine enough against a 200 ms poll, and light on the server's cores
            return None

        with concurrent.futures.ThreadPoolExecutor(len(urls)) as pool:  # each asked for on its own connection
            waited = dict(zip(urls, pool.map(wait_for, urls)))
        times = {kind: seconds for kind, seconds in waited.items() if seconds is not None}
        if len(times) < len(urls):
            late += 1
        else:
            times["all"] = max(times.values())
        for kind in times:
            seen[kind].append(times[kind] * 1000)
        print(f"   edit {i + 1:2d}/{args.edits}: commune {code} {old} -> {new}: " +
              ", ".join(f"{k} {times[k] * 1000:.0f} ms" if k in times else f"{k} not within {args.timeout:.0f} s"
                        for k, _ in KINDS), file=sys.stderr)
    print(f"| edit → visible ({args.edits} plain-SQL status edits, poll_interval_ms = {args.poll_ms}) | "
          "median ms | worst ms | edits seen |")
    print("|---|---|---|---|")
    for kind, label in KINDS:
        values = seen[kind]
        if values:
            print(f"| {label} | {statistics.median(values):.0f} | {max(values):.0f} | {len(values)}/{args.edits} |")
        else:
            print(f"| {label} | — | — | 0/{args.edits} |")
    sys.exit(1 if late else 0)


if __name__ == "__main__":
    main()
