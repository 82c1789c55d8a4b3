"""Vietnamese public holidays and official days off 2015–2026 (Bộ Luật Lao động; the yearly notices
of the Ministry of Labour / Home Affairs for civil servants): Tết Dương lịch, Tết Nguyên đán as the
days off announced each year, Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh (two days from 2021), and the
days off in lieu (nghỉ bù) or swapped (hoán đổi) that fell on weekdays. Staff keep the list in the
admin; the make-up Saturdays of swaps are not modelled (they only shorten deadlines by a day)."""

import datetime

from django.db import migrations

D = datetime.date
NEW_YEAR = "Tết Dương lịch"
TET = "Tết Nguyên đán"
HUNG_KINGS = "Giỗ Tổ Hùng Vương"
REUNIFICATION = "Ngày Chiến thắng 30/4"
LABOUR = "Ngày Quốc tế Lao động 1/5"
NATIONAL = "Quốc khánh 2/9"
IN_LIEU = "Nghỉ bù"
SWAPPED = "Nghỉ hoán đổi"


def _days(first, last):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def _tet(first, last):
    return [(day, TET) for day in _days(first, last)]


HOLIDAYS = [
    # 2015
    (D(2015, 1, 1), NEW_YEAR),
    (D(2015, 1, 2), f"{SWAPPED} (Tết Dương lịch)"),
    *_tet(D(2015, 2, 16), D(2015, 2, 24)),
    (D(2015, 4, 28), HUNG_KINGS),
    (D(2015, 4, 30), REUNIFICATION),
    (D(2015, 5, 1), LABOUR),
    (D(2015, 9, 2), NATIONAL),
    # 2016
    (D(2016, 1, 1), NEW_YEAR),
    *_tet(D(2016, 2, 6), D(2016, 2, 14)),
    (D(2016, 4, 16), HUNG_KINGS),
    (D(2016, 4, 18), f"{IN_LIEU} (Giỗ Tổ Hùng Vương)"),
    (D(2016, 4, 30), REUNIFICATION),
    (D(2016, 5, 1), LABOUR),
    (D(2016, 5, 2), f"{IN_LIEU} (30/4)"),
    (D(2016, 5, 3), f"{IN_LIEU} (1/5)"),
    (D(2016, 9, 2), NATIONAL),
    # 2017
    (D(2017, 1, 1), NEW_YEAR),
    (D(2017, 1, 2), f"{IN_LIEU} (Tết Dương lịch)"),
    *_tet(D(2017, 1, 26), D(2017, 2, 1)),
    (D(2017, 4, 6), HUNG_KINGS),
    (D(2017, 4, 30), REUNIFICATION),
    (D(2017, 5, 1), LABOUR),
    (D(2017, 5, 2), f"{IN_LIEU} (30/4)"),
    (D(2017, 9, 2), NATIONAL),
    (D(2017, 9, 4), f"{IN_LIEU} (Quốc khánh)"),
    # 2018
    (D(2018, 1, 1), NEW_YEAR),
    *_tet(D(2018, 2, 14), D(2018, 2, 20)),
    (D(2018, 4, 25), HUNG_KINGS),
    (D(2018, 4, 30), REUNIFICATION),
    (D(2018, 5, 1), LABOUR),
    (D(2018, 9, 2), NATIONAL),
    (D(2018, 9, 3), f"{IN_LIEU} (Quốc khánh)"),
    (D(2018, 12, 31), f"{SWAPPED} (Tết Dương lịch 2019)"),
    # 2019
    (D(2019, 1, 1), NEW_YEAR),
    *_tet(D(2019, 2, 2), D(2019, 2, 10)),
    (D(2019, 4, 14), HUNG_KINGS),
    (D(2019, 4, 15), f"{IN_LIEU} (Giỗ Tổ Hùng Vương)"),
    (D(2019, 4, 29), f"{SWAPPED} (30/4)"),
    (D(2019, 4, 30), REUNIFICATION),
    (D(2019, 5, 1), LABOUR),
    (D(2019, 9, 2), NATIONAL),
    # 2020
    (D(2020, 1, 1), NEW_YEAR),
    *_tet(D(2020, 1, 23), D(2020, 1, 29)),
    (D(2020, 4, 2), HUNG_KINGS),
    (D(2020, 4, 30), REUNIFICATION),
    (D(2020, 5, 1), LABOUR),
    (D(2020, 9, 2), NATIONAL),
    # 2021: Quốc khánh is two days from this year (Bộ Luật Lao động 2019).
    (D(2021, 1, 1), NEW_YEAR),
    *_tet(D(2021, 2, 10), D(2021, 2, 16)),
    (D(2021, 4, 21), HUNG_KINGS),
    (D(2021, 4, 30), REUNIFICATION),
    (D(2021, 5, 1), LABOUR),
    (D(2021, 5, 3), f"{IN_LIEU} (1/5)"),
    (D(2021, 9, 2), NATIONAL),
    (D(2021, 9, 3), NATIONAL),
    # 2022
    (D(2022, 1, 1), NEW_YEAR),
    (D(2022, 1, 3), f"{IN_LIEU} (Tết Dương lịch)"),
    *_tet(D(2022, 1, 29), D(2022, 2, 6)),
    (D(2022, 4, 10), HUNG_KINGS),
    (D(2022, 4, 11), f"{IN_LIEU} (Giỗ Tổ Hùng Vương)"),
    (D(2022, 4, 30), REUNIFICATION),
    (D(2022, 5, 1), LABOUR),
    (D(2022, 5, 2), f"{IN_LIEU} (30/4)"),
    (D(2022, 5, 3), f"{IN_LIEU} (1/5)"),
    (D(2022, 9, 1), NATIONAL),
    (D(2022, 9, 2), NATIONAL),
    # 2023
    (D(2023, 1, 1), NEW_YEAR),
    (D(2023, 1, 2), f"{IN_LIEU} (Tết Dương lịch)"),
    *_tet(D(2023, 1, 20), D(2023, 1, 26)),
    (D(2023, 4, 29), HUNG_KINGS),
    (D(2023, 4, 30), REUNIFICATION),
    (D(2023, 5, 1), LABOUR),
    (D(2023, 5, 2), f"{IN_LIEU} (Giỗ Tổ Hùng Vương)"),
    (D(2023, 5, 3), f"{IN_LIEU} (30/4)"),
    (D(2023, 9, 1), NATIONAL),
    (D(2023, 9, 2), NATIONAL),
    (D(2023, 9, 4), f"{IN_LIEU} (Quốc khánh)"),
    # 2024
    (D(2024, 1, 1), NEW_YEAR),
    *_tet(D(2024, 2, 8), D(2024, 2, 14)),
    (D(2024, 4, 18), HUNG_KINGS),
    (D(2024, 4, 29), f"{SWAPPED} (30/4)"),
    (D(2024, 4, 30), REUNIFICATION),
    (D(2024, 5, 1), LABOUR),
    (D(2024, 9, 2), NATIONAL),
    (D(2024, 9, 3), NATIONAL),
    # 2025
    (D(2025, 1, 1), NEW_YEAR),
    *_tet(D(2025, 1, 25), D(2025, 2, 2)),
    (D(2025, 4, 7), HUNG_KINGS),
    (D(2025, 4, 30), REUNIFICATION),
    (D(2025, 5, 1), LABOUR),
    (D(2025, 5, 2), f"{SWAPPED} (1/5)"),
    (D(2025, 9, 1), NATIONAL),
    (D(2025, 9, 2), NATIONAL),
    # 2026
    (D(2026, 1, 1), NEW_YEAR),
    *_tet(D(2026, 2, 14), D(2026, 2, 22)),
    (D(2026, 4, 26), HUNG_KINGS),
    (D(2026, 4, 27), f"{IN_LIEU} (Giỗ Tổ Hùng Vương)"),
    (D(2026, 4, 30), REUNIFICATION),
    (D(2026, 5, 1), LABOUR),
    (D(2026, 9, 1), NATIONAL),
    (D(2026, 9, 2), NATIONAL),
]


def add_holidays(apps, schema_editor):
    Holiday = apps.get_model("inspections", "Holiday")
    Holiday.objects.bulk_create(
        [Holiday(date=day, name=name) for day, name in HOLIDAYS], ignore_conflicts=True
    )


def remove_holidays(apps, schema_editor):
    Holiday = apps.get_model("inspections", "Holiday")
    Holiday.objects.filter(date__in=[day for day, _ in HOLIDAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(add_holidays, remove_holidays)]
