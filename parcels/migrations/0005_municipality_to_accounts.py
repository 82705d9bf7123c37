
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_tenant_people_parties'),
        ('api', '0003_access_to_accounts'),
        ('audit', '0003_municipality_in_accounts'),
        ('imports', '0003_municipality_in_accounts'),
        ('parcels', '0004_parcel_plan_municipality_key'),
        ('tiles', '0002_municipality_in_accounts'),
    ]

    operations = [
        # The municipality moved to accounts/ with its table: the foreign keys point at the same table (state only).
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='subdivisionplan',
                name='municipality',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.municipality', verbose_name='municipality'),
            ),
            migrations.AlterField(
                model_name='zone',
                name='municipality',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.municipality', verbose_name='municipality'),
            ),
            migrations.AlterField(
                model_name='street',
                name='municipality',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.municipality', verbose_name='municipality'),
            ),
            migrations.AlterField(
                model_name='block',
                name='municipality',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.municipality', verbose_name='municipality'),
            ),
            migrations.AlterField(
                model_name='zoningregulation',
                name='municipality',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.municipality', verbose_name='municipality'),
            ),
            migrations.AlterField(
                model_name='district',
                name='municipality',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.municipality', verbose_name='municipality'),
            ),
            migrations.AlterField(
                model_name='parcel',
                name='municipality',
                field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.municipality', verbose_name='municipality'),
            ),
            migrations.DeleteModel(
                name='Municipality',
            ),
        ]),
    ]
