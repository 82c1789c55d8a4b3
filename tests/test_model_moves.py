"""ImportBatch, ActivityLog and UserScope moved from the `partyblock` app to `importing`, `audit` and
`accounts` (issue 16) with their tables kept. A database migrated before the move keeps its records,
and the permissions, roles and audit entries that named the old app follow the models.

The migrations run in a child process on a database of their own (a migration test cannot run
inside the test transaction the other tests share)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The migrations of the move: the new apps' first ones, the state-only AlterFields of the foreign keys
# pointing at ImportBatch, and the partyblock migration that drops the models and renames their labels.
NEW_APPS = ("importing", "audit", "accounts")
MOVED_FROM = "partyblock"
FOREIGN_KEYS_SUFFIX = "_import_batch_in_importing"


def before_and_after(graph):
    """(targets just before the move, the leaf nodes): every app as far as it goes without the move."""
    moves = {node for node in graph.nodes if node[0] in NEW_APPS or node[1].endswith(FOREIGN_KEYS_SUFFIX)}
    moves |= {node for node in graph.nodes if node[0] == MOVED_FROM and node[1] >= "0004"}
    leaves = graph.leaf_nodes()
    before = [leaf for leaf in leaves if not moves & set(graph.forwards_plan(leaf))]
    apps_before = {app for app, _ in before}
    for app, name in sorted(moves):
        if app in NEW_APPS or app in apps_before:
            continue
        parents = [p for p in graph.node_map[(app, name)].parents if p.key[0] == app and p.key not in moves]
        before += [parent.key for parent in parents]
    return sorted(set(before)), leaves


def migrate_across_the_move():
    """Run in the child process: migrate a fresh database to just before the move, write a record of
    each moved model and a role holding an ImportBatch permission, migrate to the end, read them back."""
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before, leaves = before_and_after(executor.loader.graph)
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps

    user = old.get_model("auth", "User").objects.create(username="canbo")
    old_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="partyblock", model="importbatch"
    )
    permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
        codename="add_importbatch", content_type=old_type, defaults={"name": "Can add lần nhập dữ liệu"}
    )
    group = old.get_model("auth", "Group").objects.create(name="Nhập liệu")
    group.permissions.add(permission)
    user.groups.add(group)
    batch = old.get_model("partyblock", "ImportBatch").objects.create(
        kind="members", file_name="dang-vien.xlsx", sha256="0" * 64, status="committed", user=user
    )
    scope = old.get_model("partyblock", "UserScope").objects.create(user=user)
    old.get_model("partyblock", "ActivityLog").objects.create(
        user=user, action="change", model="partyblock.userscope", object_id=str(scope.pk), import_batch=batch
    )

    MigrationExecutor(connection).migrate(leaves)

    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType

    from partyblock.accounts.models import UserScope
    from partyblock.audit.models import ActivityLog
    from partyblock.importing.models import ImportBatch

    ContentType.objects.clear_cache()
    moved_batch = ImportBatch.objects.get(file_name="dang-vien.xlsx")
    entry = ActivityLog.objects.get(object_id=str(scope.pk))
    found = {
        "batch": (moved_batch.pk, moved_batch.user.username),
        "scope": UserScope.objects.get(user__username="canbo").pk,
        "entry": (entry.model, entry.import_batch_id, entry.user.username),
        "content_type": ContentType.objects.get_for_model(ImportBatch).pk,
        "old_labels": ContentType.objects.filter(app_label="partyblock").count(),
        "may_import": User.objects.get(username="canbo").has_perm("importing.add_importbatch"),
    }
    expected = {
        "batch": (batch.pk, "canbo"),
        "scope": scope.pk,
        "entry": ("accounts.userscope", batch.pk, "canbo"),
        "content_type": old_type.pk,
        "old_labels": 0,
        "may_import": True,
    }
    print(found)
    assert found == expected, found


def test_a_database_from_before_the_move_keeps_its_records_and_permissions(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'before-the-move.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-c", "from tests.test_model_moves import migrate_across_the_move as m; m()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
