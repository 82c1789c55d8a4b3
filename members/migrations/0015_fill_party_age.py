"""Fill the party age every stored period now carries (`members.party_age`): from each member's
admission and ending events. No interruption is recorded yet, so no period is split."""

from django.db import migrations

from members.party_age import ENDS, STARTS, with_party_age

CHUNK = 5000


def fill(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    MemberEvent = apps.get_model("members", "MemberEvent")
    MembershipPeriod = apps.get_model("members", "MembershipPeriod")
    member_ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(member_ids), CHUNK):
        ids = member_ids[start : start + CHUNK]
        stories, rows = {}, {}
        for member_id, *event in MemberEvent.objects.filter(
            member_id__in=ids, kind__in=[*STARTS, *ENDS]
        ).values_list("member_id", "kind", "date", "decision_date"):
            stories.setdefault(member_id, []).append(event)
        for member_id, pk, starts_on, ends_on in (
            MembershipPeriod.objects.filter(member_id__in=ids)
            .order_by("starts_on")
            .values_list("member_id", "pk", "starts_on", "ends_on")
        ):
            rows.setdefault(member_id, []).append((pk, starts_on, ends_on))
        changed = []
        for member_id, periods in rows.items():
            for pk, _, _, counts_from, days in with_party_age(periods, stories.get(member_id, [])):
                changed.append(MembershipPeriod(pk=pk, party_age_from=counts_from, party_days_before=days))
        MembershipPeriod.objects.bulk_update(changed, ["party_age_from", "party_days_before"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("members", "0014_party_life_gaps")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
