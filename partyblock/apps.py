from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class PartyblockConfig(AppConfig):
    """The site: settings, urls, the admin site, middleware, the home, to-do and search pages. Its
    migrations keep the history of the models that moved to `accounts`, `audit` and `importing`."""

    name = "partyblock"
    verbose_name = "Hệ thống"


class PartyblockAdminConfig(AdminConfig):
    """Django's admin with our site: every ModelAdmin goes through the access rule."""

    default_site = "partyblock.admin_site.PartyblockAdminSite"
