#!/usr/bin/env python3
"""The editors of scripts/bench-cluster.sh: N threads, each an editor with its own key and its own communes, writing
statuses through the load balancer for a while; after each write, the time until the commune's cached tile and its
status answer have changed on every server (asked directly, not through the balancer), counted from the moment the
write was sent (its own wait in the queue included) and from the moment it was answered (the edit committed).

Usage: editors.py --balancer URL --servers URL,URL --keys K1,K2,... --communes FILE --seconds S --out FILE.json
FILE: one line per commune: code lon lat (EPSG:4326). Writes a JSON summary: writes tried, written, failed (with
their errors), and the freshness of every write (seconds until every server showed it, from the write sent and from
its answer; null when one never did within 10 s).
"""
import argparse
import json
import math
import threading
import time
import urllib.error
import urllib.request

YEAR = 2020
ZOOM = 13


def request(url, method="GET", body=None, key=None, timeout=10):
    headers = {}
    if key:
        headers["Authorization"] = "Bearer " + key
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=method),
                                    timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:
        return 0, str(error).encode()


def tile_path(lon, lat):
    n = 2 ** ZOOM
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"/tiles/communes/{ZOOM}/{x}/{y}.png?year={YEAR}"


def editor(index, key, communes, args, deadline, results, lock):
    statuses = ["registered", "proposed"]
    turn = 0
    while time.monotonic() < deadline:
        code, lon, lat = communes[turn % len(communes)]
        turn += 1
        # The other of two statuses drawn in different colours, so every write changes the tile.
        current = request(f"{args.balancer}/api/units/{code}/status/{YEAR}")
        now = json.loads(current[1]).get("status") if current[0] == 200 else None
        status = statuses[1] if now == statuses[0] else statuses[0]
        tile = tile_path(lon, lat)
        before = {server: request(server + tile)[1] for server in args.servers}
        written_at = time.monotonic()
        code_answer, body = request(f"{args.balancer}/api/units/{code}/status/{YEAR}", "PUT",
                                    {"status": status, "note": f"biên tập viên {index} lần {turn}"}, key)
        with lock:
            results["tried"] += 1
        if code_answer != 200:
            with lock:
                results["failed"].append({"editor": index, "code": code, "status": code_answer,
                                          "body": body[:200].decode(errors="replace")})
            continue
        answered_at = time.monotonic()
        row = json.loads(body)
        with lock:
            results["written"].append({"editor": index, "code": code, "status": status, "id": row.get("etag")})
        # Until every server answers the new status and draws another tile.
        seen = None
        pending = set(args.servers)
        while time.monotonic() - written_at < 10:
            for server in list(pending):
                answered = request(f"{server}/api/units/{code}/status/{YEAR}")
                if answered[0] == 200 and json.loads(answered[1]).get("status") == status and \
                        request(server + tile)[1] != before[server]:
                    pending.discard(server)
            if not pending:
                seen = time.monotonic()
                break
            time.sleep(0.01)
        with lock:
            results["freshness"].append(None if seen is None else seen - written_at)
            results["freshness_after_answer"].append(None if seen is None else seen - answered_at)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--balancer", required=True)
    parser.add_argument("--servers", required=True)
    parser.add_argument("--keys", required=True)
    parser.add_argument("--communes", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    args.servers = args.servers.split(",")
    keys = args.keys.split(",")
    communes = []
    with open(args.communes, encoding="utf-8") as lines:
        for line in lines:
            code, lon, lat = line.split()
            communes.append((code, float(lon), float(lat)))
    results = {"tried": 0, "written": [], "failed": [], "freshness": [], "freshness_after_answer": []}
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds
    # Each editor its own communes: two editors never write the same row at once.
    threads = [threading.Thread(target=editor, args=(i, key, communes[i::len(keys)], args, deadline, results, lock))
               for i, key in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(results, out, ensure_ascii=False)


if __name__ == "__main__":
    main()
