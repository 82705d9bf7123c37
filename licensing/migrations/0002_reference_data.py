"""The national reference data: activities with their checklists, requirements and the penalties table
(licensing/reference/*.csv)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from licensing.reference_data import reference_sync

    reference_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("licensing", "0001_licensing")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
