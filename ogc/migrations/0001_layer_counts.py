"""The cached counts behind numberMatched (ogc/counts.py): UNLOGGED, a crash only forgets them."""

from django.db import migrations

CREATE = """
CREATE UNLOGGED TABLE ogc_layer_count (
    layer text NOT NULL,
    municipality_id bigint NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (layer, municipality_id)
);
CREATE UNLOGGED TABLE ogc_layer_edit (
    layer text PRIMARY KEY,
    edited_at timestamptz NOT NULL
);
"""


class Migration(migrations.Migration):
    dependencies: list = []

    operations = [migrations.RunSQL(CREATE, "DROP TABLE ogc_layer_count; DROP TABLE ogc_layer_edit;")]
