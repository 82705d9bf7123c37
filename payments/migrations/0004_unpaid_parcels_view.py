"""The parcels with unpaid bills and fines, as a view over the bills (payments/models/unpaid.py)."""

import django.contrib.gis.db.models.fields
from django.db import migrations, models


# As it was written then (a later change of the view is a new migration).
VIEW_SQL = """
CREATE VIEW payments_unpaid_parcel AS
SELECT p.id, p.municipality_id, p.number, p.geom, o.bills, o.fines, o.outstanding, o.oldest_due
FROM (
    SELECT b.parcel_id,
           count(*)::integer AS bills,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM payments_billline l
                                          WHERE l.bill_id = b.id AND l.kind = 'fine'))::integer AS fines,
           sum(b.amount) AS outstanding,
           min(b.due_date) AS oldest_due
    FROM payments_bill b
    WHERE b.status IN ('active', 'expired') AND b.parcel_id IS NOT NULL
    GROUP BY b.parcel_id
) o
JOIN parcels_parcel p ON p.id = o.parcel_id
"""


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0003_national_fee_schedule'),
    ]

    operations = [
        migrations.RunSQL(sql=VIEW_SQL, reverse_sql="DROP VIEW IF EXISTS payments_unpaid_parcel"),
        migrations.CreateModel(
            name='UnpaidParcel',
            fields=[
                ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('number', models.CharField(max_length=32, verbose_name='parcel number')),
                ('geom', django.contrib.gis.db.models.fields.MultiPolygonField(spatial_index=False, srid=4326, verbose_name='boundary')),
                ('bills', models.IntegerField(verbose_name='unpaid bills')),
                ('fines', models.IntegerField(verbose_name='of which with a fine')),
                ('outstanding', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='outstanding (SAR)')),
                ('oldest_due', models.DateField(verbose_name='oldest due date')),
            ],
            options={
                'verbose_name': 'parcel with unpaid bills',
                'verbose_name_plural': 'parcels with unpaid bills',
                'db_table': 'payments_unpaid_parcel',
                'ordering': ['-outstanding'],
                'managed': False,
            },
        ),
    ]
