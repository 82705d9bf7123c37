"""The shared request counter of the per-key throttle (api.access.PerKeyThrottle).

Not a model: an UNLOGGED table of counters read and written by one SQL statement per
request. Losing it on a crash loses at most a minute of counts.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_keys_and_memberships")]

    operations = [
        migrations.RunSQL(
            "CREATE UNLOGGED TABLE api_throttle_window ("
            " key varchar(200) NOT NULL, window_start bigint NOT NULL, hits integer NOT NULL,"
            " PRIMARY KEY (key, window_start))",
            "DROP TABLE api_throttle_window",
        ),
    ]
