"""Create the five roles with their permissions (partyblock.accounts.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the roles get them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    from partyblock.accounts.roles import sync_roles

    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("partyblock", "0002_scopes_and_activity_log"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("units", "0004_covering_indexes"),
        ("members", "0005_covering_indexes"),
        ("inspections", "0002_holidays"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
