#!/usr/bin/env python3
"""Turns the result lines of scripts/bench-server.sh into one Markdown table.

Usage: report.py RESULTS MEMORY
RESULTS lines: KEY ROUND REQ_S P50_MS P99_MS REQUESTS SOCKET_ERRORS NON200
MEMORY lines:  LABEL VALUE
Rows are medians over the rounds (req/s with min-max). A ratio is taken per round against the baseline of the
same round, then the median (min-max) of those ratios is reported.
"""
import statistics
import sys

# key: (test, server, connections, baseline key, target)
ROWS = [
    ("wms-mapserv-c8", "uncached WMS GetMap, all layers", "mapserv FastCGI ×2 behind nginx", 8, None, None),
    ("wms-anttmap-t2-c8", "uncached WMS GetMap, all layers", "anttmap serve --threads 2", 8, "wms-mapserv-c8", 3.0),
    ("wms-anttmap-t4-c8", "uncached WMS GetMap, all layers", "anttmap serve --threads 4", 8, "wms-mapserv-c8", 3.0),
    ("tiles-anttmap-t2-c8", "uncached /tiles, one layer per request", "anttmap serve --threads 2", 8, None, None),
    ("cached-nginx-c8", "cached PNG tiles", "nginx static (2 workers)", 8, None, None),
    ("cached-anttmap-c8", "cached PNG tiles", "anttmap serve --threads 2", 8, "cached-nginx-c8", 1.0),
    ("cached-nginx-c64", "cached PNG tiles", "nginx static (2 workers)", 64, None, None),
    ("cached-anttmap-c64", "cached PNG tiles", "anttmap serve --threads 2", 64, "cached-nginx-c64", 1.0),
    ("tls-nginx-c8", "cached PNG tiles over TLS", "nginx static (2 workers), TLS", 8, None, None),
    ("tls-anttmap-c8", "cached PNG tiles over TLS", "anttmap serve --threads 2 --tls-cert", 8, "tls-nginx-c8", 1.0),
    ("tls-nginx-c64", "cached PNG tiles over TLS", "nginx static (2 workers), TLS", 64, None, None),
    ("tls-anttmap-c64", "cached PNG tiles over TLS", "anttmap serve --threads 2 --tls-cert", 64, "tls-nginx-c64", 1.0),
]


def fmt_rate(v):
    return f"{v / 1000:.1f}k" if v >= 10000 else f"{v:.0f}"


def main():
    runs = {}
    with open(sys.argv[1]) as f:
        for line in f:
            key, rnd, rps, p50, p99, n, err, bad = line.split()
            runs.setdefault(key, {})[int(rnd)] = (float(rps), float(p50), float(p99), int(n), int(err), int(bad))
    out = ["| test | server | conns | req/s median (min–max) | p50 ms | p99 ms (max) | ratio median (min–max) | "
           "target | rounds | failed requests |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for key, test, server, conns, base, target in ROWS:
        r = runs.get(key)
        if not r:
            out.append(f"| {test} | {server} | {conns} | not run | | | | | 0 | |")
            continue
        rps = [v[0] for v in r.values()]
        p50 = statistics.median(v[1] for v in r.values())
        p99s = [v[2] for v in r.values()]
        fails = sum(v[4] + v[5] for v in r.values())
        ratio = "—"
        verdict = ""
        if base and base in runs:
            ratios = [r[k][0] / runs[base][k][0] for k in r if k in runs[base] and runs[base][k][0] > 0]
            if ratios:
                m = statistics.median(ratios)
                ratio = f"{m:.2f}× ({min(ratios):.2f}–{max(ratios):.2f})"
                ok = m >= target
                if key.startswith(("cached", "tls")):
                    ok = ok and statistics.median(p99s) < 5.0
                    verdict = f"≥{target:.1f}× and p99 < 5 ms: {'met' if ok else 'NOT met'}"
                else:
                    verdict = f"≥{target:.0f}×: {'met' if ok else 'NOT met'}"
        elif key.startswith(("cached", "tls")):
            verdict = "baseline"
        elif key.startswith("wms-mapserv"):
            verdict = "baseline"
        out.append(f"| {test} | {server} | {conns} | {fmt_rate(statistics.median(rps))} "
                   f"({fmt_rate(min(rps))}–{fmt_rate(max(rps))}) | {p50:.2f} | "
                   f"{statistics.median(p99s):.2f} ({max(p99s):.2f}) | {ratio} | {verdict} | {len(r)} | {fails} |")
    mem = {}
    with open(sys.argv[2]) as f:
        for line in f:
            label, value = line.split(None, 1)
            mem[label] = value.strip()
    if mem:
        out.append("")
        out.append("| memory | value |")
        out.append("|---|---|")
        for label, value in mem.items():
            out.append(f"| {label.replace('_', ' ')} | {value} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
