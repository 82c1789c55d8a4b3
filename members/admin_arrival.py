""" "Thêm đảng viên chuyển đến": a member admitted outside the Khối on one day and transferred into
one of its chi bộ on another, recorded in one step (DOMAIN.md §2 "History older than the Khối").
The profile, the admission outside, the recognition and the transfer in go through the member
services in one transaction: all of them, or, when any is refused, nothing."""

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.urls import path, reverse

from partyblock.accounts.access import visible
from partyblock.admin_tools import OpenOrganisationSelect, open_organisations, write_from_form
from partyblock.core.text import DAY_FORMAT, day_text
from units.models import MEMBER_HOLDING_KINDS, Organisation
from units.placing import PARENTS, placed

from .lifecycle import ADMITTED_OUTSIDE_UNKNOWN
from .models import Member, MemberEvent
from .services import member_admit_outside, member_create, member_recognise, member_transfer_in

# The profile as the member's own add page asks it (the model's labels, choices and defaults: the
# ethnicity and religion are asked, prefilled "Kinh" / "Không" there and here alike, never assumed).
PROFILE = [
    "full_name",
    "gender",
    "birth_date",
    "national_id",
    "so_ly_lich",
    "ethnicity",
    "religion",
    "hometown",
    "education",
    "professional_level",
    "theory_level",
]
FIELDSETS = [
    (None, {"fields": ["full_name", "gender", "birth_date", "national_id", "so_ly_lich"]}),
    (
        "Lý lịch",
        {"fields": ["ethnicity", "religion", "hometown", "education", "professional_level", "theory_level"]},
    ),
    (
        "Kết nạp ngoài Đảng bộ Khối",
        {"fields": ["admitted_on", "ceremony_on", "admitted_at", "recognised_on"]},
    ),
    ("Chuyển đến", {"fields": ["chi_bo", "arrived_on", "from_party", "decision_number"]}),
]


def _day(label, **options):
    return forms.DateField(label=label, input_formats=[DAY_FORMAT], widget=AdminDateWidget, **options)


class ChiBoField(forms.ModelChoiceField):
    """The chi bộ, chosen as on the member's events: the admin's autocomplete (searchable without
    diacritics, only chi bộ, each named with its TCCS)."""

    def label_from_instance(self, organisation):
        return placed(organisation)


class ArrivalForm(forms.Form):
    admitted_on = _day("Ngày vào Đảng (ngày quyết định kết nạp)")
    ceremony_on = _day("Ngày lễ kết nạp", required=False, help_text="Để trống nếu không rõ.")
    admitted_at = forms.CharField(
        label="Nơi kết nạp", max_length=255, required=False, help_text="Để trống nếu không rõ."
    )
    recognised_on = _day(
        "Ngày quyết định công nhận chính thức", required=False, help_text="Để trống nếu còn dự bị."
    )
    chi_bo = ChiBoField(label="Chuyển đến chi bộ", queryset=Organisation.objects.none())
    arrived_on = _day("Ngày chuyển đến")
    from_party = forms.CharField(label="Chuyển từ tổ chức đảng", max_length=255, required=False)
    decision_number = forms.CharField(label="Số quyết định chuyển sinh hoạt", max_length=60, required=False)

    def __init__(self, *args, user, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        profile = forms.fields_for_model(
            Member, fields=PROFILE, formfield_callback=_admin_formfield, apply_limit_choices_to=False
        )
        self.fields = {**profile, **self.fields}
        chi_bo = self.fields["chi_bo"]
        chi_bo.queryset = open_organisations(
            visible(Organisation.objects.filter(kind__in=MEMBER_HOLDING_KINDS), user)
        ).select_related(PARENTS)
        # The autocomplete of the event's chi bộ (this is the transfer-in event's organisation), of
        # those open today: the member arrives in today's tree.
        chi_bo.widget = OpenOrganisationSelect(MemberEvent._meta.get_field("organisation"), admin_site)
        chi_bo.widget.choices = chi_bo.choices

    def clean(self):
        data = super().clean()
        admitted, arrived = data.get("admitted_on"), data.get("arrived_on")
        if admitted and arrived and arrived < admitted:
            self.add_error(
                "arrived_on", f"Ngày chuyển đến {day_text(arrived)} trước ngày vào Đảng {day_text(admitted)}."
            )
        return data


def _admin_formfield(db_field, **kwargs):
    """A profile field as the admin's forms have it (a date with the admin's calendar)."""
    if isinstance(db_field, models.DateField):
        kwargs["widget"] = AdminDateWidget
    return db_field.formfield(**kwargs)


class ArrivalViewMixin:
    """Adds the one-step "admitted outside, transferred in" page to the member admin."""

    def get_urls(self):
        return [
            path(
                "chuyen-den/",
                self.admin_site.admin_view(self.arrival_view),
                name="members_member_arrival",
            ),
            *super().get_urls(),
        ]

    def arrival_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArrivalForm(request.POST or None, user=request.user, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            response = write_from_form(
                request,
                form,
                lambda: _record_arrival(data),
                success=lambda member: (
                    f"Đã thêm {member.full_name}: vào Đảng ngày {day_text(data['admitted_on'])} ngoài Đảng bộ "
                    f"Khối, chuyển đến {data['chi_bo'].name} ngày {day_text(data['arrived_on'])}."
                ),
                then=lambda member: reverse("admin:members_member_change", args=[member.pk]),
            )
            if response is not None:
                return response
        return TemplateResponse(
            request,
            "admin/members/member/arrival.html",
            {
                **self.admin_site.each_context(request),
                "title": "Thêm đảng viên chuyển đến",
                "adminform": helpers.AdminForm(form, FIELDSETS, {}),
                "errors": helpers.AdminErrorList(form, []),
                "media": self.media + form.media,
                "opts": self.model._meta,
            },
        )


def _record_arrival(data):
    """The member of an arrival form's cleaned `data`, with their story, in one transaction."""
    with transaction.atomic():
        member = member_create(**{name: data[name] for name in PROFILE})
        where = data["admitted_at"] or ADMITTED_OUTSIDE_UNKNOWN
        member_admit_outside(
            member=member,
            other_party=where,
            ceremony_date=data["ceremony_on"] or data["admitted_on"],
            decision_date=data["admitted_on"],
        )
        if data["recognised_on"]:
            member_recognise(member=member, decision_date=data["recognised_on"])
        member_transfer_in(
            member=member,
            to=data["chi_bo"],
            from_party=data["from_party"] or where,
            on=data["arrived_on"],
            decision_number=data["decision_number"],
        )
    return member
