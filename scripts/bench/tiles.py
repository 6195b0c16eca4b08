#!/usr/bin/env python3
"""Writes the request lists of scripts/bench-server.sh.

The same number of web-mercator tiles at every zoom (default 40 per zoom, zooms 8-14), picked deterministically among
the tiles that hold at least one of the given points (a point on the surface of each commune and village, so every
tile shows part of the province, not the empty corners of its extent): evenly spaced through the row-major list of
those tiles, repeated in order when a zoom has fewer tiles than that (z8 covers the province with a handful).

Usage: tiles.py OUT_DIR --points POINTS.csv --layers a,b,c [--zooms 8-14] [--per-zoom 40] [--year 2020]
POINTS.csv: a header line, then lon,lat per line (EPSG:4326).
Writes into OUT_DIR (one request path per line):
  tiles.txt      z x y
  wms.txt        /wms?... WMS 1.1.1 GetMap, 256x256, EPSG:3857, all layers in one request (path relative to a prefix)
  tiles-LAYER.txt  /tiles/LAYER/z/x/y.png?year=Y, one file per layer
  tiles-all.txt  every layer's /tiles path, interleaved tile by tile
"""
import argparse
import math
import os

HALF = 20037508.342789244  # half the web-mercator world width, metres


def tile_of(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(n - 1, max(0, x)), min(n - 1, max(0, y))


def bbox(z, x, y):
    size = 2 * HALF / 2 ** z
    minx = -HALF + x * size
    maxy = HALF - y * size
    return minx, maxy - size, minx + size, maxy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--points", required=True)
    ap.add_argument("--layers", required=True)
    ap.add_argument("--zooms", default="8-14")
    ap.add_argument("--per-zoom", type=int, default=40)
    ap.add_argument("--year", default="2020")
    a = ap.parse_args()
    z0, z1 = (int(v) for v in a.zooms.split("-"))
    layers = a.layers.split(",")
    with open(a.points) as f:
        next(f)
        points = [tuple(float(v) for v in line.split(",")[:2]) for line in f if line.strip()]
    tiles = []
    for z in range(z0, z1 + 1):
        every = sorted({(z,) + tile_of(lon, lat, z) for lon, lat in points}, key=lambda t: (t[2], t[1]))
        step = len(every) / a.per_zoom
        tiles += [every[int(i * step) % len(every)] for i in range(a.per_zoom)]
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "tiles.txt"), "w") as f:
        f.writelines(f"{z} {x} {y}\n" for z, x, y in tiles)
    with open(os.path.join(a.out, "wms.txt"), "w") as f:
        for z, x, y in tiles:
            b = ",".join(f"{v:.6f}" for v in bbox(z, x, y))
            f.write("?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=" + ",".join(layers) +
                    f"&STYLES=&SRS=EPSG:3857&BBOX={b}&WIDTH=256&HEIGHT=256&FORMAT=image/png"
                    f"&TRANSPARENT=TRUE&TIME={a.year}\n")
    with open(os.path.join(a.out, "tiles-all.txt"), "w") as every:
        per_layer = {l: open(os.path.join(a.out, f"tiles-{l}.txt"), "w") for l in layers}
        for z, x, y in tiles:
            for l in layers:
                line = f"/tiles/{l}/{z}/{x}/{y}.png?year={a.year}\n"
                per_layer[l].write(line)
                every.write(line)
        for f in per_layer.values():
            f.close()


if __name__ == "__main__":
    main()
