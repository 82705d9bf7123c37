"""Register KSA-GRF17 and its UTM zones in spatial_ref_sys when PostGIS lacks them.

PostGIS 3.3 (Debian 12) was built before EPSG added KSA-GRF17; PostGIS transforms by
looking up auth_name/auth_srid in PROJ's database, which does know them, so a row with
the PROJ definition is enough for ST_Transform to use the exact EPSG transformation.
"""

from django.db import migrations


def register(apps, schema_editor):
    import warnings

    from pyproj import CRS

    from geo.crs import KSA_GRF17_SRIDS

    with schema_editor.connection.cursor() as cursor:
        for srid in KSA_GRF17_SRIDS:
            cursor.execute("SELECT 1 FROM spatial_ref_sys WHERE srid = %s", [srid])
            if cursor.fetchone():
                continue
            crs = CRS.from_epsg(srid)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # PROJ string is a fallback; auth_srid is used
                proj4 = crs.to_proj4()
            cursor.execute(
                "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text)"
                " VALUES (%s, 'EPSG', %s, %s, %s)",
                [srid, srid, crs.to_wkt("WKT1_GDAL"), proj4],
            )


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(register, migrations.RunPython.noop)]
