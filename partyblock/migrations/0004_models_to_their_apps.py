"""ImportBatch, ActivityLog and UserScope moved to the apps `importing`, `audit` and `accounts`
(issue 16). Their tables stay; this migration drops the models from this app's state (their new
apps' 0001 migrations create them there, state only), and renames what names the app:

- the content types (app_label `partyblock` -> the new app), so the permissions attached to them,
  and the roles and users holding those permissions, keep working;
- the record type in the audit trail (`ActivityLog.model`, e.g. "partyblock.userscope" ->
  "accounts.userscope"), so old entries still name a model that exists.
"""

from django.db import migrations

MOVED = {"importbatch": "importing", "activitylog": "audit", "userscope": "accounts"}


def relabel(apps, schema_editor, *, back=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ActivityLog = apps.get_model("audit", "ActivityLog")
    db = schema_editor.connection.alias
    for model, new_app in MOVED.items():
        old_label, new_label = (new_app, "partyblock") if back else ("partyblock", new_app)
        moved = ContentType.objects.using(db).filter(app_label=old_label, model=model)
        if moved.exists():
            # A content type already created under the new label (by a partial migrate) holds only the
            # permissions the roles are given again after every migrate: the old one, with its
            # permissions and the roles and users holding them, takes its place.
            ContentType.objects.using(db).filter(app_label=new_label, model=model).delete()
            moved.update(app_label=new_label)
        ActivityLog.objects.using(db).filter(model=f"{old_label}.{model}").update(model=f"{new_label}.{model}")


def forwards(apps, schema_editor):
    relabel(apps, schema_editor)


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, back=True)


class Migration(migrations.Migration):

    dependencies = [
        ("partyblock", "0003_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("importing", "0001_initial"),
        ("audit", "0001_initial"),
        ("accounts", "0001_initial"),
        ("units", "0007_import_batch_in_importing"),
        ("members", "0010_import_batch_in_importing"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ActivityLog"),
                migrations.DeleteModel(name="UserScope"),
                migrations.DeleteModel(name="ImportBatch"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
