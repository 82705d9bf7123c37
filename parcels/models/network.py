"""The routable street network: the streets cut at every junction into edges between nodes.

Derived data: ``parcels.services.network.street_network_build`` rebuilds a municipality's nodes and edges from its
streets (docs/decisions/027). pgRouting reads the edges as ``id, source, target, cost, reverse_cost``
(``source_id``/``target_id`` and ``cost_s`` here; the streets are two-way, so reverse_cost = cost)."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_index

# Travel speed (km/h) along a street of each kind: the inspectors drive, except on pedestrian ways.
SPEED_KMH = {"arterial": 50.0, "collector": 40.0, "local": 30.0, "pedestrian": 5.0}
WALK_KMH = SPEED_KMH["pedestrian"]


class StreetNode(TenantOwned):
    """A junction or a dead end of the network."""

    geom = models.PointField(_("location"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("street node")
        verbose_name_plural = _("street nodes")
        indexes = [geometry_index("parcels_streetnode")]

    def __str__(self):
        return f"#{self.pk}"


class StreetEdge(TenantOwned):
    """A piece of one street between two nodes, with its length and the time it takes to travel."""

    street = models.ForeignKey("parcels.Street", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("street"))
    source = models.ForeignKey(StreetNode, on_delete=models.CASCADE, related_name="+", verbose_name=_("from node"))
    target = models.ForeignKey(StreetNode, on_delete=models.CASCADE, related_name="+", verbose_name=_("to node"))
    length_m = models.FloatField(_("length (m)"))
    cost_s = models.FloatField(_("travel time (s)"))
    geom = models.LineStringField(_("geometry"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("street edge")
        verbose_name_plural = _("street edges")
        indexes = [geometry_index("parcels_streetedge")]
        constraints = [
            models.CheckConstraint(condition=Q(length_m__gte=0) & Q(cost_s__gte=0),
                                   name="parcels_streetedge_cost_not_negative"),
        ]

    def __str__(self):
        return f"#{self.pk} ({self.source_id} → {self.target_id})"
