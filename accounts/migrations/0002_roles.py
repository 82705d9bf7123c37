"""The first roles (accounts/roles.py: national reference data; apps add theirs in their own migrations)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from accounts.roles import roles_sync

    roles_sync(apps.get_model("accounts", "Role"))


def backwards(apps, schema_editor):
    from accounts.roles import ROLES

    apps.get_model("accounts", "Role").objects.filter(code__in=[r[0] for r in ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_tenant_people_parties")]

    operations = [migrations.RunPython(forwards, backwards)]
