"""QGIS (Debian's python3-qgis, 3.22) as a client of Ardh: run by the system Python as a subprocess,
``QT_QPA_PLATFORM=offscreen``, by tests/ogc/test_qgis_client.py (and by hand for the 1M-parcel figures).

    /usr/bin/python3 tests/clients/qgis_client.py BASE_URL TOKEN OUT_DIR [--count-only]

Logs in the way a GIS desk would: an authentication configuration of type Basic with the API key as the password
(QGIS 3.22 can send no Api-Key header to an OGC API source). Opens the parcels collection of the OGC API with it,
counts its features (and reads them all), and opens the parcels vector tiles, the orthophoto's WMS and WMTS
(public: no login). Renders each to a PNG. Prints one JSON object with what it found.
"""

import json
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QGIS_AUTH_DB_DIR_PATH", tempfile.mkdtemp(prefix="qgis-auth-"))

from qgis.core import (
    QgsApplication,
    QgsAuthMethodConfig,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
    QgsVectorTileLayer,
)
from qgis.PyQt.QtCore import QSize


def render(layer, extent, path: str) -> int:
    """Render ``layer`` over ``extent`` (in the layer's CRS) to ``path``; the number of non-blank pixels."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(extent)
    settings.setOutputSize(QSize(256, 256))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(path, "PNG")
    white, painted = image.pixel(0, 0), 0
    for x in range(0, 256, 4):
        for y in range(0, 256, 4):
            painted += image.pixel(x, y) != white or (image.pixel(x, y) >> 24) != 0
    return painted


def main() -> None:
    base, token, out = sys.argv[1], sys.argv[2], sys.argv[3]
    count_only = "--count-only" in sys.argv
    app = QgsApplication([], False)
    app.initQgis()
    auth = QgsApplication.authManager()
    auth.setMasterPassword("ardh-test-master", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("ardh")
    config.setConfig("username", "ardh")
    config.setConfig("password", token)
    auth.storeAuthenticationConfig(config)
    result = {"qgis": app.QGIS_VERSION if hasattr(app, "QGIS_VERSION") else None}
    from qgis.core import Qgis

    result["qgis"] = Qgis.QGIS_VERSION

    started = time.monotonic()
    parcels = QgsVectorLayer(f"url='{base}/ogc/' typename='parcels' authcfg={config.id()}", "parcels", "OAPIF")
    result["oapif_valid"] = parcels.isValid()
    if parcels.isValid():
        result["oapif_count"] = parcels.featureCount()
        result["oapif_open_s"] = round(time.monotonic() - started, 2)
        if not count_only:
            read = sum(1 for _ in parcels.getFeatures())
            result["oapif_read"] = read
            result["oapif_read_s"] = round(time.monotonic() - started, 2)
            result["oapif_png"] = render(parcels, parcels.extent(), os.path.join(out, "oapif.png"))
    else:
        result["oapif_error"] = "not valid: the login was refused or the URL is wrong"  # error() crashes 3.22 here
    print(json.dumps(result), flush=True)
    if count_only:
        os._exit(0)

    mercator = QgsCoordinateReferenceSystem("EPSG:3857")
    to_mercator = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), mercator, QgsProject.instance())
    area = to_mercator.transformBoundingBox(parcels.extent()) if parcels.isValid() else None

    tiles = QgsVectorTileLayer(f"type=xyz&url={base}/tiles/parcels/{{z}}/{{x}}/{{y}}.mvt&zmin=12&zmax=17", "tiles")
    result["tiles_valid"] = tiles.isValid()
    print(json.dumps(result), flush=True)
    if tiles.isValid() and area is not None:
        result["tiles_png"] = render(tiles, area, os.path.join(out, "tiles.png"))

    wms = QgsRasterLayer(f"crs=EPSG:3857&format=image/png&layers=ortho&styles=&url={base}/mapproxy/service"
                         f"&authcfg={config.id()}", "wms", "wms")
    result["wms_valid"] = wms.isValid()
    print(json.dumps(result), flush=True)
    if not wms.isValid():
        result["wms_error"] = wms.error().summary()
    elif area is not None:
        result["wms_png"] = render(wms, area, os.path.join(out, "wms.png"))

    wmts = QgsRasterLayer(f"contextualWMSLegend=0&crs=EPSG:3857&format=image/png&layers=ortho&styles=default"
                          f"&tileMatrixSet=webmercator&url={base}/mapproxy/wmts/1.0.0/WMTSCapabilities.xml"
                          f"&authcfg={config.id()}", "wmts", "wms")
    result["wmts_valid"] = wmts.isValid()
    if not wmts.isValid():
        result["wmts_error"] = wmts.error().summary()
    elif area is not None:
        result["wmts_png"] = render(wmts, area, os.path.join(out, "wmts.png"))
    print(json.dumps(result), flush=True)
    os._exit(0)  # QGIS 3.22 can crash while tearing down offscreen; everything is printed by then


if __name__ == "__main__":
    main()
