import zipfile

import pytest

from parcels.models import Parcel
from tests.imports.helpers import frame, run, write, write_csv


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_vector_formats_import_and_commit(tmp_path, plan, suffix):
    path = write(frame(plan.number), tmp_path / f"p{suffix}")
    dry = run(path, plan.municipality)
    assert dry["errors"] == 0, dry["issues"]
    assert dry["diff"]["new"] == 6 and dry["committed"] is False
    assert not Parcel.objects.exists()  # a dry run writes nothing
    done = run(path, plan.municipality, commit=True)
    assert done["committed"] is True
    assert Parcel.objects.filter(plan=plan).count() == 6
    assert sorted(Parcel.objects.values_list("number", flat=True)) == [str(n) for n in range(101, 107)]


@pytest.mark.django_db
def test_zipped_shapefile(tmp_path, plan):
    shp = write(frame(plan.number), tmp_path / "parcels.shp")
    zpath = tmp_path / "parcels.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for p in tmp_path.glob("parcels.*"):
            if p.suffix != ".zip":
                zf.write(p, p.name)
    report = run(zpath, plan.municipality, commit=True)
    assert report["source"]["format"] == "shp" and report["crs"]["srid"] == 4326
    assert Parcel.objects.count() == 6
    assert shp.exists()


@pytest.mark.django_db
def test_csv_with_wkt_needs_crs_confirmation(tmp_path, plan):
    path = write_csv(frame(plan.number), tmp_path / "p.csv")
    from imports.errors import ImportRefused

    with pytest.raises(ImportRefused) as err:
        run(path, plan.municipality)
    assert err.value.code == "crs_confirmation_required"
    assert 4326 in [c["srid"] for c in err.value.details["candidates"]]
    report = run(path, plan.municipality, srid=4326, commit=True)
    assert report["committed"] and report["crs"]["source"] == "confirmed"
    assert Parcel.objects.count() == 6


@pytest.mark.django_db
def test_layer_choice_in_multi_layer_geopackage(tmp_path, plan):
    from imports.errors import ImportRefused

    path = tmp_path / "multi.gpkg"
    write(frame(plan.number, 3), path, layer="parcels_a")
    write(frame(plan.number, 2, start=20), path, layer="parcels_b", append=False)
    with pytest.raises(ImportRefused) as err:
        run(path, plan.municipality)
    assert err.value.code == "choose_layer" and set(err.value.details["layers"]) == {"parcels_a", "parcels_b"}
    report = run(path, plan.municipality, layer="parcels_b")
    assert report["features"] == 2 and report["diff"]["new"] == 2
