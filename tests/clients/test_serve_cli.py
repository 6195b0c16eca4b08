"""`anttmap serve --print-config`, configuration errors and `anttmap seed` (real binary, real renders)."""
import json
import os
import subprocess

from conftest import anttmap_binary
from stores import is_postgis


def run(*args, check=False):
    return subprocess.run([anttmap_binary(), *args], capture_output=True, text=True, check=check)


def test_print_config_round_trips_through_config(tmp_path):
    printed = run("--db", "none.sqlite", "serve", "--port", "9123", "--cors", "http://a.example,http://b.example",
                  "--print-config", check=True).stdout
    assert "port = 9123" in printed and "bind = 127.0.0.1" in printed
    config = tmp_path / "serve.conf"
    config.write_text(printed)
    again = run("--db", "none.sqlite", "serve", "--config", str(config), "--print-config", check=True).stdout
    assert again == printed


def test_bad_configuration_is_refused_with_the_line(tmp_path):
    config = tmp_path / "bad.conf"
    config.write_text("port = 8080\nthreads = many\n")
    result = run("--db", "none.sqlite", "serve", "--config", str(config))
    assert result.returncode == 2
    assert "bad.conf:2" in result.stderr and "threads" in result.stderr


def test_serve_refuses_a_missing_store(tmp_path):
    result = run("--db", str(tmp_path / "missing.sqlite"), "serve", "--port", "0")
    assert result.returncode == 2 and "missing.sqlite" in result.stderr


def test_seed_fills_the_disk_cache(sample_store, tmp_path):
    cache = tmp_path / "tiles"
    result = run("--db", str(sample_store), "--json", "--quiet", "seed", "--cache-dir", str(cache), "--zoom", "8-9",
                 "--layers", "districts,communes", "--year", "2015", "--work-dir", str(tmp_path / "work"))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["tiles"] > 0 and summary["failed"] == 0
    pngs = [os.path.join(d, f) for d, _, files in os.walk(cache) for f in files if f.endswith(".png")]
    assert pngs and all(open(p, "rb").read(8) == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert any("/public/communes/2015/9/" in p for p in pngs), pngs[:3]
    result = run("--db", str(sample_store), "seed", "--cache-dir", str(cache), "--year", "1999",
                 "--work-dir", str(tmp_path / "work"))
    assert result.returncode == 2 and "1999" in result.stderr


def test_seed_with_relative_paths_draws(sample_store, tmp_path):
    # MapServer resolves relative data paths against the mapfile's folder: relative --db/--work-dir must still draw.
    # (A PostGIS store has no path: the work and cache folders are the relative ones then.)
    store = str(sample_store)
    if not is_postgis(store):
        os.symlink(sample_store, tmp_path / "store.sqlite")
        store = "store.sqlite"
    result = subprocess.run([anttmap_binary(), "--db", store, "--json", "--quiet", "seed", "--cache-dir",
                             "tiles", "--zoom", "9", "--layers", "communes", "--year", "2015", "--work-dir", "work"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["tiles"] > 0 and summary["failed"] == 0, summary


def test_serve_on_a_port_in_use_is_refused_clearly(sample_store, tmp_path):
    import socket
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        result = subprocess.run([anttmap_binary(), "--db", str(sample_store), "serve", "--port", str(port),
                                 "--work-dir", str(tmp_path / "work")], capture_output=True, text=True, timeout=120)
    finally:
        taken.close()
    assert result.returncode == 2, result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "internal error" not in result.stderr


def test_a_server_from_a_first_year_serves_that_year_on_and_refuses_earlier_ones(sample_store, tmp_path):
    import time
    from conftest import free_port, http_get
    config = tmp_path / "recent.conf"
    config.write_text("first_year = 2021\n")
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    process = subprocess.Popen([anttmap_binary(), "--db", str(sample_store), "--quiet", "serve", "--port", str(port),
                                "--config", str(config), "--work-dir", str(tmp_path / "work")],
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, _, body = http_get(url + "/health")
                if status == 200:
                    health = json.loads(body)
                    break
            except OSError:
                time.sleep(0.1)
        assert health, open(log.name).read()
        assert health["years"][0] == 2021 and 2020 not in health["years"], health["years"]
        tile = "/tiles/communes/9/405/225.png"  # over Hòa Bình
        status, _, body = http_get(url + tile + "?year=2021")
        assert status == 200 and body[:8] == b"\x89PNG\r\n\x1a\n"
        status, _, body = http_get(url + tile + "?year=2020")
        assert status == 400 and b"2020" in body, body[:300]
        status, _, body = http_get(url + "/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0")
        assert status == 200 and b"2021" in body and b"2020," not in body
    finally:
        process.terminate()
        process.wait(60)
        log.close()
    refused = run("--db", str(sample_store), "serve", "--port", "0", "--config", str(config), "--work-dir",
                  str(tmp_path / "work2"), "--print-config")
    assert "first_year = 2021" in refused.stdout
    config.write_text("first_year = 2099\n")
    refused = run("--db", str(sample_store), "serve", "--port", "0", "--config", str(config))
    assert refused.returncode == 2 and "first_year 2099" in refused.stderr
