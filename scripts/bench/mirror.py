#!/usr/bin/env python3
"""Copies tiles served by `anttmap serve` to a directory tree for nginx, byte for byte as served.

Usage: mirror.py BASE_URL LIST STATIC_DIR OUT_ANTTMAP OUT_NGINX
LIST holds /tiles/LAYER/z/x/y.png?year=Y paths. Each is fetched from BASE_URL; a 200 answer is written to
STATIC_DIR/tiles/LAYER/z/x/y.png. The two output lists name, in the same order, only the tiles that were written:
OUT_ANTTMAP the /tiles/... paths (with the query), OUT_NGINX the /static/tiles/... paths. Empty tiles (204) are
left out of both, so the cached comparison is PNG against the same PNG.
"""
import os
import sys
import urllib.error
import urllib.request


def main():
    base, listing, static, out_a, out_n = sys.argv[1:6]
    written = {}
    kept_a, kept_n = [], []
    with open(listing) as f:
        paths = [line.strip() for line in f if line.strip()]
    for path in paths:
        rel = path.split("?", 1)[0].lstrip("/")
        if rel not in written:
            try:
                with urllib.request.urlopen(base + path, timeout=60) as r:
                    body, status = r.read(), r.status
            except urllib.error.HTTPError as e:
                body, status = b"", e.code
            written[rel] = status == 200 and len(body) > 0
            if written[rel]:
                target = os.path.join(static, rel)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as out:
                    out.write(body)
        if written[rel]:
            kept_a.append(path)
            kept_n.append("/static/" + rel)
    with open(out_a, "w") as f:
        f.writelines(p + "\n" for p in kept_a)
    with open(out_n, "w") as f:
        f.writelines(p + "\n" for p in kept_n)
    files = sum(1 for v in written.values() if v)
    print(f"{files} PNG files mirrored ({len(written) - files} empty or failed tiles left out), "
          f"{len(kept_a)} of {len(paths)} requests kept")


if __name__ == "__main__":
    main()
