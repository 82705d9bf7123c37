"""Permit applications on the map: each permit case drawn as its latest proposed building, with the case's
status — a database view (migration ``0003_permit_case_map``) read by the layer ``building_permits``. The
latest proposal is found with NOT EXISTS so a map tile's bounding box still uses the proposals' GiST index."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

VIEW_SQL = """
CREATE VIEW permits_case_map AS
SELECT p.id, p.municipality_id, c.number, c.case_type, c.status, p.number AS proposal, p.passed, p.use,
       p.floor_area_m2, p.footprint AS geom
FROM permits_proposal p
JOIN cases_case c ON c.id = p.case_id
WHERE NOT EXISTS (SELECT 1 FROM permits_proposal q WHERE q.case_id = p.case_id AND q.number > p.number)
"""


class PermitCaseMap(models.Model):
    """A permit case's latest proposed building and the case's status. Its id is the proposal's."""

    id = models.BigIntegerField(primary_key=True)
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.DO_NOTHING, related_name="+",
                                     db_constraint=False, verbose_name=_("municipality"))
    number = models.CharField(_("case number"), max_length=32)
    case_type = models.CharField(_("case type"), max_length=50)
    status = models.CharField(_("status"), max_length=30)
    proposal = models.PositiveIntegerField(_("proposal version"))
    passed = models.BooleanField(_("check passed"))
    use = models.CharField(_("use"), max_length=24)
    floor_area_m2 = models.FloatField(_("floor area (m²)"))
    geom = models.MultiPolygonField(_("building outline"), srid=4326, spatial_index=False)

    class Meta:
        managed = False
        db_table = "permits_case_map"
        verbose_name = _("permit application on the map")
        verbose_name_plural = _("permit applications on the map")

    def __str__(self):
        return self.number
