"""The parcels with unpaid bills and fines: a database view over the bills (migration
``0004_unpaid_parcels_view``), read by the map layer ``unpaid_bills`` (payments/layers.py) and the finance pages.
Nothing writes it; a bill's status change shows on the next read."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

# The statuses the view counts as unpaid (payments.selectors.UNPAID): awaiting payment, or expired unpaid.
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


class UnpaidParcel(models.Model):
    """A parcel with unpaid bills: how many, how many carry a fine, how much is outstanding (SAR), the oldest due
    date. Its id is the parcel's."""

    id = models.BigIntegerField(primary_key=True)
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.DO_NOTHING, related_name="+",
                                     db_constraint=False, verbose_name=_("municipality"))
    number = models.CharField(_("parcel number"), max_length=32)
    geom = models.MultiPolygonField(_("boundary"), srid=4326, spatial_index=False)
    bills = models.IntegerField(_("unpaid bills"))
    fines = models.IntegerField(_("of which with a fine"))
    outstanding = models.DecimalField(_("outstanding (SAR)"), max_digits=14, decimal_places=2)
    oldest_due = models.DateField(_("oldest due date"))

    class Meta:
        managed = False
        db_table = "payments_unpaid_parcel"
        verbose_name = _("parcel with unpaid bills")
        verbose_name_plural = _("parcels with unpaid bills")
        ordering = ["-outstanding"]

    def __str__(self):
        return self.number
