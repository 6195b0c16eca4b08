#!/usr/bin/python3
"""Turns a checkout of thanglequoc/vietnamese-provinces-database into a national benchmark data set.

Usage: /usr/bin/python3 scripts/national/prepare.py CHECKOUT OUT_DIR
           [--provinces 01,25] [--villages-total 100000] [--seed 2026] [--years 2012-2025]

CHECKOUT is a clone of https://github.com/thanglequoc/vietnamese-provinces-database (MIT); the
script reads json/geojson/<NN_slug>/<NN_slug>.geojson (one province each) and
json/geojson/<NN_slug>/<subfolder>/<CODE>_<slug>.geojson (one commune-level unit each; the
subfolder is `wards`). It writes into OUT_DIR:

  provinces.gpkg  layer provinces: code, name (fullName), MultiPolygon        (real 2025 boundaries)
  communes.gpkg   layer communes:  code, name (fullName), parent, subtype     (real 2025 boundaries)
  villages.gpkg   layer villages:  code, name, parent, MultiPolygon           (synthetic)
  statuses.csv    code,year,status,decision,date,authority,note              (synthetic)
  summary.json    counts, checks and timings

Villages: each commune gets N of them, N proportional to the commune's areaKm2 with at least 5, so
that all communes of the country together get --villages-total (the allocation is always national,
so a --provinces run gives exactly the villages of the full run for those provinces). They are the
Voronoi cells of N pseudo-random points inside the commune (random.Random(f"{seed}:{code}")),
clipped to the commune: siblings tile their commune. GDAL 3.6's Python bindings have no
Geometry.VoronoiDiagram, so the cells are built from Geometry.DelaunayTriangulation (circumcentres
of the triangles around each point, with eight far-away guard points so that every cell is bounded
and no guard is ever nearest inside the commune); the points are drawn with prepared-geometry
Contains (Within), falling back to PointOnSurface.

Statuses: every commune and village, every year: `recognised` for a share rising linearly from 70 %
(2012) to 93 % (2025), otherwise `registered` or `not_recognised`; a unit keeps its standing from
year to year except for a yearly 15 % redraw. Recognised rows carry a decision number (one
decision per issuing authority and year), the date YYYY-12-20 and the authority: "UBND <commune>"
for villages, "UBND <province>" for communes.

Only the standard library and GDAL's Python bindings (osgeo); run with Debian's /usr/bin/python3.
Text is Unicode NFC. Everything is deterministic for a given checkout, seed, GDAL/GEOS version.
"""

import argparse
import bisect
import csv
import json
import math
import os
import random
import re
import subprocess
import sys
import time
import unicodedata

try:
    from osgeo import gdal, ogr, osr
except ImportError:  # pragma: no cover - depends on the system
    print("ERROR: GDAL's Python bindings are missing; run with /usr/bin/python3 (Debian: apt install python3-gdal)",
          file=sys.stderr)
    sys.exit(1)

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

REPO_URL = "https://github.com/thanglequoc/vietnamese-provinces-database"
PROVINCE_DIR = re.compile(r"^(\d{2})_([a-z0-9_]+)$")
COMMUNE_FILE = re.compile(r"^(\d{5})_([a-z0-9_]+)\.geojson$")
AREA_PROP = re.compile(rb'"areaKm2"\s*:\s*(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)')
CODE_PROP = re.compile(rb'"code"\s*:\s*"(\d+)"')
MIN_VILLAGES = 5
CHURN = 0.15               # yearly chance that a unit's standing is drawn afresh
REGISTERED_SHARE = 0.5     # of the units not recognised in a year
SHARE_2012, SHARE_2025 = 0.70, 0.93
SUBTYPES = [("xã ", "xa"), ("phường ", "phuong"), ("thị trấn ", "thi_tran"), ("đặc khu ", "xa")]
OUTPUTS = ["provinces.gpkg", "communes.gpkg", "villages.gpkg", "statuses.csv", "summary.json"]


def fail(msg):
    print("ERROR: " + msg, file=sys.stderr)
    sys.exit(1)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def nfc(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s or "")).strip()


def lower_first(s):
    return s[:1].lower() + s[1:]


def upper_first(s):
    return s[:1].upper() + s[1:]


# --- the checkout --------------------------------------------------------------------------------

def not_a_checkout(checkout, why):
    fail(f"{checkout!r} is not a checkout of thanglequoc/vietnamese-provinces-database ({why}).\n"
         f"  Expected json/geojson/<NN_slug>/<NN_slug>.geojson and json/geojson/<NN_slug>/wards/<CODE>_<slug>.geojson.\n"
         f"  Get it with: git clone --depth 1 {REPO_URL}")


def find_geojson_root(checkout):
    if not os.path.exists(checkout):
        not_a_checkout(checkout, "no such directory")
    if not os.path.isdir(checkout):
        not_a_checkout(checkout, "not a directory")
    for root in (os.path.join(checkout, "json", "geojson"), os.path.join(checkout, "geojson"), checkout):
        if os.path.isdir(root) and any(PROVINCE_DIR.match(e) for e in os.listdir(root)):
            return root
    not_a_checkout(checkout, "no json/geojson/<NN_slug> folders")


def read_tail(path, size=4096):
    with open(path, "rb") as fh:
        length = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, length - size))
        tail = fh.read()
        if length < 200:
            fh.seek(0)
            if fh.read(40).startswith(b"version https://git-lfs"):
                fail(f"{path} is a Git LFS pointer, not GeoJSON; fetch the real files (git lfs pull)")
    return tail


def scan_checkout(root):
    """Province folders and commune files with their codes and areaKm2 (read from the files' tails,
    where the properties are; the geometry is read later, one province at a time)."""
    provinces = []
    seen = {}
    for entry in sorted(os.listdir(root)):
        m = PROVINCE_DIR.match(entry)
        folder = os.path.join(root, entry)
        if not m or not os.path.isdir(folder):
            continue
        pfile = os.path.join(folder, entry + ".geojson")
        if not os.path.isfile(pfile):
            not_a_checkout(root, f"{entry}/ has no {entry}.geojson")
        communes = []
        for sub in sorted(os.listdir(folder)):
            subdir = os.path.join(folder, sub)
            if not os.path.isdir(subdir):
                continue
            for name in sorted(os.listdir(subdir)):
                cm = COMMUNE_FILE.match(name)
                if not cm:
                    continue
                path = os.path.join(subdir, name)
                code = cm.group(1)
                if code in seen:
                    fail(f"commune code {code} appears twice: {seen[code]} and {path}")
                seen[code] = path
                tail = read_tail(path)
                area = AREA_PROP.search(tail)
                communes.append({"code": code, "path": path,
                                 "area_km2": float(area.group(1)) if area else None})
        if not communes:
            not_a_checkout(root, f"{entry}/ has no <subfolder>/<CODE>_<slug>.geojson commune files")
        provinces.append({"code": m.group(1), "slug": m.group(2), "path": pfile, "communes": communes})
    if not provinces:
        not_a_checkout(root, "no province folders")
    return provinces


def source_commit(checkout):
    if not os.path.exists(os.path.join(checkout, ".git")):
        return None
    try:
        out = subprocess.run(["git", "-C", checkout, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=20)
        return (out.stdout.strip() or None) if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


# --- geometry ------------------------------------------------------------------------------------

def read_feature(path):
    """The one feature of a GeoJSON file: (properties, geometry)."""
    try:
        ds = ogr.Open(path)
    except RuntimeError as e:
        fail(f"cannot read {path}: {e}")
    layer = ds.GetLayer(0)
    features = [f for f in layer]
    if len(features) != 1:
        fail(f"{path} has {len(features)} features; expected exactly one")
    feature = features[0]
    props = {feature.GetFieldDefnRef(i).GetName(): feature.GetField(i) for i in range(feature.GetFieldCount())}
    geometry = feature.GetGeometryRef()
    if geometry is None or geometry.IsEmpty():
        fail(f"{path} has no geometry")
    return props, geometry.Clone()


def collect_polygons(geometry, out):
    gtype = ogr.GT_Flatten(geometry.GetGeometryType())
    if gtype == ogr.wkbPolygon:
        if not geometry.IsEmpty() and geometry.GetArea() > 0:
            out.AddGeometry(geometry)
    elif gtype in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
        for i in range(geometry.GetGeometryCount()):
            collect_polygons(geometry.GetGeometryRef(i), out)


def polygons_of(geometry):
    """The polygonal parts of any geometry as one MultiPolygon (maybe empty)."""
    out = ogr.Geometry(ogr.wkbMultiPolygon)
    if geometry is not None:
        collect_polygons(geometry, out)
    return out


def clean(geometry):
    """A valid 2D MultiPolygon, and whether it had to be repaired."""
    geometry.FlattenTo2D()
    out = polygons_of(geometry)
    if out.IsValid():
        return out, False
    out = polygons_of(out.MakeValid())
    if not out.IsValid():
        out = polygons_of(out.Buffer(0))
    return out, True


def sample_points(geometry, n, rng):
    """n distinct points inside the MultiPolygon: a part chosen by area, then a uniform point of its
    envelope kept if the part contains it (PointOnSurface after 1000 misses)."""
    parts = [geometry.GetGeometryRef(i) for i in range(geometry.GetGeometryCount())]
    cumulative = []
    total = 0.0
    for part in parts:
        total += part.GetArea()
        cumulative.append(total)
    prepared = {}
    points, seen = [], set()
    misses = 0
    while len(points) < n and misses < 50:
        i = min(bisect.bisect_right(cumulative, rng.random() * total), len(parts) - 1)
        part = parts[i]
        if i not in prepared:
            prepared[i] = (part.CreatePreparedGeometry(), part.GetEnvelope())
        prep, (minx, maxx, miny, maxy) = prepared[i]
        xy = None
        for _ in range(1000):
            x = minx + rng.random() * (maxx - minx)
            y = miny + rng.random() * (maxy - miny)
            point = ogr.Geometry(ogr.wkbPoint)
            point.AddPoint_2D(x, y)
            if prep.Contains(point):
                xy = (x, y)
                break
        if xy is None:
            surface = part.PointOnSurface()
            xy = (surface.GetX(), surface.GetY())
        if xy in seen:
            misses += 1
            continue
        seen.add(xy)
        points.append(xy)
    return points


def circumcentre(a, b, c):
    bx, by = b[0] - a[0], b[1] - a[1]
    cx, cy = c[0] - a[0], c[1] - a[1]
    d = 2.0 * (bx * cy - by * cx)
    if d == 0:
        return None
    b2, c2 = bx * bx + by * by, cx * cx + cy * cy
    return (a[0] + (cy * b2 - by * c2) / d, a[1] + (bx * c2 - cx * b2) / d)


def voronoi_cells(sites, envelope):
    """The Voronoi cell of each site (a convex Polygon, or None), from GEOS's Delaunay triangulation.
    `envelope` (minx, maxx, miny, maxy) holds all sites and the area to be covered. Eight guard
    points on a circle of radius 4 D around its centre (D = its diagonal) make every site an inner
    vertex, so that its cell is bounded; inside the envelope a site is never farther than D while
    a guard is at least 3.5 D away, so there the sites' cells are exact and cover everything."""
    minx, maxx, miny, maxy = envelope
    diag = max(math.hypot(maxx - minx, maxy - miny), 1e-6)
    cx, cy, radius = (minx + maxx) / 2, (miny + maxy) / 2, 4 * diag
    guards = [(cx + radius * math.cos(k * math.pi / 4), cy + radius * math.sin(k * math.pi / 4)) for k in range(8)]
    multipoint = ogr.Geometry(ogr.wkbMultiPoint)
    for x, y in list(sites) + guards:
        point = ogr.Geometry(ogr.wkbPoint)
        point.AddPoint_2D(x, y)
        multipoint.AddGeometry(point)
    triangles = multipoint.DelaunayTriangulation()
    index = {p: i for i, p in enumerate(sites)}
    fans = [[] for _ in sites]
    for t in range(triangles.GetGeometryCount()):
        ring = triangles.GetGeometryRef(t).GetGeometryRef(0)
        corners = [(ring.GetX(k), ring.GetY(k)) for k in range(3)]
        centre = circumcentre(*corners)
        if centre is None:
            continue
        for corner in corners:
            i = index.get(corner)
            if i is not None:
                fans[i].append(centre)
    cells = []
    for (sx, sy), fan in zip(sites, fans):
        vertices = sorted(set(fan), key=lambda c: math.atan2(c[1] - sy, c[0] - sx))
        if len(vertices) < 3:
            cells.append(None)
            continue
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in vertices:
            ring.AddPoint_2D(x, y)
        ring.AddPoint_2D(*vertices[0])
        polygon = ogr.Geometry(ogr.wkbPolygon)
        polygon.AddGeometry(ring)
        cells.append(polygon)
    return cells


def make_villages(commune, code, n, seed, stats):
    """[(MultiPolygon, site)] tiling the commune, numbered north to south."""
    rng = random.Random(f"{seed}:{code}")
    sites = sample_points(commune, n, rng)
    cells = voronoi_cells(sites, commune.GetEnvelope())
    pieces = []
    for site, cell in zip(sites, cells):
        if cell is None:
            stats["villages_dropped"] += 1
            continue
        piece = polygons_of(commune.Intersection(cell))
        if not piece.IsEmpty() and not piece.IsValid():
            piece, _ = clean(piece)
            stats["villages_repaired"] += 1
        if piece.IsEmpty() or piece.GetArea() <= 0:
            stats["villages_dropped"] += 1
            continue
        pieces.append((piece, site))
    pieces.sort(key=lambda p: (-p[1][1], p[1][0]))
    return pieces


# --- villages per commune ------------------------------------------------------------------------

def allocate_villages(provinces, total):
    """Villages per commune code: max(5, area x k), rounded so that the sum is `total` (largest
    remainders), over all communes of the checkout."""
    communes = [c for p in provinces for c in p["communes"]]
    missing = [c["code"] for c in communes if not c["area_km2"] or c["area_km2"] <= 0]
    if missing:
        fail(f"{len(missing)} commune file(s) have no positive areaKm2 property, e.g. {', '.join(missing[:5])}")
    if total <= MIN_VILLAGES * len(communes):
        return {c["code"]: MIN_VILLAGES for c in communes}

    def count(k):
        return sum(max(MIN_VILLAGES, math.floor(c["area_km2"] * k)) for c in communes)

    lo, hi = 0.0, total / min(c["area_km2"] for c in communes)
    for _ in range(200):
        mid = (lo + hi) / 2
        if count(mid) <= total:
            lo = mid
        else:
            hi = mid
    k = lo
    result = {c["code"]: max(MIN_VILLAGES, math.floor(c["area_km2"] * k)) for c in communes}
    left = total - sum(result.values())
    free = sorted((c for c in communes if c["area_km2"] * k >= MIN_VILLAGES),
                  key=lambda c: (-(c["area_km2"] * k - math.floor(c["area_km2"] * k)), c["code"]))
    while left > 0 and free:
        for c in free:
            if left == 0:
                break
            result[c["code"]] += 1
            left -= 1
    return result


# --- statuses ------------------------------------------------------------------------------------

def recognised_share(year):
    share = SHARE_2012 + (SHARE_2025 - SHARE_2012) * (year - 2012) / 13
    return min(0.97, max(0.05, share))


class StatusWriter:
    def __init__(self, path, years, seed):
        self.fh = open(path, "w", newline="", encoding="utf-8")
        self.csv = csv.writer(self.fh, lineterminator="\n")
        self.csv.writerow(["code", "year", "status", "decision", "date", "authority", "note"])
        self.years = years
        self.seed = seed
        self.rows = 0
        self.counts = {y: {"recognised": 0, "registered": 0, "not_recognised": 0} for y in years}
        self.decisions = {}

    def decision(self, issuer, year):
        key = (issuer, year)
        if key not in self.decisions:
            self.decisions[key] = f"{random.Random(f'{self.seed}:decision:{issuer}:{year}').randint(1, 480)}/QĐ-UBND"
        return self.decisions[key]

    def write_unit(self, code, issuer, authority):
        """Every year of one unit; `issuer` is the code of the body whose decision recognises it."""
        rng = random.Random(f"{self.seed}:status:{code}")
        standing = rng.random()
        for year in self.years:
            redraw, fresh, kind = rng.random(), rng.random(), rng.random()
            if redraw < CHURN:
                standing = fresh
            if standing < recognised_share(year):
                status = "recognised"
                self.csv.writerow([code, year, status, self.decision(issuer, year), f"{year}-12-20", authority, ""])
            else:
                status = "registered" if kind < REGISTERED_SHARE else "not_recognised"
                self.csv.writerow([code, year, status, "", "", "", ""])
            self.counts[year][status] += 1
            self.rows += 1

    def close(self):
        self.fh.close()


# --- output --------------------------------------------------------------------------------------

def create_layer(path, name, fields):
    driver = ogr.GetDriverByName("GPKG")
    if os.path.exists(path):
        driver.DeleteDataSource(path)
    ds = driver.CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    layer = ds.CreateLayer(name, srs, ogr.wkbMultiPolygon, ["GEOMETRY_NAME=geom", "FID=fid"])
    for field in fields:
        layer.CreateField(ogr.FieldDefn(field, ogr.OFTString))
    return ds, layer


def add_feature(layer, values, geometry):
    feature = ogr.Feature(layer.GetLayerDefn())
    for key, value in values.items():
        feature.SetField(key, value)
    feature.SetGeometry(geometry)
    layer.CreateFeature(feature)


def parse_years(text):
    m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text.strip())
    if not m:
        fail(f"--years takes YYYY-YYYY or YYYY, not {text!r}")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if not 1990 <= first <= last <= 2100:
        fail(f"--years {text}: the range must run forwards within 1990-2100")
    return list(range(first, last + 1))


def main():
    parser = argparse.ArgumentParser(
        description="National benchmark data from thanglequoc/vietnamese-provinces-database: real 2025 provinces "
                    "and communes, synthetic villages and statuses.")
    parser.add_argument("checkout", help=f"a clone of {REPO_URL} (git clone --depth 1 ...)")
    parser.add_argument("out_dir", help="output directory (created; the output files in it are overwritten)")
    parser.add_argument("--provinces", help="comma-separated province codes, e.g. 01,25 (default: all)")
    parser.add_argument("--villages-total", type=int, default=100000,
                        help="villages in the whole country (default 100000; at least 5 per commune)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--years", default="2012-2025", help="status years, e.g. 2012-2025 (default)")
    args = parser.parse_args()

    started = time.monotonic()
    years = parse_years(args.years)
    if years[0] < 2012:
        log(f"warning: statuses from {years[0]}; import the units with --valid-from {years[0]}-01-01 or earlier")
    if args.villages_total < 0:
        fail("--villages-total must not be negative")

    root = find_geojson_root(args.checkout)
    provinces = scan_checkout(root)
    allocation = allocate_villages(provinces, args.villages_total)
    if args.provinces:
        wanted = [c.strip() for c in args.provinces.split(",") if c.strip()]
        known = {p["code"] for p in provinces}
        unknown = [c for c in wanted if c not in known]
        if unknown:
            fail(f"--provinces: no province {', '.join(unknown)} in the checkout; known: {', '.join(sorted(known))}")
        selected = [p for p in provinces if p["code"] in wanted]
    else:
        selected = provinces
    scan_seconds = time.monotonic() - started
    log(f"{len(provinces)} provinces, {sum(len(p['communes']) for p in provinces)} communes in {root} "
        f"({scan_seconds:.1f} s); writing {len(selected)} province(s) to {args.out_dir}")

    os.makedirs(args.out_dir, exist_ok=True)
    out = {name: os.path.join(args.out_dir, name) for name in OUTPUTS}
    prov_ds, prov_layer = create_layer(out["provinces.gpkg"], "provinces", ["code", "name"])
    comm_ds, comm_layer = create_layer(out["communes.gpkg"], "communes", ["code", "name", "parent", "subtype"])
    vill_ds, vill_layer = create_layer(out["villages.gpkg"], "villages", ["code", "name", "parent"])
    statuses = StatusWriter(out["statuses.csv"], years, args.seed)

    stats = {"villages_dropped": 0, "villages_repaired": 0}
    repaired_sources = []
    renamed = []
    subtypes = {}
    source_kinds = {}
    per_province = []
    worst_tiling = {"relative_area_error": 0.0, "commune": None}

    for number, province in enumerate(selected, 1):
        t0 = time.monotonic()
        props, geometry = read_feature(province["path"])
        pcode = str(props.get("code") or "").strip()
        if pcode != province["code"]:
            fail(f"{province['path']}: code {pcode!r} differs from its folder's {province['code']!r}")
        pname = nfc(props.get("fullName") or props.get("name"))
        if not pname:
            fail(f"{province['path']} has no fullName")
        geometry, repaired = clean(geometry)
        if repaired:
            repaired_sources.append(pcode)
        if geometry.IsEmpty():
            fail(f"{province['path']}: no polygon left after repair")
        for ds in (prov_ds, comm_ds, vill_ds):
            ds.StartTransaction()
        add_feature(prov_layer, {"code": pcode, "name": pname}, geometry)
        province_authority = "UBND " + lower_first(pname)
        villages_here = 0
        rows_before = statuses.rows
        for commune in province["communes"]:
            cprops, cgeom = read_feature(commune["path"])
            code = str(cprops.get("code") or cprops.get("id") or "").strip()
            if code != commune["code"]:
                fail(f"{commune['path']}: code {code!r} differs from its file name's {commune['code']!r}")
            raw_name = nfc(cprops.get("fullName") or "")
            if not raw_name:
                fail(f"{commune['path']} has no fullName")
            name = upper_first(raw_name)
            if name != raw_name:
                renamed.append(f"{code}: {raw_name} -> {name}")
            folded = name.casefold()
            subtype = next((s for prefix, s in SUBTYPES if folded.startswith(prefix)), None)
            if subtype is None:
                fail(f"{commune['path']}: cannot tell xã/phường/thị trấn/đặc khu from the name {name!r}")
            kind = next(prefix for prefix, _ in SUBTYPES if folded.startswith(prefix)).strip()
            source_kinds[kind] = source_kinds.get(kind, 0) + 1
            subtypes[subtype] = subtypes.get(subtype, 0) + 1
            cgeom, repaired = clean(cgeom)
            if repaired:
                repaired_sources.append(code)
            if cgeom.IsEmpty():
                fail(f"{commune['path']}: no polygon left after repair")
            add_feature(comm_layer, {"code": code, "name": name, "parent": pcode, "subtype": subtype}, cgeom)
            statuses.write_unit(code, pcode, province_authority)

            village_word = "Tổ dân phố" if subtype == "phuong" else "Thôn"
            commune_authority = "UBND " + lower_first(name)
            pieces = make_villages(cgeom, code, allocation[code], args.seed, stats)
            area_sum = 0.0
            for i, (piece, _site) in enumerate(pieces, 1):
                vcode = f"{code}-{i:03d}"
                add_feature(vill_layer, {"code": vcode, "name": f"{village_word} {i}", "parent": code}, piece)
                statuses.write_unit(vcode, code, commune_authority)
                area_sum += piece.GetArea()
            commune_area = cgeom.GetArea()
            error = abs(area_sum - commune_area) / commune_area
            if error > worst_tiling["relative_area_error"]:
                worst_tiling = {"relative_area_error": error, "commune": code}
            villages_here += len(pieces)
        for ds in (prov_ds, comm_ds, vill_ds):
            ds.CommitTransaction()
        seconds = time.monotonic() - t0
        per_province.append({"code": pcode, "name": pname, "communes": len(province["communes"]),
                             "villages": villages_here, "status_rows": statuses.rows - rows_before,
                             "seconds": round(seconds, 2)})
        log(f"[{number:2d}/{len(selected)}] {pcode} {pname}: {len(province['communes'])} communes, "
            f"{villages_here} villages, {statuses.rows - rows_before} status rows, {seconds:.1f} s")

    statuses.close()
    write_started = time.monotonic()
    # Dropping every reference closes the GeoPackages (the spatial indexes are written then); the
    # layers hold their datasets open.
    prov_layer = comm_layer = vill_layer = ds = None
    prov_ds = comm_ds = vill_ds = None
    close_seconds = time.monotonic() - write_started
    total_seconds = time.monotonic() - started

    summary = {
        "source": {"repository": REPO_URL, "licence": "MIT", "path": os.path.abspath(args.checkout),
                   "commit": source_commit(args.checkout)},
        "options": {"provinces": [p["code"] for p in selected], "villages_total": args.villages_total,
                    "seed": args.seed, "years": [years[0], years[-1]]},
        "counts": {
            "provinces": len(selected),
            "communes": sum(p["communes"] for p in per_province),
            "communes_by_source_type": source_kinds,
            "communes_by_subtype": subtypes,
            "villages": sum(p["villages"] for p in per_province),
            "villages_allocated": sum(allocation[c["code"]] for p in selected for c in p["communes"]),
            "villages_dropped_empty": stats["villages_dropped"],
            "villages_repaired": stats["villages_repaired"],
            "status_rows": statuses.rows,
            "statuses_by_year": {str(y): dict(statuses.counts[y], recognised_share=round(
                statuses.counts[y]["recognised"] / max(1, sum(statuses.counts[y].values())), 4)) for y in years},
        },
        "checks": {
            "source_geometries_repaired": repaired_sources,
            "names_capitalised": renamed,
            "worst_village_tiling_area_error": worst_tiling,
        },
        "timings_seconds": {"scan": round(scan_seconds, 2), "close_files": round(close_seconds, 2),
                            "total": round(total_seconds, 2)},
        "provinces": per_province,
        "sizes_bytes": {name: os.path.getsize(out[name]) for name in OUTPUTS[:4]},
        "versions": {"gdal": gdal.__version__, "geos": f"{ogr.GetGEOSVersionMajor()}.{ogr.GetGEOSVersionMinor()}."
                                                       f"{ogr.GetGEOSVersionMicro()}", "python": sys.version.split()[0]},
    }
    with open(out["summary.json"], "w", encoding="utf-8") as fh:
        json.dump(summary, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    c = summary["counts"]
    log(f"done in {total_seconds:.1f} s: {c['provinces']} provinces, {c['communes']} communes, {c['villages']} villages, "
        f"{c['status_rows']} status rows -> {args.out_dir}")


if __name__ == "__main__":
    main()
