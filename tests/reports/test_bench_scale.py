"""`partyblock.demo.bench.scale_to`, which `manage.py bench_reports` builds its 10× and 100× data with:
records of the Khối itself (the tasks its committee registers) keep pointing at the one Khối, which is
not copied; everything below it is."""

from partyblock.demo.bench import base_sizes, scale_to
from units.models import BreakthroughTask, Organisation


def test_copies_keep_the_khois_own_records_on_the_khoi(tree):
    BreakthroughTask.objects.create(organisation=tree["bloc"], year=2018, title="Chuyển đổi số")
    BreakthroughTask.objects.create(organisation=tree["cb1"], year=2018, title="Sinh hoạt đúng kỳ")
    organisations = Organisation.objects.count()

    scale_to(3, 1, base_sizes())

    assert Organisation.objects.count() == 1 + 3 * (organisations - 1)
    assert BreakthroughTask.objects.filter(organisation=tree["bloc"]).count() == 3
    copies = BreakthroughTask.objects.exclude(organisation=tree["bloc"])
    assert sorted(copies.values_list("organisation__code", flat=True)) == ["SOA-VP", "SOA-VP-x1", "SOA-VP-x2"]
