"""The finance officers' pages (``/finance/…``; the reconciliation page is ``web.finance.reconciliation_urls``)."""

from django.urls import path

from web.finance import bills, revenue, unpaid_map

app_name = "finance"
urlpatterns = [
    path("", bills.BillListView.as_view(), name="bills"),
    path("bills/<int:pk>/", bills.BillView.as_view(), name="bill"),
    path("revenue/", revenue.RevenueView.as_view(), name="revenue"),
    path("map/", unpaid_map.UnpaidMapView.as_view(), name="map"),
]
