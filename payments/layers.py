"""The map of unpaid bills and fines (tenant only): each parcel with bills awaiting payment or expired unpaid,
with how many (and how many carry a fine) and the amount outstanding; darker the more is owed.

The layer machinery knows two audiences (``geo.layers.PUBLIC``, ``TENANT``), not permissions: every signed-in
member of the municipality with the "read" scope may read these tiles, as they may read the cases layer. The
finance pages themselves need ``payments.manage`` (docs/finance.md)."""

from geo.layers import TENANT, Layer, Style, register

# SAR outstanding on a parcel → fill (light under a thousand, dark red from fifty thousand).
OUTSTANDING_STOPS = ((0, "#f9e79f"), (1000, "#f5b041"), (10000, "#e67e22"), (50000, "#b03a2e"))
FILL = ["interpolate", ["linear"], ["get", "outstanding"], *[v for stop in OUTSTANDING_STOPS for v in stop]]


def register_all() -> None:
    from payments.models.unpaid import UnpaidParcel

    register(Layer("unpaid_bills", UnpaidParcel, "الفواتير غير المسددة", "Unpaid bills and fines",
                   fields=("number", "bills", "fines", "outstanding", "oldest_due"),
                   min_zoom=10, order=88, permission=TENANT, style=Style(fill=FILL, fill_opacity=0.7)))


def unpaid_changed(bill) -> None:
    """Tell the map that a bill's parcel owes more or less (its status changed: active, paid, expired, cancelled…):
    the cached tiles of ``unpaid_bills`` around it are dropped after commit. The services that change a bill's
    status call this (``geo.changes``: an explicit call, not a signal)."""
    from geo.changes import geometry_changed
    from payments.models.unpaid import UnpaidParcel

    where = bill.parcel.geom if bill.parcel_id else bill.location
    geometry_changed(model=UnpaidParcel, new=where)
