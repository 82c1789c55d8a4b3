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
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from partyblock.roles import sync_roles

    # post_migrate reaches this app before units, members and inspections, whose permissions auth
    # would create only afterwards: create them all first, or a new model's permissions would
    # reach the roles only at the next migrate.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(Group, Permission)
