from django.contrib.admin.apps import AdminConfig


class ArdhAdminConfig(AdminConfig):
    """``django.contrib.admin`` with the tenant-scoped site (accounts/admin_site.py) as ``admin.site``."""

    default_site = "accounts.admin_site.TenantAdminSite"
