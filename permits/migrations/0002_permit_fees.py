"""The national fee lines of the permits' services (payments/fees/national_schedule.csv: permit renewal,
modification, occupancy certificate, building violations' fines), loaded like the payments' own."""

from django.db import migrations


def forwards(apps, schema_editor):
    from payments.fees.national import national_schedule_sync

    national_schedule_sync(apps.get_model("payments", "FeeRule"))


class Migration(migrations.Migration):
    dependencies = [("permits", "0001_permits"), ("payments", "0006_fewer_bill_indexes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
