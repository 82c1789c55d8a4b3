from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate


class PartyblockConfig(AppConfig):
    name = "partyblock"
    verbose_name = "Báo cáo và hệ thống"

    def ready(self):
        from partyblock import audit

        audit.connect()
        post_migrate.connect(_sync_roles, dispatch_uid="partyblock-sync-roles")


class PartyblockAdminConfig(AdminConfig):
    """Django's admin with our site: every ModelAdmin goes through the access rule."""

    default_site = "partyblock.admin_site.PartyblockAdminSite"


def _sync_roles(sender, using="default", **kwargs):
    if sender.name != "partyblock":
        return
    from django.contrib.auth.models import Group, Permission

    from partyblock.roles import sync_roles

    sync_roles(Group, Permission)
