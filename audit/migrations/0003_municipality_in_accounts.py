
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_tenant_people_parties'),
        ('audit', '0002_change_record_import_indexes'),
    ]

    operations = [
        # The municipality moved to accounts/ with its table: the foreign keys point at the same table (state only).
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='changerecord',
                name='municipality',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.municipality', verbose_name='municipality'),
            ),
        ]),
        # Its history keeps following it: records name the model by app label.
        migrations.RunSQL(
            "UPDATE audit_changerecord SET entity = 'accounts.municipality' WHERE entity = 'parcels.municipality'",
            "UPDATE audit_changerecord SET entity = 'parcels.municipality' WHERE entity = 'accounts.municipality'",
        ),
    ]
