#!/usr/bin/python3
"""Extracts the 46 communes of the new Phú Thọ (2025) that lie on former Hòa Bình ground.

Usage: /usr/bin/python3 scripts/extract-phutho-2025.py /path/to/communes.gpkg sample-data/ [--tolerance DEG]

Reads layer `communes` (EPSG:4326: code, name, full_name, area_km2, former) of the reference
GeoPackage, keeps the codes 04xxx-05xxx and writes into the output directory:

  phutho-2025-communes.csv   ma_xa,ten_xa,loai,dien_tich_km2,truoc_2025,wkt
  phutho-crosswalk-2025.csv  ma_xa_cu,ten_xa_cu,ma_xa_moi,ten_xa_moi,phan

The crosswalk parses the `former` texts and matches every name to hoabinh-communes-2020-2025.csv
(read from the output directory); the script stops with a non-zero exit on any name it cannot
match and on any 2020-2025 commune that no new unit names.

The boundaries are simplified as a coverage, so that neighbours keep sharing their edges exactly:
  1. clean the source at full resolution: node the union of all boundaries, polygonize, give each
     face to the commune that overlaps it most (overlap slivers go to one side; enclosed gap faces go
     to the neighbour sharing the longest edge), union the faces per commune;
  2. node the boundaries of that clean coverage into edges between nodes (points where three or more
     edges meet), Douglas-Peucker each edge with its end points fixed, round to 5 decimals; edges
     that then cross or touch another edge (or themselves) are redone with half the tolerance until
     none do;
  3. polygonize the simplified edges, give each face to the clean commune that overlaps it most,
     union per commune, check (validity, areas in EPSG:32648, overlaps, gaps, shape of each unit).
Needs only the standard library and GDAL's Python bindings (osgeo).
"""

import argparse
import csv
import os
import re
import sys
import unicodedata

from osgeo import ogr, osr

ogr.UseExceptions()
osr.UseExceptions()

COMMUNES_CSV = "phutho-2025-communes.csv"
CROSSWALK_CSV = "phutho-crosswalk-2025.csv"
HOABINH_CSV = "hoabinh-communes-2020-2025.csv"
DECIMALS = 5
EXPECTED_NEW = 46
EXPECTED_OLD = 151


def fail(msg):
    print("ERROR: " + msg, file=sys.stderr)
    sys.exit(1)


def nfc(s):
    return unicodedata.normalize("NFC", s) if s is not None else ""


def collapse(s):
    return re.sub(r"\s+", " ", nfc(s)).strip()


# --- names -----------------------------------------------------------------------------------

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng


def name_key(s):
    """Comparison key: NFC, whitespace collapsed, case folded, and each syllable's tone mark moved to
    the syllable's end, so that "Hoà"/"Hòa", "Thuỷ"/"Thủy", "Khoè"/"Khòe" compare equal."""
    words = []
    for w in collapse(s).casefold().split(" "):
        d = unicodedata.normalize("NFD", w)
        tones = "".join(c for c in d if c in TONES)
        base = "".join(c for c in d if c not in TONES)
        words.append(unicodedata.normalize("NFC", base) + tones)
    return " ".join(words)


UNIT = re.compile(r"^(Phường|Thị trấn|Xã) (\S.*?)(?: \((?:huyện|thành phố|thị xã) ([^()]+)\))?$", re.I)
PART_PHRASES = [  # phrases saying that only part of the next unit came in
    r"một phần diện tích tự nhiên, quy mô dân số của",
    r"một phần diện tích tự nhiên và quy mô dân số của",
    r"một phần diện tích tự nhiên của",
    r"một phần của",
    r"phần còn lại của",
]
PART = "\u00a7PART\u00a7"


def parse_former(text):
    """-> list of (name as written, district or None, partial?) from a `former` text."""
    t = collapse(text)
    t = re.sub(r"\s*,?\s*sau khi sắp xếp theo quy định tại khoản \d+ Điều này", "", t)
    for p in PART_PHRASES:
        t = re.sub(p, PART, t)
    # "của xã  Xã Vầy Nưa": a lower-case unit word before the unit's own name
    t = re.sub(PART + r"\s+(?:xã|phường|thị trấn)\s+(?=(?:Xã|Phường|Thị trấn) )", PART + " ", t)
    items = []
    for raw in re.split(r"\s*,\s*|\s+và\s+", t):
        raw = raw.strip()
        if raw.startswith("và "):
            raw = raw[3:].strip()
        if not raw:
            continue
        partial = False
        if raw.startswith(PART):
            partial = True
            raw = raw[len(PART):].strip()
        if PART in raw:
            fail("cannot parse %r in former text %r" % (raw.replace(PART, "<part of>"), text))
        m = UNIT.match(raw)
        if not m:
            fail("cannot parse %r in former text %r" % (raw, text))
        kind = {"phường": "Phường", "thị trấn": "Thị trấn", "xã": "Xã"}[m.group(1).lower()]
        items.append((kind + " " + m.group(2), m.group(3), partial))
    if not items:
        fail("no unit in former text %r" % text)
    return items


def read_hoabinh(path):
    if not os.path.exists(path):
        fail("%s not found (the crosswalk matches names against it)" % path)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if len(rows) != EXPECTED_OLD:
        fail("%s: %d communes, expected %d" % (path, len(rows), EXPECTED_OLD))
    return rows


# Spellings in the `former` texts that differ from hoabinh-communes-2020-2025.csv by more than tone
# placement: name as written -> (code, name in the CSV). Each use is printed.
ALIASES = {
    "Xã Mỵ Hòa": ("05083", "Xã Mi Hòa"),  # Kim Bôi: y/i spelling and tone
    "Xã Xăm Khòe": ("05245", "Xã Săm Khóe"),  # Mai Châu: s/x spelling and tone
}
ALIAS_USED = []
MATCH_ERRORS = []


def match_former(name, district, old_rows, text):
    cands = [r for r in old_rows if name_key(r["ten_xa"]) == name_key(name)]
    alias = {name_key(k): v for k, v in ALIASES.items()}.get(name_key(name))
    if not cands and alias:
        cands = [r for r in old_rows if r["ma_xa"] == alias[0] and name_key(r["ten_xa"]) == name_key(alias[1])]
        if not cands:
            fail("alias %r -> %s %s: no such row in %s" % (name, alias[0], alias[1], HOABINH_CSV))
        ALIAS_USED.append("%r matched to %s %s" % (name, alias[0], alias[1]))
    if district is not None:
        dk = name_key(district)
        cands = [r for r in cands
                 if name_key(re.sub(r"^(Huyện|Thành phố|Thị xã) ", "", collapse(r["ten_huyen"]), flags=re.I)) == dk]
    if not cands:
        MATCH_ERRORS.append("no 2020-2025 commune matches %r%s (former text %r)"
                            % (name, " (huyện %s)" % district if district else "", text))
        return None
    if len(cands) > 1:
        MATCH_ERRORS.append("%r is ambiguous (%s) in former text %r" % (
            name, ", ".join("%s %s, %s" % (r["ma_xa"], r["ten_xa"], r["ten_huyen"]) for r in cands), text))
        return None
    return cands[0]


def build_crosswalk(units, old_rows):
    pairs = []  # (old row, new unit, partial)
    for u in units:
        seen = set()
        for name, district, partial in parse_former(u["former"]):
            r = match_former(name, district, old_rows, u["former"])
            if r is None:
                continue
            if r["ma_xa"] in seen:
                fail("%s named twice in former text %r" % (r["ten_xa"], u["former"]))
            seen.add(r["ma_xa"])
            pairs.append((r, u, partial))
    if MATCH_ERRORS:
        fail("%d names not matched:\n  " % len(MATCH_ERRORS) + "\n  ".join(MATCH_ERRORS))
    by_old = {}
    for r, u, partial in pairs:
        by_old.setdefault(r["ma_xa"], []).append((u, partial))
    missing = [r for r in old_rows if r["ma_xa"] not in by_old]
    if missing:
        fail("%d former communes named by no new unit: %s" % (
            len(missing), ", ".join("%s %s (%s)" % (r["ma_xa"], r["ten_xa"], r["ten_huyen"]) for r in missing)))
    for code, lst in by_old.items():
        if len(lst) > 1 and not all(p for _, p in lst):
            fail("former commune %s goes to %s but not every text says 'part of' it" % (
                code, ", ".join("%s %s" % (u["code"], u["full_name"]) for u, _ in lst)))
    return pairs, by_old


# --- geometry helpers ------------------------------------------------------------------------

def rings_of(geom):
    """Every ring of a (multi)polygon as a list of (x, y)."""
    out = []
    t = ogr.GT_Flatten(geom.GetGeometryType())
    polys = [geom] if t == ogr.wkbPolygon else [geom.GetGeometryRef(i) for i in range(geom.GetGeometryCount())]
    for p in polys:
        for i in range(p.GetGeometryCount()):
            out.append([(x, y) for x, y, *_ in p.GetGeometryRef(i).GetPoints()])
    return out


def polygons_of(geom):
    if geom is None or geom.IsEmpty():
        return []
    t = ogr.GT_Flatten(geom.GetGeometryType())
    if t == ogr.wkbPolygon:
        return [geom]
    if t in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
        out = []
        for i in range(geom.GetGeometryCount()):
            out.extend(polygons_of(geom.GetGeometryRef(i)))
        return out
    return []


def area(geom):
    """Area of the polygonal part of a geometry (intersections may come with points and lines)."""
    return sum(p.GetArea() for p in polygons_of(geom))


def linestring(coords):
    g = ogr.Geometry(ogr.wkbLineString)
    for x, y in coords:
        g.AddPoint_2D(x, y)
    return g


def multilinestring(lines):
    g = ogr.Geometry(ogr.wkbMultiLineString)
    for c in lines:
        g.AddGeometry(linestring(c))
    return g


def node(lines):
    """Nodes and de-duplicates line work (GEOS overlay); -> list of coordinate lists."""
    mls = multilinestring(lines)
    noded = mls.Union(mls.GetGeometryRef(0))
    out = []
    t = ogr.GT_Flatten(noded.GetGeometryType())
    parts = [noded] if t == ogr.wkbLineString else [noded.GetGeometryRef(i) for i in range(noded.GetGeometryCount())]
    for p in parts:
        if ogr.GT_Flatten(p.GetGeometryType()) != ogr.wkbLineString:
            fail("noding gave a %s" % p.GetGeometryName())
        out.append([(x, y) for x, y, *_ in p.GetPoints()])
    return out


def polygonize(lines):
    faces = multilinestring(lines).Polygonize()
    return [f.Clone() for f in polygons_of(faces)]


def union_all(polys):
    if not polys:
        return None
    mp = ogr.Geometry(ogr.wkbMultiPolygon)
    for g in polys:
        for p in polygons_of(g):
            mp.AddGeometry(p)
    return mp.UnionCascaded()


def env_overlap(a, b):
    return a[0] <= b[1] and b[0] <= a[1] and a[2] <= b[3] and b[2] <= a[3]


def assign_faces(faces, owners, label):
    """Gives each face to the owner (code -> geometry) overlapping it most; faces that no owner covers
    (gaps enclosed by the coverage) go to the owner sharing the longest edge. -> code -> [faces],
    stats."""
    owner_env = {c: g.GetEnvelope() for c, g in owners.items()}
    owner_bnd = {}
    out = {c: [] for c in owners}
    stats = {"faces": len(faces), "overlap_faces": 0, "overlap_area": 0.0, "gap_faces": 0,
             "gap_area": 0.0, "gap_max": 0.0}
    for f in faces:
        fa = f.GetArea()
        fe = f.GetEnvelope()
        cover = []
        for c, g in owners.items():
            if env_overlap(fe, owner_env[c]):
                ia = area(f.Intersection(g)) if f.Intersects(g) else 0.0
                if ia > 0.5 * fa:
                    cover.append((ia, c))
        if cover:
            # most overlap; ties (slivers inside two sources) go to the lower code
            cover.sort(key=lambda t: (-round(t[0] / fa, 6), t[1]))
            if len(cover) > 1:
                stats["overlap_faces"] += 1
                stats["overlap_area"] += fa
            out[cover[0][1]].append(f)
            continue
        fb = f.GetBoundary()
        best = None
        for c, g in owners.items():
            if not env_overlap(fe, owner_env[c]):
                continue
            if c not in owner_bnd:
                owner_bnd[c] = g.GetBoundary()
            inter = fb.Intersection(owner_bnd[c])
            ln = inter.Length() if inter is not None else 0.0
            if ln > 0 and (best is None or ln > best[0]):
                best = (ln, c)
        if best is None:
            fail("%s: a face at %s touches no commune" % (label, f.PointOnSurface().ExportToWkt()))
        stats["gap_faces"] += 1
        stats["gap_area"] += fa
        if fa > stats["gap_max"]:
            stats["gap_max"], stats["gap_max_geom"] = fa, f
        out[best[1]].append(f)
    return out, stats


# --- edges and simplification ----------------------------------------------------------------

def chains(parts):
    """Merges noded parts into maximal edges between nodes (points of degree != 2); rings without
    a node become closed edges."""
    deg = {}
    at = {}
    for i, p in enumerate(parts):
        for end, pt in ((0, p[0]), (1, p[-1])):
            deg[pt] = deg.get(pt, 0) + 1
            at.setdefault(pt, []).append((i, end))
    used = [False] * len(parts)

    def walk(i, reverse):
        coords = list(reversed(parts[i])) if reverse else list(parts[i])
        used[i] = True
        while deg[coords[-1]] == 2 and coords[-1] != coords[0]:
            nxt = [(j, e) for j, e in at[coords[-1]] if not used[j]]
            if not nxt:
                break
            j, e = nxt[0]
            seg = parts[j] if e == 0 else list(reversed(parts[j]))
            coords.extend(seg[1:])
            used[j] = True
        return coords

    out = []
    for pt in sorted(p for p, d in deg.items() if d != 2):
        for i, e in at[pt]:
            if not used[i]:
                out.append(walk(i, e == 1))
    for i in range(len(parts)):
        if not used[i]:
            out.append(walk(i, False))
    return out, sum(1 for d in deg.values() if d != 2)


def seg_dist2(p, a, b):
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    px, py = p[0] - ax, p[1] - ay
    L = dx * dx + dy * dy
    if L == 0:
        return px * px + py * py
    t = max(0.0, min(1.0, (px * dx + py * dy) / L))
    ex, ey = px - t * dx, py - t * dy
    return ex * ex + ey * ey


def douglas_peucker(coords, tol):
    n = len(coords)
    if n <= 2:
        return list(coords)
    keep = [False] * n
    keep[0] = keep[-1] = True
    tol2 = tol * tol
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        best, bi = -1.0, -1
        a, b = coords[i], coords[j]
        for k in range(i + 1, j):
            d = seg_dist2(coords[k], a, b)
            if d > best:
                best, bi = d, k
        if bi >= 0 and (best > tol2 or (tol == 0 and best > 0)):
            keep[bi] = True
            stack.append((i, bi))
            stack.append((bi, j))
    return [c for c, k in zip(coords, keep) if k]


def rnd(c):
    return (round(c[0], DECIMALS), round(c[1], DECIMALS))


def simplify_edge(coords, tol):
    s = douglas_peucker(coords, tol) if tol > 0 else coords
    out = []
    for c in s:
        r = rnd(c)
        if not out or out[-1] != r:
            out.append(r)
    return out


def conflicts(edges):
    """Indices of edges that are not simple or meet another edge anywhere but at shared end points."""
    geoms = [linestring(e) if len(e) >= 2 else None for e in edges]
    envs = [g.GetEnvelope() if g else None for g in geoms]
    bad = set()
    order = sorted((i for i in range(len(edges)) if geoms[i]), key=lambda i: envs[i][0])
    for i in order:
        if not geoms[i].IsSimple():
            bad.add(i)
    for a_pos, i in enumerate(order):
        ei = envs[i]
        ends_i = {edges[i][0], edges[i][-1]}
        for j in order[a_pos + 1:]:
            ej = envs[j]
            if ej[0] > ei[1]:
                break
            if not env_overlap(ei, ej):
                continue
            if not geoms[i].Intersects(geoms[j]):
                continue
            inter = geoms[i].Intersection(geoms[j])
            allowed = ends_i & {edges[j][0], edges[j][-1]}
            ok = True
            t = ogr.GT_Flatten(inter.GetGeometryType())
            if t == ogr.wkbPoint:
                pts = [(inter.GetX(), inter.GetY())]
            elif t == ogr.wkbMultiPoint:
                pts = [(inter.GetGeometryRef(k).GetX(), inter.GetGeometryRef(k).GetY())
                       for k in range(inter.GetGeometryCount())]
            else:
                ok = inter.IsEmpty()
                pts = []
            if ok and any(p not in allowed for p in pts):
                ok = False
            if not ok:
                bad.add(i)
                bad.add(j)
    return bad


def simplify_network(edge_coords, tol):
    """Simplifies every edge (end points fixed, closed edges split at their farthest vertex) and
    rounds it; edges that conflict are redone with half their tolerance. -> edges, retries."""
    pieces = []
    for e in edge_coords:
        if e[0] == e[-1]:
            far = max(range(len(e)), key=lambda k: (e[k][0] - e[0][0]) ** 2 + (e[k][1] - e[0][1]) ** 2)
            pieces.append(e[:far + 1])
            pieces.append(e[far:])
        else:
            pieces.append(e)
    tols = [tol] * len(pieces)
    out = [simplify_edge(p, tol) for p in pieces]
    redone = 0
    for _ in range(60):
        bad = conflicts(out)
        if not bad:
            break
        for i in bad:
            if tols[i] == 0:
                continue
            tols[i] = tols[i] / 2 if tols[i] > 1e-7 else 0
            out[i] = simplify_edge(pieces[i], tols[i])
            redone += 1
        if all(tols[i] == 0 for i in bad):
            again = conflicts(out)
            if again:
                fail("edges still meet after rounding to %d decimals, even unsimplified, near %s"
                     % (DECIMALS, ", ".join(str(out[i][0]) for i in sorted(again)[:5])))
            break
    else:
        fail("simplification did not converge")
    # edges that collapsed to a point (nodes closer than the rounding) vanish
    out = [e for e in out if len(e) >= 2]
    return out, redone, sum(1 for t in tols if t != tol)


# --- output ----------------------------------------------------------------------------------

def fmt(v):
    s = "%.*f" % (DECIMALS, v)
    s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def signed_area(ring):
    a = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        a += x1 * y2 - x2 * y1
    return a / 2


def to_wkt(geom):
    """MULTIPOLYGON WKT, coordinates rounded, exteriors counter-clockwise and holes clockwise,
    largest polygon first."""
    polys = sorted(polygons_of(geom), key=lambda p: -p.GetArea())
    ptxt = []
    for p in polys:
        rtxt = []
        for i in range(p.GetGeometryCount()):
            ring = [rnd((x, y)) for x, y, *_ in p.GetGeometryRef(i).GetPoints()]
            ccw = signed_area(ring) > 0
            if (i == 0) != ccw:
                ring.reverse()
            rtxt.append("(" + ",".join(fmt(x) + " " + fmt(y) for x, y in ring) + ")")
        ptxt.append("(" + ",".join(rtxt) + ")")
    return "MULTIPOLYGON (" + ",".join(ptxt) + ")"


def csv_line(fields, quote=()):
    """One RFC 4180 record (LF line end, as the other files here). Fields with a comma, quote or line
    break are quoted, and so are the code columns (`quote`), as in hoabinh-communes-2020-2025.csv."""
    out = []
    for i, v in enumerate(fields):
        v = str(v)
        if i in quote or any(c in v for c in ',"\r\n'):
            v = '"' + v.replace('"', '""') + '"'
        out.append(v)
    return ",".join(out) + "\n"


def count_shape(geom):
    polys = polygons_of(geom)
    return len(polys), sum(p.GetGeometryCount() - 1 for p in polys)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gpkg")
    ap.add_argument("outdir")
    ap.add_argument("--tolerance", type=float, default=0.00008,
                    help="Douglas-Peucker tolerance in degrees (default 0.00008, about 9 m)")
    args = ap.parse_args()

    old_rows = read_hoabinh(os.path.join(args.outdir, HOABINH_CSV))

    ds = ogr.Open(args.gpkg)
    if ds is None:
        fail("cannot open %s" % args.gpkg)
    lyr = ds.GetLayerByName("communes")
    if lyr is None:
        fail("%s has no layer 'communes'" % args.gpkg)
    units = []
    for f in lyr:
        code = nfc(f.GetField("code")).strip()
        if not (code.startswith("04") or code.startswith("05")):
            continue
        if not re.fullmatch(r"\d{5}", code):
            fail("code %r is not 5 digits" % code)
        full_name = collapse(f.GetField("full_name"))
        m = re.match(r"^(Phường|Xã) ", full_name)
        if not m:
            fail("%s: full_name %r starts with neither 'Phường' nor 'Xã'" % (code, full_name))
        g = f.GetGeometryRef().Clone()
        g.FlattenTo2D()
        if not g.IsValid():
            fail("%s: source geometry not valid" % code)
        units.append({"code": code, "full_name": full_name, "loai": m.group(1),
                      "area_km2": f.GetField("area_km2"), "former": collapse(f.GetField("former")),
                      "geom": g})
    units.sort(key=lambda u: u["code"])
    if len(units) != EXPECTED_NEW:
        fail("%d communes with code 04xxx/05xxx, expected %d" % (len(units), EXPECTED_NEW))
    if len({u["code"] for u in units}) != len(units):
        fail("duplicate codes")

    # --- crosswalk
    pairs, by_old = build_crosswalk(units, old_rows)

    # --- geometry, stage 1: clean full-resolution coverage
    src = {u["code"]: u["geom"] for u in units}
    src_vertices = sum(len(r) for g in src.values() for r in rings_of(g))
    lines = [r for g in src.values() for r in rings_of(g)]
    noded = node(lines)
    faces = polygonize(noded)
    assigned, st1 = assign_faces(faces, src, "cleaning")
    clean = {}
    for c, fl in assigned.items():
        if not fl:
            fail("%s got no face when cleaning" % c)
        clean[c] = union_all(fl)

    # --- stage 2: edges, simplify
    clean_lines = [r for g in clean.values() for r in rings_of(g)]
    edges, nnodes = chains(node(clean_lines))
    simp, redone, lowered = simplify_network(edges, args.tolerance)

    # --- stage 3: faces -> communes
    faces2 = polygonize(simp)
    assigned2, st2 = assign_faces(faces2, clean, "simplified")
    out = {}
    for c, fl in assigned2.items():
        if not fl:
            fail("%s got no face after simplification" % c)
        out[c] = union_all(fl)

    # --- write
    os.makedirs(args.outdir, exist_ok=True)
    wkts = {c: to_wkt(out[c]) for c in out}
    cpath = os.path.join(args.outdir, COMMUNES_CSV)
    lines = [csv_line(["ma_xa", "ten_xa", "loai", "dien_tich_km2", "truoc_2025", "wkt"])]
    for u in units:
        lines.append(csv_line([u["code"], u["full_name"], u["loai"],
                               repr(float(u["area_km2"])).rstrip("0").rstrip("."), u["former"],
                               wkts[u["code"]]], quote={0}))
    with open(cpath, "w", encoding="utf-8", newline="") as f:
        f.write(nfc("".join(lines)))

    xpath = os.path.join(args.outdir, CROSSWALK_CSV)
    lines = [csv_line(["ma_xa_cu", "ten_xa_cu", "ma_xa_moi", "ten_xa_moi", "phan"])]
    for r, u, partial in sorted(pairs, key=lambda t: (t[0]["ma_xa"], t[1]["code"])):
        lines.append(csv_line([r["ma_xa"], nfc(r["ten_xa"]), u["code"], u["full_name"],
                               "mot_phan" if partial else "toan_bo"], quote={0, 2}))
    with open(xpath, "w", encoding="utf-8", newline="") as f:
        f.write(nfc("".join(lines)))

    # --- checks on what was written
    with open(cpath, newline="", encoding="utf-8") as f:
        back = list(csv.DictReader(f))
    geo = {r["ma_xa"]: ogr.CreateGeometryFromWkt(r["wkt"]) for r in back}
    s4326 = osr.SpatialReference()
    s4326.ImportFromEPSG(4326)
    s4326.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    utm = osr.SpatialReference()
    utm.ImportFromEPSG(32648)
    utm.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(s4326, utm)

    def proj(g):
        p = g.Clone()
        p.Transform(ct)
        return p

    invalid = [c for c, g in geo.items() if not g.IsValid()]
    pg = {c: proj(g) for c, g in geo.items()}
    ps = {c: proj(g) for c, g in src.items()}
    pc = {c: proj(g) for c, g in clean.items()}

    def overlap_total(gs):
        codes = sorted(gs)
        envs = {c: gs[c].GetEnvelope() for c in codes}
        tot = 0.0
        for i, a in enumerate(codes):
            for b in codes[i + 1:]:
                if env_overlap(envs[a], envs[b]) and gs[a].Intersects(gs[b]):
                    tot += area(gs[a].Intersection(gs[b]))
        return tot

    def gap_total(gs):
        u = union_all(list(gs.values()))
        tot = 0.0
        for p in polygons_of(u):
            for i in range(1, p.GetGeometryCount()):
                ring = ogr.Geometry(ogr.wkbPolygon)
                ring.AddGeometry(p.GetGeometryRef(i))
                tot += ring.GetArea()
        return tot, u

    vertices_csv = sum(len(r) for g in geo.values() for r in rings_of(g))
    vertices_edges = len({c for e in simp for c in e})
    size = os.path.getsize(cpath)

    print("== crosswalk")
    n_part = sum(1 for _, _, p in pairs if p)
    print("new communes %d, former communes %d, pairs %d (toan_bo %d, mot_phan %d)"
          % (len(units), len(by_old), len(pairs), len(pairs) - n_part, n_part))
    for code in sorted(by_old):
        lst = by_old[code]
        if len(lst) > 1:
            r = next(r for r in old_rows if r["ma_xa"] == code)
            print("split: %s %s (%s) -> %s" % (code, r["ten_xa"], r["ten_huyen"],
                                               ", ".join("%s %s" % (u["code"], u["full_name"]) for u, _ in lst)))
        elif lst[0][1]:
            print("WARNING: %s is 'part of' in one unit only (%s)" % (code, lst[0][0]["code"]))

    for a in ALIAS_USED:
        print("spelling variant: " + a)

    print("== geometry")
    print("source: %d vertices; noded into %d faces, %d of them overlap slivers, %d enclosed gap faces (largest %.1f m2)"
          % (src_vertices, st1["faces"], st1["overlap_faces"], st1["gap_faces"],
             proj(st1["gap_max_geom"]).GetArea() if st1["gap_faces"] else 0.0))
    print("source pairwise overlap %.6f km2, gaps inside the outline %.6f km2"
          % (overlap_total(ps) / 1e6, gap_total(ps)[0] / 1e6))
    print("clean full-resolution coverage: overlap %.6f km2, gaps %.6f km2"
          % (overlap_total(pc) / 1e6, gap_total(pc)[0] / 1e6))
    print("edges %d between %d nodes; tolerance %g deg; %d edges needed a lower tolerance (%d redos); "
          "%d faces after simplification (%d not covered by the clean coverage)"
          % (len(edges), nnodes, args.tolerance, lowered, redone, st2["faces"], st2["gap_faces"]))
    print("vertices: %d in the CSV (shared edges counted twice, closing points included), %d distinct"
          % (vertices_csv, vertices_edges))
    print("%s: %d bytes; %s: %d bytes" % (cpath, size, xpath, os.path.getsize(xpath)))
    print("invalid geometries: %s" % (", ".join(invalid) if invalid else "none"))
    ov = overlap_total(pg)
    gap, uni = gap_total(pg)
    print("written coverage: pairwise overlap %.3f m2, gaps inside the outline %.3f m2" % (ov, gap))
    shape_diff = []
    worst_src, worst_clean = (0.0, ""), (0.0, "")
    print("%-6s %-22s %9s %9s %9s %8s %8s" % ("code", "name", "area_km2", "source", "written", "vs_src%", "vs_area%"))
    for u in units:
        c = u["code"]
        a_src, a_out = ps[c].GetArea() / 1e6, pg[c].GetArea() / 1e6
        d_src = 100 * (a_out - a_src) / a_src
        d_lst = 100 * (a_out - u["area_km2"]) / u["area_km2"]
        if abs(d_src) > abs(worst_src[0]):
            worst_src = (d_src, c)
        sd = 100 * pc[c].SymmetricDifference(pg[c]).GetArea() / pc[c].GetArea()
        if abs(sd) > abs(worst_clean[0]):
            worst_clean = (sd, c)
        if count_shape(clean[c]) != count_shape(geo[c]):
            shape_diff.append("%s %s polygons/holes %s -> %s" % (c, u["full_name"], count_shape(clean[c]), count_shape(geo[c])))
        print("%-6s %-22s %9.2f %9.3f %9.3f %+8.3f %+8.3f" % (c, u["full_name"][:22], u["area_km2"], a_src, a_out, d_src, d_lst))
    print("max area change vs source geometry: %+.3f %% (%s); max symmetric difference vs clean coverage: %.3f %% (%s)"
          % (worst_src[0], worst_src[1], worst_clean[0], worst_clean[1]))
    tot_src = sum(g.GetArea() for g in ps.values()) / 1e6
    tot_out = uni.GetArea() / 1e6
    print("total area: source %.3f km2 (sum), written %.3f km2 (union), listed %.2f km2"
          % (tot_src, tot_out, sum(u["area_km2"] for u in units)))
    if shape_diff:
        print("WARNING: parts/holes changed: " + "; ".join(shape_diff))
    if invalid:
        fail("invalid geometries written: " + ", ".join(invalid))


if __name__ == "__main__":
    main()
