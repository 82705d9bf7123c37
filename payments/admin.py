"""The payments' admin: bills and their payments (``admin_bills``), fee schedules (``admin_fees``)."""

from payments import admin_bills, admin_fees  # noqa: F401
