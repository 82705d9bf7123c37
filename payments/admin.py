"""The payments app in the admin (each part in its own module)."""

from payments.admin_fees import FeeRuleAdmin  # noqa: F401  (the fee schedules)
