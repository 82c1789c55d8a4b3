"""The candidate screens: the list (filters by step, TCCS, stuck), the record with its steps in order
and what is missing next, one form per step. Every write goes through `admission.services`; the
admin site scopes lists and records by the access rule, and the CCCD is shown as the personal-data
rule says."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from members.models import PROFILE_FIELDS, Member
from members.queries import name_words, search_too_short
from partyblock.accounts.access import locked_member_fields, shown_value, visible
from partyblock.admin_tools import GrassrootsListFilter, NameSearchMixin, OpenOrganisationsMixin
from partyblock.audit.log import current_user
from partyblock.core.text import DAY_FORMAT, day_text
from units.models import MEMBER_HOLDING_KINDS, Organisation
from units.placing import PARENTS, placed

from . import services
from .models import NEXT_STEP_TEXT, STEP_DATE_FIELDS, Candidate, Status, Step, UnionBody

DAY = {"input_formats": [DAY_FORMAT, "%Y-%m-%d"], "help_text": "dd/mm/yyyy"}


class StepFilter(admin.SimpleListFilter):
    title = "bước đã đến"
    parameter_name = "buoc"

    def lookups(self, request, model_admin):
        return [(str(step.value), step.label) for step in Step]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            return queryset.filter(step=int(self.value()))
        except ValueError:
            return queryset.none()


class StuckFilter(admin.SimpleListFilter):
    """Open candidates past the day their next step was due (`due_on`)."""

    title = "tiến độ"
    parameter_name = "tien_do"

    def lookups(self, request, model_admin):
        return [("cham", "Quá hạn bước tiếp theo"), ("dung_han", "Còn trong hạn")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "cham":
            return queryset.filter(status=Status.OPEN, due_on__lt=today)
        if self.value() == "dung_han":
            return queryset.filter(status=Status.OPEN, due_on__gte=today)
        return queryset


class CandidateForm(forms.ModelForm):
    """The profile, the chi bộ and the identification day; checked by the service before saving."""

    class Meta:
        model = Candidate
        fields = [*PROFILE_FIELDS, "organisation", "identified_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "identified_on" in self.fields:
            self.fields["identified_on"].input_formats = DAY["input_formats"]

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.outcome = services.dry_run(self.write)
        except ValidationError as error:
            for message in error.messages:
                self.add_error(None, message)

    def write(self):
        data = {name: self.cleaned_data[name] for name in self.cleaned_data}
        if self.instance.pk is None:
            return services.candidate_identify(
                organisation=data.pop("organisation"),
                identified_on=data.pop("identified_on"),
                note=data.pop("note", ""),
                **data,
            )
        stored = Candidate.objects.get(pk=self.instance.pk)
        changes = {name: data[name] for name in self.changed_data if name in data and name != "identified_on"}
        return services.candidate_update(stored, **changes)


class CandidateAdmin(NameSearchMixin, OpenOrganisationsMixin, admin.ModelAdmin):
    form = CandidateForm
    list_display = ["name_column", "chi_bo_column", "step_column", "step_on", "due_column", "status"]
    list_filter = [StepFilter, GrassrootsListFilter, StuckFilter, "status"]
    search_fields = ["full_name"]  # replaced by the accent-insensitive search below
    search_help_text = "Tìm theo họ tên (có dấu hoặc không dấu)."
    ordering = ["sort_key", "birth_date", "pk"]
    list_select_related = [f"organisation__{PARENTS}"]
    list_per_page = 50
    actions = None
    fieldsets = [
        (None, {"fields": ["full_name", "gender", "birth_date", "national_id", "phone", "organisation"]}),
        (
            "Lý lịch",
            {
                "fields": [
                    "birthplace",
                    "hometown",
                    "ethnicity",
                    "religion",
                    "residence",
                    "occupation",
                    "position",
                    "education",
                    "professional_level",
                    "theory_level",
                    "note",
                ]
            },
        ),
        ("Các bước", {"fields": ["identified_on", "steps_table"]}),
    ]
    LOCKED_DISPLAY = {"national_id": "masked_national_id"}
    open_organisation_fields = ["organisation"]  # a candidate is trained by a chi bộ of today

    # --- form -----------------------------------------------------------------------------------
    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        locked = locked_member_fields(request.user)
        shown = []
        for name, options in fieldsets:
            fields = [self.LOCKED_DISPLAY.get(f, f) if f in locked else f for f in options["fields"]]
            if obj is None:
                fields = [f for f in fields if f != "steps_table"]
            shown.append((name, {**options, "fields": fields}))
        return shown

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            "steps_table",
            *(self.LOCKED_DISPLAY.get(f, f) for f in locked_member_fields(request.user)),
        ]
        if obj is not None:
            readonly.append("identified_on")  # a step: corrected through its own form
            if not obj.is_open:
                readonly += [*PROFILE_FIELDS, "organisation", "note"]
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            # open today (`open_organisation_fields`), or the one an open candidacy already has
            kwargs["queryset"] = Organisation.objects.filter(kind__in=MEMBER_HOLDING_KINDS).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        outcome = form.write()
        obj.__dict__.update(outcome.candidate.__dict__)
        for warning in outcome.warnings:
            messages.warning(request, warning)

    def has_delete_permission(self, request, obj=None):
        return False  # a candidacy ends as admitted, withdrawn or not admitted; the record stays

    def get_search_results(self, request, queryset, search_term):
        """The member list's rule for names (`members.queries.name_words`)."""
        if not search_term.strip():
            return queryset, False
        if search_too_short(search_term):
            return queryset.none(), False
        return queryset.filter(name_words(search_term, "search_name")), False

    # --- columns --------------------------------------------------------------------------------
    @admin.display(description="họ và tên", ordering="sort_key")
    def name_column(self, obj):
        return obj.full_name

    @admin.display(description="chi bộ bồi dưỡng")
    def chi_bo_column(self, obj):
        return placed(obj.organisation)

    @admin.display(description="bước đã đến", ordering="step")
    def step_column(self, obj):
        return obj.get_step_display()

    @admin.display(description="hạn bước tiếp theo", ordering="due_on")
    def due_column(self, obj):
        if obj.due_on is None:
            return "—"
        if obj.due_on < timezone.localdate():
            return format_html('<span class="status-ended">{} (quá hạn)</span>', day_text(obj.due_on))
        return day_text(obj.due_on)

    @admin.display(description="số CCCD")
    def masked_national_id(self, obj):
        user = current_user()
        return shown_value(user, Candidate, "national_id", obj.national_id) or "" if obj and user else ""

    @admin.display(description="các bước")
    def steps_table(self, obj):
        """The steps in order: done (date and documents), the next one (with its form), the rest."""
        if obj is None or obj.pk is None:
            return ""
        user = current_user()
        may_change = user is not None and user.has_perm("admission.change_candidate")
        following = obj.next_step()
        rows = []
        for step in obj.steps():
            day = obj.step_date(step)
            if day is not None:
                state = day_text(day)
            elif step == following:
                state = "Tiếp theo: " + NEXT_STEP_TEXT[obj.step]
            else:
                state = "—"
            link = ""
            if (
                may_change
                and obj.is_open
                and (day is not None or step == following)
                and step != Step.IDENTIFIED
            ):
                url = reverse("admin:admission_candidate_step", args=[obj.pk, int(step)])
                link = format_html('<a href="{}">{}</a>', url, "Sửa" if day is not None else "Ghi bước này")
            rows.append((step.label, state, _documents(obj, step), link))
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        closing = ""
        if obj.is_open and may_change:
            url = reverse("admin:admission_candidate_close", args=[obj.pk])
            closing = format_html('<p><a href="{}">Thôi xem xét / không kết nạp…</a></p>', url)
        elif not obj.is_open:
            closing = format_html(
                "<p>{} ngày {}{}</p>",
                obj.get_status_display(),
                day_text(obj.closed_on, "?"),
                f": {obj.closing_reason}" if obj.closing_reason else "",
            )
        if obj.member_id:
            url = reverse("admin:members_member_change", args=[obj.member_id])
            closing = format_html('{}<p><a href="{}">Hồ sơ đảng viên</a></p>', closing, url)
        return format_html(
            '<table class="candidate-steps"><thead><tr><th>Bước</th><th>Ngày</th><th>Văn bản</th><th></th>'
            "</tr></thead><tbody>{}</tbody></table>{}",
            body,
            closing,
        )

    # --- step forms -----------------------------------------------------------------------------
    def get_urls(self):
        return [
            path(
                "<int:object_id>/buoc/<int:step>/",
                self.admin_site.admin_view(self.step_view),
                name="admission_candidate_step",
            ),
            path(
                "<int:object_id>/ket-thuc/",
                self.admin_site.admin_view(self.close_view),
                name="admission_candidate_close",
            ),
            *super().get_urls(),
        ]

    def _candidate(self, request, object_id):
        candidate = self.get_object(request, str(object_id))
        if candidate is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, candidate):
            raise PermissionDenied
        return candidate

    def step_view(self, request, object_id, step):
        candidate = self._candidate(request, object_id)
        if step not in STEP_FORMS or (step == Step.RESOLUTION and not candidate.needs_resolution):
            raise PermissionDenied
        step = Step(step)
        form = STEP_FORMS[step](request.POST or None, candidate=candidate, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                outcome = services.STEP_RECORDERS[step](candidate, **form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                for warning in outcome.warnings:
                    messages.warning(request, warning)
                messages.success(request, f"Đã ghi bước “{step.label}” của {candidate.full_name}.")
                return redirect(reverse("admin:admission_candidate_change", args=[candidate.pk]))
        return self._form_page(request, candidate, form, step.label)

    def close_view(self, request, object_id):
        candidate = self._candidate(request, object_id)
        form = CloseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.candidate_close(candidate, **form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"Đã kết thúc xem xét hồ sơ {candidate.full_name}.")
                return redirect(reverse("admin:admission_candidate_change", args=[candidate.pk]))
        return self._form_page(request, candidate, form, "Kết thúc xem xét")

    def _form_page(self, request, candidate, form, title):
        return TemplateResponse(
            request,
            "admin/admission/candidate/step.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{title}: {candidate.full_name}",
                "form": form,
                "candidate": candidate,
                "opts": self.opts,
                "original": candidate,
                "change_url": reverse("admin:admission_candidate_change", args=[candidate.pk]),
            },
        )


def _documents(candidate, step):
    """The documents of a recorded step, as one line."""
    if candidate.step_date(step) is None:
        return ""
    if step == Step.COURSE:
        return f"Giấy chứng nhận số {candidate.course_certificate_number}, {candidate.course_issuer}"
    if step == Step.RESUME:
        return candidate.resume_document
    if step == Step.SPONSORED:
        return candidate.sponsors_text()
    if step == Step.CHI_BO_VOTE:
        return (
            f"{candidate.vote_for} tán thành, {candidate.vote_against} không tán thành; có mặt "
            f"{candidate.vote_present}/{candidate.vote_total} đảng viên chính thức"
        )
    if step == Step.RESOLUTION:
        return (
            f"Nghị quyết số {candidate.resolution_number}: {candidate.resolution_for}/{candidate.resolution_total} "
            "cấp ủy viên tán thành"
        )
    if step == Step.DECISION:
        return f"Quyết định số {candidate.decision_number} của {candidate.decision_body}"
    if step == Step.ADMITTED and candidate.member_id:
        return "Đã ghi vào hồ sơ đảng viên (đảng viên dự bị từ ngày lễ kết nạp)"
    return ""


# --- one form per step: fields named as the service's keyword arguments ---------------------------
class StepForm(forms.Form):
    def __init__(self, *args, candidate, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        self.user = user
        if not self.is_bound:
            self.initial.update(self.stored())

    def stored(self):
        return {}


def _day(label, required=True):
    return forms.DateField(label=label, required=required, **DAY)


class CourseForm(StepForm):
    certificate_on = _day("ngày cấp giấy chứng nhận")
    certificate_number = forms.CharField(label="số giấy chứng nhận", max_length=60)
    issuer = forms.CharField(label="nơi cấp", max_length=255)

    def stored(self):
        c = self.candidate
        return {
            "certificate_on": c.course_certificate_on,
            "certificate_number": c.course_certificate_number,
            "issuer": c.course_issuer,
        }


class ResumeForm(StepForm):
    verified_on = _day("ngày kết luận thẩm tra lý lịch")
    document = forms.CharField(label="văn bản kết luận thẩm tra", max_length=120, required=False)

    def stored(self):
        return {"verified_on": self.candidate.resume_verified_on, "document": self.candidate.resume_document}


class SponsorsForm(StepForm):
    sponsored_on = _day("ngày giới thiệu")
    sponsor_1 = forms.ModelChoiceField(label="đảng viên giới thiệu thứ nhất", queryset=Member.objects.none())
    sponsor_1_since = _day("cùng công tác với người thứ nhất từ ngày")
    sponsor_2 = forms.ModelChoiceField(
        label="đảng viên giới thiệu thứ hai", queryset=Member.objects.none(), required=False
    )
    sponsor_2_since = _day("cùng công tác với người thứ hai từ ngày", required=False)
    union_body = forms.ChoiceField(
        label="hoặc tổ chức giới thiệu (thay người thứ hai)",
        choices=[("", "—"), *UnionBody.choices],
        required=False,
    )
    union_document = forms.CharField(label="số, ngày nghị quyết giới thiệu", max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Members of the candidate's TCCS (at any time), as the user may see them.
        tccs = Organisation.objects.filter(pk=self.candidate.organisation.grassroots_id).first()
        members = Member.objects.filter(periods__organisation__path__startswith=tccs.path).distinct()
        members = visible(members, self.user).order_by("sort_key", "pk")
        self.fields["sponsor_1"].queryset = members
        self.fields["sponsor_2"].queryset = members

    def stored(self):
        c = self.candidate
        return {
            "sponsored_on": c.sponsored_on,
            "sponsor_1": c.sponsor_1_id,
            "sponsor_1_since": c.sponsor_1_since,
            "sponsor_2": c.sponsor_2_id,
            "sponsor_2_since": c.sponsor_2_since,
            "union_body": c.union_body,
            "union_document": c.union_document,
        }


class VoteForm(StepForm):
    voted_on = _day("ngày chi bộ xét kết nạp")
    total = forms.IntegerField(label="tổng số đảng viên chính thức của chi bộ", min_value=0, max_value=999)
    present = forms.IntegerField(label="số đảng viên chính thức có mặt", min_value=0, max_value=999)
    votes_for = forms.IntegerField(label="số tán thành", min_value=0, max_value=999)
    votes_against = forms.IntegerField(label="số không tán thành", min_value=0, max_value=999)

    def stored(self):
        c = self.candidate
        return {
            "voted_on": c.vote_on,
            "total": c.vote_total,
            "present": c.vote_present,
            "votes_for": c.vote_for,
            "votes_against": c.vote_against,
        }


class ResolutionForm(StepForm):
    resolved_on = _day("ngày nghị quyết của đảng ủy cơ sở")
    number = forms.CharField(label="số nghị quyết", max_length=60)
    members_total = forms.IntegerField(label="tổng số cấp ủy viên", min_value=1, max_value=99)
    votes_for = forms.IntegerField(label="số cấp ủy viên tán thành", min_value=0, max_value=99)

    def stored(self):
        c = self.candidate
        return {
            "resolved_on": c.resolution_on,
            "number": c.resolution_number,
            "members_total": c.resolution_total,
            "votes_for": c.resolution_for,
        }


class DecisionForm(StepForm):
    decided_on = _day("ngày quyết định kết nạp")
    number = forms.CharField(label="số quyết định", max_length=60)
    body = forms.CharField(label="cấp ủy ra quyết định", max_length=255, initial="Ban Thường vụ Đảng ủy Khối")

    def stored(self):
        c = self.candidate
        values = {"decided_on": c.decision_on, "number": c.decision_number, "body": c.decision_body}
        return {k: v for k, v in values.items() if v}


class CeremonyForm(StepForm):
    ceremony_on = _day("ngày lễ kết nạp")


STEP_FORMS = {
    Step.COURSE: CourseForm,
    Step.RESUME: ResumeForm,
    Step.SPONSORED: SponsorsForm,
    Step.CHI_BO_VOTE: VoteForm,
    Step.RESOLUTION: ResolutionForm,
    Step.DECISION: DecisionForm,
    Step.ADMITTED: CeremonyForm,
}
assert set(STEP_FORMS) == set(STEP_DATE_FIELDS) - {Step.IDENTIFIED}


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label="kết thúc",
        choices=[
            (Status.WITHDRAWN.value, Status.WITHDRAWN.label),
            (Status.REJECTED.value, Status.REJECTED.label),
        ],
    )
    on = forms.DateField(label="ngày", initial=timezone.localdate, **DAY)
    reason = forms.CharField(label="lý do", max_length=255)


admin.site.register(Candidate, CandidateAdmin)
