"""The editor's copy of a server's editable layers: GET /api/boundaries answers (GeoJSON with exact boundaries
and version tags) written into a GeoPackage, one table per layer, which the anttmap data provider draws and
edits (core/unit_provider.py). GDAL's Python bindings come with every QGIS (Windows too)."""
import json

from osgeo import ogr, osr

from .backend import BackendError

FIELDS = ("code", "name", "kind", "parent_code", "valid_from", "valid_to", "version")


class CopyError(BackendError):
    pass


def write_geopackage(path, copies):
    """`copies`: {layer name: FeatureCollection}. Writes them all or raises CopyError (the file is then unusable)."""
    driver = ogr.GetDriverByName("GPKG")
    dataset = driver.CreateDataSource(path)
    if dataset is None:
        raise CopyError("cannot create %s" % path)
    wgs84 = osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    try:
        for name, collection in copies.items():
            layer = dataset.CreateLayer(name, wgs84, ogr.wkbMultiPolygon, ["FID=fid", "GEOMETRY_NAME=geom"])
            for field in FIELDS:
                layer.CreateField(ogr.FieldDefn(field, ogr.OFTString))
            definition = layer.GetLayerDefn()
            layer.StartTransaction()
            for feature in collection.get("features", []):
                row = ogr.Feature(definition)
                properties = feature.get("properties") or {}
                for field in FIELDS:
                    value = properties.get(field)
                    if value is not None:
                        row.SetField(field, str(value))
                if feature.get("geometry"):
                    geometry = ogr.CreateGeometryFromJson(json.dumps(feature["geometry"]))
                    if geometry is None:
                        raise CopyError("unit %s: the server sent a geometry GDAL cannot read" % properties.get("code"))
                    row.SetGeometry(ogr.ForceToMultiPolygon(geometry))
                if layer.CreateFeature(row) != 0:
                    raise CopyError("cannot write unit %s into %s" % (properties.get("code"), path))
            layer.CommitTransaction()
    finally:
        dataset = None  # closes and flushes the file
