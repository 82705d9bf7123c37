
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_tenant_people_parties'),
        ('tiles', '0001_offline_packages'),
    ]

    operations = [
        # The municipality moved to accounts/ with its table: the foreign keys point at the same table (state only).
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='offlinepackage',
                name='municipality',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.municipality', verbose_name='municipality'),
            ),
        ]),
    ]
