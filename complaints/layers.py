"""Reports on the map: the open ones, public, without personal data (category, status, when)."""

from django.db.models import Q

from geo.layers import PUBLIC, Layer, Style
from geo.layers import register as register_layer

COLOUR = ["match", ["get", "category_id"], "pothole", "#8e44ad", "lighting", "#f1c40f", "waste", "#27ae60",
          "building_violation", "#c0392b", "shop_hygiene", "#e67e22", "#2980b9"]


def register() -> None:
    from complaints.models import Complaint

    register_layer(Layer("complaints_open", Complaint, "البلاغات المفتوحة", "Open reports",
                         fields=("category_id", "created_at"), filter_fields=("category_id",), min_zoom=10,
                         order=88, permission=PUBLIC, current=Q(case__closed_at__isnull=True),
                         style=Style(fill=COLOUR)))
