"""The bulk rating screen shared by member and organisation ratings: one row per subject who must be
rated, a category select offering only that year's categories, saved all at once or not at all."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.template.response import TemplateResponse
from django.utils import timezone

from partyblock.admin_tools import write_from_form
from partyblock.core import rating_schemes
from partyblock.core.text import number_text


@dataclass
class EntryRow:
    subject_id: int
    cells: list  # what identifies the subject on screen (name, birth date, chi bộ, …)
    category: str = ""
    score: object = None
    group: str = ""  # heading above the row when it changes (the chi bộ, the TCCS)


def default_year(today=None):
    """Ratings are entered for the year just ended until November, then for the current one."""
    today = today or timezone.localdate()
    return today.year if today.month >= 11 else today.year - 1


class ScoreField(forms.DecimalField):
    """A score as Vietnamese write it: shown "79" or "79,5" (not "79.00"), typed with a comma or a
    point for the decimals (a score is at most 100, so a point is never a thousands separator)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "score", "autocomplete": "off"})

    def prepare_value(self, value):
        if isinstance(value, (int, float, Decimal)):
            exact = Decimal(str(value)).normalize()
            return number_text(exact, max(0, -exact.as_tuple().exponent))
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class RatingEntryForm(forms.Form):
    def __init__(self, *args, rows, subject, year, **kwargs):
        super().__init__(*args, **kwargs)
        scheme = rating_schemes.scheme_for(subject, year)
        # The abbreviation first ("HTTNV – Hoàn thành tốt nhiệm vụ"): a select cut short on a phone
        # still tells the levels apart (they all begin "Hoàn thành").
        choices = [
            ("", "— chưa xếp loại —"),
            *((c.code, f"{c.abbreviation} – {c.label}") for c in (scheme.categories if scheme else ())),
        ]
        self.scored = bool(scheme and scheme.scored)
        for row in rows:
            self.fields[f"r_{row.subject_id}"] = forms.ChoiceField(
                choices=choices, required=False, initial=row.category, label=str(row.cells[0])
            )
            if self.scored:
                self.fields[f"s_{row.subject_id}"] = ScoreField(
                    required=False,
                    min_value=0,
                    max_value=100,
                    decimal_places=2,
                    initial=row.score,
                    label="điểm",
                )
        self.rows = rows

    def choices_by_subject(self):
        data = self.cleaned_data
        return {
            row.subject_id: (data.get(f"r_{row.subject_id}") or "", data.get(f"s_{row.subject_id}"))
            for row in self.rows
        }

    def bound_rows(self):
        for row in self.rows:
            score = self[f"s_{row.subject_id}"] if self.scored else None
            yield row, self[f"r_{row.subject_id}"], score


def rating_entry_view(request, *, admin_site, title, subject, year, rows, headings, save, chooser, back_url):
    """Render the screen for `rows`; on POST validate every row and call `save(choices)`, which
    writes in one transaction or raises ValidationError (then nothing is written)."""
    form = RatingEntryForm(request.POST or None, rows=rows, subject=subject, year=year)
    if request.method == "POST" and form.is_valid():
        response = write_from_form(
            request,
            form,
            lambda: save(form.choices_by_subject()),
            success=lambda saved: (
                f"Đã lưu xếp loại năm {year}: {saved.created} mới, {saved.updated} sửa, {saved.cleared} xóa, "
                f"{saved.unchanged} không đổi."
            ),
            then=lambda saved: request.get_full_path(),
        )
        if response is not None:
            return response
    scheme = rating_schemes.scheme_for(subject, year)
    context = {
        **admin_site.each_context(request),
        "title": title,
        "form": form,
        "chooser": chooser,
        "year": year,
        "scheme": scheme,
        "row_count": len(rows),
        "headings": headings,
        "colspan": len(headings) + 2 + form.scored,
        "back_url": back_url,
    }
    return TemplateResponse(request, "admin/rating_entry.html", context)
