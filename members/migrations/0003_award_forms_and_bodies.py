"""The award forms and issuing bodies the term report names; staff may add more in the admin."""

from django.db import migrations

FORMS = [
    ("co-thi-dua", "Cờ thi đua"),
    ("bang-khen", "Bằng khen"),
    ("giay-khen", "Giấy khen"),
    ("tsvm-tieu-bieu", "Trong sạch, vững mạnh tiêu biểu"),
    ("htxsnv-5-nam", "Hoàn thành xuất sắc nhiệm vụ 5 năm liền"),
]
BODIES = [
    ("tinh-uy", "Tỉnh ủy"),
    ("btv-dang-uy-khoi", "Ban Thường vụ Đảng ủy Khối"),
    ("dang-uy-khoi", "Đảng ủy Khối các cơ quan tỉnh"),
    ("ubnd-tinh", "Ủy ban nhân dân tỉnh"),
]


def add(apps, schema_editor):
    AwardForm = apps.get_model("members", "AwardForm")
    IssuingBody = apps.get_model("members", "IssuingBody")
    for code, name in FORMS:
        AwardForm.objects.get_or_create(code=code, defaults={"name": name})
    for code, name in BODIES:
        IssuingBody.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("members", "0002_ratings_awards_badges")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
