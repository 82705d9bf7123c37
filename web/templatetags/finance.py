"""Template filters of the finance pages: amounts in SAR as people read them (thousands separated, halalas)."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def sar(value) -> str:
    """``12,345.50``: an amount with its halalas (Western digits, as SADAD prints them)."""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return ""


@register.filter
def sar0(value) -> str:
    """``12,345``: a round amount (legends, axes)."""
    try:
        return f"{Decimal(value):,.0f}"
    except (InvalidOperation, TypeError, ValueError):
        return ""
