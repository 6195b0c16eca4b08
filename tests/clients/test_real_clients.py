"""Real clients against a running `anttmap serve`: QGIS, GDAL's WMS driver, OWSLib."""
import os
import tempfile

import pytest

# Debian's python3-qgis: headless.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PROVINCE_BBOX_4326 = (104.75, 20.3, 105.9, 21.15)  # lon/lat, around the sample province


def coloured_pixels(image, sample_step=4):
    """How many sampled pixels are neither transparent nor white."""
    count = 0
    for x in range(0, image.width(), sample_step):
        for y in range(0, image.height(), sample_step):
            colour = image.pixelColor(x, y)
            if colour.alpha() > 0 and (colour.red(), colour.green(), colour.blue()) != (255, 255, 255):
                count += 1
    return count


def test_owslib_parses_wms_capabilities_111_and_130(server):
    from owslib.wms import WebMapService
    for version in ("1.1.1", "1.3.0"):
        wms = WebMapService(server.url + "/wms", version=version, timeout=60)
        names = set(wms.contents)
        for layer in ("districts", "communes", "villages", "units"):
            assert layer in names, (version, sorted(names))
        # Internal layers exist only for a key of an internal role.
        assert not names & {"hotspots", "clusters", "models"}, (version, sorted(names))
        signed_in = WebMapService(server.url + "/wms", version=version, timeout=60, headers=server.viewer_headers())
        for layer in ("hotspots", "clusters", "models"):
            assert layer in set(signed_in.contents), (version, sorted(signed_in.contents))
        assert "GetMap" in [op.name for op in wms.operations]
        image = wms.getmap(layers=["communes"], srs="EPSG:4326", bbox=PROVINCE_BBOX_4326, size=(256, 256),
                           format="image/png")
        assert image.read()[:8] == b"\x89PNG\r\n\x1a\n"


def test_owslib_parses_wmts_capabilities(server):
    from owslib.wmts import WebMapTileService
    wmts = WebMapTileService(server.url + "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities")
    assert "communes" in wmts.contents
    assert "GoogleMapsCompatible" in wmts.tilematrixsets
    tile = wmts.gettile(layer="communes", tilematrixset="GoogleMapsCompatible", tilematrix="9", row=225, column=405,
                        format="image/png")
    assert tile.read()[:8] == b"\x89PNG\r\n\x1a\n"


def test_gdal_wms_driver_reads_a_getmap(server):
    from osgeo import gdal
    gdal.UseExceptions()
    minx, miny, maxx, maxy = PROVINCE_BBOX_4326
    url = (f"WMS:{server.url}/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=communes&SRS=EPSG:4326"
           f"&BBOX={minx},{miny},{maxx},{maxy}&FORMAT=image/png")
    dataset = gdal.Open(url)
    assert dataset is not None
    # Read an overview-sized window of the whole extent.
    data = dataset.ReadRaster(0, 0, dataset.RasterXSize, dataset.RasterYSize, 256, 256)
    assert len(set(data)) > 2, "the GetMap read through GDAL is blank"


@pytest.fixture(scope="module")
def qgis_app():
    from qgis.core import QgsApplication
    app = QgsApplication([], False)
    app.initQgis()
    yield app
    app.exitQgis()


def render(layer, extent_3857, size=256):
    from qgis.core import QgsCoordinateReferenceSystem, QgsMapRendererSequentialJob, QgsMapSettings, QgsRectangle
    from qgis.PyQt.QtCore import QSize
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    settings.setExtent(QgsRectangle(*extent_3857))
    settings.setOutputSize(QSize(size, size))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


# Web-mercator extent of the sample province.
PROVINCE_3857 = (11660000, 2310000, 11790000, 2400000)


def test_qgis_loads_and_renders_the_wms_layer(server, qgis_app):
    from qgis.core import QgsRasterLayer
    uri = f"crs=EPSG:3857&dpiMode=7&format=image/png&layers=communes&styles=&url={server.url}/wms"
    layer = QgsRasterLayer(uri, "communes", "wms")
    assert layer.isValid(), layer.error().message()
    image = render(layer, PROVINCE_3857)
    assert coloured_pixels(image) > 100


def test_qgis_loads_and_renders_the_xyz_layer(server, qgis_app):
    from qgis.core import QgsRasterLayer
    from urllib.parse import quote
    tiles = f"{server.url}/tiles/communes/{{z}}/{{x}}/{{y}}.png"
    layer = QgsRasterLayer(f"type=xyz&url={quote(tiles, safe=':/{}')}&zmin=0&zmax=18", "communes xyz", "wms")
    assert layer.isValid(), layer.error().message()
    image = render(layer, PROVINCE_3857)
    assert coloured_pixels(image) > 100
