"""Roles, the access rule, scopes and sessions."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "partyblock.accounts"
    label = "accounts"
    verbose_name = "Người dùng và phân quyền"

    def ready(self):
        from django.contrib.auth.models import Group, User
        from django.contrib.auth.signals import user_logged_in

        from partyblock.core.auditing import audited
        from partyblock.core.scoping import belongs

        from .models import UserScope
        from .sessions import session_started

        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="partyblock-sync-roles")
        user_logged_in.connect(session_started, dispatch_uid="accounts-session-started")
        audited(User, Group, UserScope)
        belongs(UserScope, hidden=True)  # who may see what: the administrators' business


def _sync_roles(sender, using="default", **kwargs):
    # Django's auth models and the roles (which read the access rule) can be imported only once the
    # app registry is ready, hence inside the handler.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from partyblock.accounts.roles import sync_roles

    # Create the permissions of every app first (auth would create those of the apps after this one
    # only afterwards), or a new model's permissions would reach the roles only at the next migrate.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(Group, Permission)
