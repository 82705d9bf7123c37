"""Memberships and API keys move to accounts/.

- ``ApiKey`` keeps its table (``api_apikey``): only the migration state moves (accounts 0001).
- A membership is now per municipality, with roles (accounts 0002 seeds them): each one-municipality
  membership with scopes becomes a membership with the roles those scopes amount to, and the old table goes.
"""

from django.db import migrations

# scope set -> roles (accounts/migrations/0002_roles.py): the same refusals as before for everybody.
def _roles_for(scopes: set[str]) -> list[str]:
    roles = []
    if "read" in scopes:
        roles.append("reader")
    if "write" in scopes:
        roles.append("register_editor")
    if "lineage" in scopes:
        roles.append("lineage_editor")
    return roles


def forwards(apps, schema_editor):
    Old = apps.get_model("api", "Membership")
    New = apps.get_model("accounts", "Membership")
    Role = apps.get_model("accounts", "Role")
    roles = {r.code: r for r in Role.objects.all()}
    for old in Old.objects.all():
        new = New.objects.create(user_id=old.user_id, municipality_id=old.municipality_id)
        new.roles.set([roles[code] for code in _roles_for(set(old.scopes))])


def backwards(apps, schema_editor):
    raise RuntimeError("Memberships with roles cannot be turned back into scopes: restore a backup instead.")


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_throttle_window"),
        ("accounts", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Membership"),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ApiKey")]),
    ]
