from django.db import migrations

# Who wrote last and when, for read-your-writes of API clients (runtime/replica.py): one row per writer (a hash of
# its Authorization), on the primary only — unlogged, so it costs no WAL and is not replicated.
CREATE = """
CREATE UNLOGGED TABLE runtime_recent_write (
    writer text PRIMARY KEY,
    written_at timestamptz NOT NULL
)
"""


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunSQL(CREATE, "DROP TABLE runtime_recent_write")]
