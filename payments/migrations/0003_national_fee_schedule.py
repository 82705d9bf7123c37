"""The national fee schedule (payments/fees/national_schedule.csv; demo figures, docs/fees.md)."""

from django.db import migrations

from payments.fees.national import national_schedule_sync


def load(apps, schema_editor):
    national_schedule_sync(apps.get_model("payments", "FeeRule"))


def unload(apps, schema_editor):
    apps.get_model("payments", "FeeRule").objects.filter(municipality__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0002_fee_schedule"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
