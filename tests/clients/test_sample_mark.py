"""Invented data is marked on the map images themselves: a portal that embeds the sample's tiles or WMS
maps shows "DỮ LIỆU GIẢ LẬP / SAMPLE DATA" across them, and a store of real data draws no such mark."""
import os
import subprocess
import time

import pytest

from conftest import anttmap_binary, free_port, http_get
from stores import plain_sql

gdal = pytest.importorskip("osgeo.gdal")
gdal.AllRegister()  # another test may have run with GDAL's drivers deregistered

EMPTY_TILE = "/tiles/communes/6/0/0.png?year=2020"  # the Arctic: nothing of the province there
GETMAP = ("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=communes&STYLES=&CRS=EPSG:4326"
          "&BBOX=20.3,104.8,21.2,105.9&WIDTH=800&HEIGHT=600&FORMAT=image/png&TIME=2020")


def pixels(png):
    """(width, height, [(r, g, b, a)]) of a PNG."""
    name = "/vsimem/mark_%d.png" % id(png)
    gdal.AllRegister()
    gdal.FileFromMemBuffer(name, png)
    try:
        dataset = gdal.Open(name)
        bands = [dataset.GetRasterBand(i + 1).ReadRaster() for i in range(dataset.RasterCount)]
        width, height = dataset.RasterXSize, dataset.RasterYSize
    finally:
        gdal.Unlink(name)
    if len(bands) == 3:
        bands.append(bytes([255]) * (width * height))
    return width, height, list(zip(*bands))


@pytest.fixture(scope="module")
def real_data_server(stores, tmp_path_factory):
    """The sample store with its mark setting cleared, as a store of real data has it."""
    store = stores.sample_copy(tmp_path_factory.mktemp("real") / "real.sqlite")
    plain_sql(store, "UPDATE settings SET value = '0' WHERE key = 'synthetic_data'")
    port = free_port()
    process = subprocess.Popen([anttmap_binary(), "--db", str(store), "--quiet", "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = "http://127.0.0.1:%d" % port
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "anttmap serve exited"
        try:
            if http_get(url + "/health")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.1)
    yield url
    process.terminate()
    assert process.wait(timeout=60) == 0


def test_the_samples_tiles_carry_the_mark(server):
    status, _, tile = server.get(EMPTY_TILE)
    assert status == 200
    width, height, tile_pixels = pixels(tile)
    marked = [p for p in tile_pixels if p[3] > 0]
    # Only the mark is drawn on an empty tile: red letters with a light edge, across its middle.
    assert 300 < len(marked) < width * height // 3, len(marked)
    assert sum(1 for r, g, b, a in marked if r > g + 60 and r > b + 60) > 150


# A second server starts in about a minute under AddressSanitizer: that stage checks the drawing above.
@pytest.mark.skipif("ASAN_OPTIONS" in os.environ, reason="the release stage compares with a store of real data")
def test_real_data_draws_no_mark_and_the_samples_map_differs_only_by_it(server, real_data_server):
    status, _, real_tile = http_get(real_data_server + EMPTY_TILE)
    assert status == 200
    assert all(p[3] == 0 for p in pixels(real_tile)[2]), "a store of real data draws no mark"

    # A GetMap of the province: the same map but for the mark, which covers a band across it.
    status, _, sample_map = server.get(GETMAP)
    assert status == 200
    status, _, real_map = http_get(real_data_server + GETMAP)
    assert status == 200
    _, _, sample_pixels = pixels(sample_map)
    _, _, real_pixels = pixels(real_map)
    changed = sum(1 for a, b in zip(sample_pixels, real_pixels) if a != b)
    assert 3000 < changed < len(real_pixels) // 4, changed
