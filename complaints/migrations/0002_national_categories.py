from django.db import migrations


def load(apps, schema_editor):
    from complaints.reference import categories_sync

    categories_sync(apps.get_model("complaints", "Category"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_complaints")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
