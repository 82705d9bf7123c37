import zipfile

import pytest
from django.core.management import CommandError, call_command

from parcels.models import Parcel
from tests.imports.helpers import frame, run, write


@pytest.fixture
def loaded(tmp_path, plan):
    df = frame(plan.number, 6)
    df["LAND_USE"] = ["residential", "commercial", "mosque", "park", "residential", "education"]
    df["DEED_NO"] = ["310101", "", "310103", "", "310105", "310106"]
    run(write(df, tmp_path / "seed.gpkg"), plan.municipality, commit=True)
    return plan


@pytest.mark.django_db
@pytest.mark.parametrize("fmt,srid", [("gpkg", 4326), ("geojson", 4326), ("shp", 4326), ("csv", 4326),
                                      ("gpkg", 20438), ("shp", 9358), ("dxf", 32638)])
def test_export_then_reimport_round_trip(tmp_path, loaded, fmt, srid):
    out = tmp_path / f"out.{ 'zip' if fmt == 'shp' else fmt}"
    call_command("export_layer", "parcels", format=fmt, srid=srid, out=str(out),
                 municipality=loaded.municipality.code)
    if fmt == "shp":
        assert {n.rsplit(".", 1)[1] for n in zipfile.ZipFile(out).namelist()} >= {"shp", "dbf", "shx", "prj", "cpg"}
    declared = fmt not in {"csv", "dxf"}
    opts = {} if declared else {"srid": srid}
    if fmt == "dxf":
        opts["defaults"] = {"plan_number": loaded.number}
    report = run(out, loaded.municipality, **opts)
    assert report["errors"] == 0, report["issues"]
    assert report["features"] == 6 and report["diff"]["new"] == 0 and report["diff"]["retire"] == 0
    # Same coordinates (to ~1 mm, whatever the CRS round trip), same attributes: nothing to do.
    assert report["diff"]["unchanged"] == 6
    assert dict(Parcel.objects.filter(valid_to__isnull=True).values_list("number", "deed_number"))["101"] == "310101"


@pytest.mark.django_db
def test_export_errors(tmp_path, loaded):
    with pytest.raises(CommandError, match="No layer"):
        call_command("export_layer", "nope", format="gpkg", out=str(tmp_path / "x.gpkg"))
    with pytest.raises(CommandError, match="unknown_crs"):
        call_command("export_layer", "parcels", format="gpkg", srid=2039, out=str(tmp_path / "x.gpkg"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["municipalities", "districts", "plans", "blocks", "streets", "zones"])
def test_every_registered_layer_exports(tmp_path, loaded, name):
    import pyogrio

    from geo.layers import get_layer

    out = tmp_path / f"{name}.gpkg"
    call_command("export_layer", name, format="gpkg", srid=9358, out=str(out))
    info = pyogrio.read_info(out)
    layer = get_layer(name)
    assert info["features"] == layer.queryset().count()
    assert set(layer.fields) - {"plan_id"} <= set(info["fields"]) and info["crs"] == "EPSG:9358"
