"""anttmap for QGIS: the ANTT movement store (units, yearly status, clusters, hotspots, models) in QGIS."""


def classFactory(iface):  # noqa: N802 (QGIS' spelling)
    from .plugin import AnttmapPlugin

    return AnttmapPlugin(iface)
