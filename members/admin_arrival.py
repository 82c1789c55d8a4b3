""" "Thêm đảng viên chuyển đến": a member admitted outside the Khối on one day and transferred into
one of its chi bộ on another, recorded in one step (DOMAIN.md §2 "History older than the Khối").
The profile, the admission outside, the recognition and the transfer in go through the member
services in one transaction: all of them, or, when any is refused, nothing."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path, reverse

from partyblock.accounts.access import visible
from partyblock.admin_tools import write_from_form
from partyblock.core.text import DAY_FORMAT, day_text
from units.models import MEMBER_HOLDING_KINDS, Organisation

from .lifecycle import ADMITTED_OUTSIDE_UNKNOWN
from .models import Gender
from .services import member_admit_outside, member_create, member_recognise, member_transfer_in

DAY = {"input_formats": [DAY_FORMAT], "help_text": "dd/mm/yyyy"}


class ArrivalForm(forms.Form):
    full_name = forms.CharField(label="họ và tên", max_length=120)
    gender = forms.ChoiceField(label="giới tính", choices=Gender.choices)
    birth_date = forms.DateField(label="ngày sinh", **DAY)
    national_id = forms.CharField(label="số CCCD", max_length=12, required=False)
    so_ly_lich = forms.CharField(label="số lý lịch đảng viên", max_length=30, required=False)
    admitted_on = forms.DateField(label="ngày vào Đảng (ngày quyết định kết nạp)", **DAY)
    ceremony_on = forms.DateField(
        label="ngày lễ kết nạp",
        required=False,
        input_formats=[DAY_FORMAT],
        help_text="Để trống nếu không rõ.",
    )
    admitted_at = forms.CharField(
        label="nơi kết nạp", max_length=255, required=False, help_text="Để trống nếu không rõ."
    )
    recognised_on = forms.DateField(
        label="ngày quyết định công nhận chính thức",
        required=False,
        input_formats=[DAY_FORMAT],
        help_text="Để trống nếu còn dự bị.",
    )
    chi_bo = forms.ModelChoiceField(label="chuyển đến chi bộ", queryset=Organisation.objects.none())
    arrived_on = forms.DateField(label="ngày chuyển đến", **DAY)
    from_party = forms.CharField(label="chuyển từ tổ chức đảng", max_length=255, required=False)
    decision_number = forms.CharField(label="số quyết định chuyển sinh hoạt", max_length=60, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chi_bo"].queryset = visible(
            Organisation.objects.filter(kind__in=MEMBER_HOLDING_KINDS, dissolved_on__isnull=True), user
        )

    def clean(self):
        data = super().clean()
        admitted, arrived = data.get("admitted_on"), data.get("arrived_on")
        if admitted and arrived and arrived < admitted:
            self.add_error(
                "arrived_on", f"Ngày chuyển đến {day_text(arrived)} trước ngày vào Đảng {day_text(admitted)}."
            )
        return data


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
        form = ArrivalForm(request.POST or None, user=request.user)
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
                "form": form,
                "opts": self.model._meta,
            },
        )


def _record_arrival(data):
    """The member of an arrival form's cleaned `data`, with their story, in one transaction."""
    with transaction.atomic():
        member = member_create(
            full_name=data["full_name"],
            gender=data["gender"],
            birth_date=data["birth_date"],
            national_id=data["national_id"] or None,
            so_ly_lich=data["so_ly_lich"] or None,
        )
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
