"""Admin screens of the import: the upload page ("Nhập dữ liệu"), the preview with its Confirm
button, the read-only history and the template downloads. (The export link of the other admin
lists is `exporting.ExportXlsxMixin`.)"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.forms.models import ModelChoiceIterator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from partyblock.accounts.access import default_report_organisation, visible
from partyblock.admin_tools import year_choices
from partyblock.core.text import text_sort_key
from partyblock.importing.models import ImportBatch, ImportKind, ImportStatus
from units.models import GRASSROOTS_KINDS, Organisation

from .batches import ImportRefused, Preview, commit, prepare, size_label, too_large_message
from .kinds import KINDS
from .scope import can_import, masked_report, refusal, report_readable
from .templates import template_response

# What a kind needs on the upload form, shown beside its template link.
KIND_NOTES = {
    ImportKind.ORGANISATIONS: "Khớp theo mã; “Trực thuộc” ghi mã hoặc tên tổ chức cấp trên (để trống: trực thuộc Đảng bộ Khối).",
    ImportKind.MEMBERS: "Chọn tổ chức cơ sở đảng (nếu tệp không có cột “Đảng bộ cơ sở”). Khớp theo số thẻ, số CCCD, hoặc họ tên và ngày sinh.",
    ImportKind.MEMBER_RATINGS: "Chọn năm (nếu tệp không có cột “Năm”); chỉ xếp loại đảng viên thuộc diện xếp loại năm đó.",
    ImportKind.ORGANISATION_RATINGS: "Chọn năm (nếu tệp không có cột “Năm”); tổ chức ghi theo mã hoặc tên.",
    ImportKind.EVENTS: "Mỗi dòng một sự kiện của một đảng viên đã có (kết nạp, chính thức, chuyển sinh hoạt, xóa tên, từ trần…).",
    ImportKind.CANDIDATES: "Chọn tổ chức cơ sở đảng. Mỗi dòng một quần chúng; các bước ghi theo ngày, lần lượt qua các bước kết nạp.",
}


class _VietnameseOrder(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for organisation in sorted(self.queryset, key=lambda o: (text_sort_key(o.name), o.code)):
            yield self.choice(organisation)


class CodedOrganisationField(forms.ModelChoiceField):
    """A TCCS named with its code: two TCCS may share a name (an office's sheet of an organisation
    the Khối already has under that name), and the file goes to exactly the one chosen. Offered in
    Vietnamese order of their names (the database's collation may order bytes)."""

    iterator = _VietnameseOrder

    def label_from_instance(self, organisation):
        return f"{organisation.name} ({organisation.code})"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices, label="Loại dữ liệu")
    organisation = CodedOrganisationField(
        queryset=Organisation.objects.filter(kind__in=GRASSROOTS_KINDS),
        required=False,
        label="Tổ chức cơ sở đảng",
        empty_label="— Toàn Đảng bộ Khối —",
        help_text=(
            "Tệp của một tổ chức cơ sở đảng: chọn tổ chức đó. Bắt buộc với danh sách đảng viên "
            "không có cột “Đảng bộ cơ sở”."
        ),
    )
    year = forms.TypedChoiceField(
        choices=lambda: [("", "—"), *year_choices()],
        coerce=int,
        empty_value=None,
        required=False,
        label="Năm xếp loại",
        help_text="Cho tệp xếp loại không có cột “Năm”.",
    )
    file = forms.FileField(label="Tệp Excel (.xlsx) hoặc CSV (UTF-8)")
    sheet = forms.CharField(
        required=False, max_length=31, label="Trang tính", help_text="Để trống: trang tính đầu tiên."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(too_large_message(limit))
        return upload


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """The import history: read-only; each row opens its report (and, while previewed, Confirm)."""

    list_display = [
        "created_at",
        "kind",
        "file_name",
        "organisation",
        "year",
        "user",
        "status_column",
        "counts",
        "report_link",
    ]
    list_display_links = None
    list_filter = ["kind", "status"]
    list_select_related = ["organisation", "user"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "created_at"
    change_list_template = "admin/importing/importbatch/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("plan", "report", "fingerprint")

    @admin.display(description="kết quả", ordering="status")
    def status_column(self, batch):
        return format_html(
            '<span class="import-status import-{}">{}</span>', batch.status, batch.get_status_display()
        )

    @admin.display(description="số dòng")
    def counts(self, batch):
        return (
            f"{batch.row_count} dòng: {batch.created_count} mới, {batch.updated_count} cập nhật, "
            f"{batch.unchanged_count} không đổi, {batch.error_count} lỗi"
        )

    @admin.display(description="")
    def report_link(self, batch):
        url = reverse("admin:importing_importbatch_preview", args=[batch.pk])
        return format_html('<a href="{}">{}</a>', url, "Xem chi tiết")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the history stays; records keep pointing at their batch

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not (object_id.isascii() and object_id.isdigit()):
            raise Http404("Không có lần nhập này.")
        return redirect("admin:importing_importbatch_preview", object_id)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("nhap/", wrap(self.upload_view), name="importing_importbatch_upload"),
            path("<int:pk>/xem-truoc/", wrap(self.preview_view), name="importing_importbatch_preview"),
            path("mau/<str:kind>/", wrap(self.template_view), name="importing_importbatch_template"),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **extra}

    def upload_view(self, request):
        if not can_import(request.user):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        # Grassroots staff import only for their own TCCS: it is their only choice, and required.
        form.fields["organisation"].queryset = visible(form.fields["organisation"].queryset, request.user)
        own = default_report_organisation(request.user)
        if own is not None:
            form.fields["organisation"].required = True
            form.fields["organisation"].empty_label = None
        # Only the kinds the user may import (for their own TCCS, or the whole Khối): the same rule
        # that refuses an upload, so no one learns it only after sending a file.
        offered = [
            (kind, label) for kind, label in ImportKind.choices if not refusal(request.user, kind, own)
        ]
        form.fields["kind"].choices = offered
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if refusal(request.user, data["kind"], data["organisation"]):
                raise PermissionDenied
            upload = data["file"]
            preview = prepare(
                data["kind"],
                upload,
                organisation=data["organisation"],
                year=data["year"],
                user=request.user,
                file_name=upload.name,
                sheet=data["sheet"] or None,
            )
            return redirect("admin:importing_importbatch_preview", preview.batch.pk)
        kinds = [
            {
                "key": kind,
                "label": label,
                "note": KIND_NOTES[kind],
                "headers": [c.header for c in KINDS[kind].columns() if c.key != "stt"],
                "required": [c.header for c in KINDS[kind].columns() if c.required],
            }
            for kind, label in offered
        ]
        context = self._context(
            request,
            "Nhập dữ liệu",
            form=form,
            kinds=kinds,
            max_size=size_label(settings.IMPORT_MAX_BYTES),
        )
        return TemplateResponse(request, "admin/importing/upload.html", context)

    def preview_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The user's scope: grassroots staff see only their own TCCS's imports (404 for others).
        batch = get_object_or_404(self.get_queryset(request).select_related("organisation", "user"), pk=pk)
        if not report_readable(batch, request.user):
            raise Http404
        if request.method == "POST":
            if not can_import(request.user, batch.kind):
                raise PermissionDenied
            try:
                batch = commit(batch, user=request.user)
            except ImportRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(
                    request,
                    f"Đã ghi {batch.created_count} bản ghi mới và cập nhật {batch.updated_count} "
                    f"từ tệp {batch.file_name}.",
                )
            return redirect("admin:importing_importbatch_preview", batch.pk)
        batch.report = masked_report(batch.report, request.user)
        preview = Preview(batch)
        context = self._context(
            request,
            f"{'Xem trước' if batch.status in (ImportStatus.PREVIEWED, ImportStatus.INVALID) else 'Kết quả nhập'}: "
            f"{batch.file_name}",
            batch=batch,
            preview=preview,
            more_creates=max(batch.created_count - len(preview.creates), 0),
            more_updates=max(batch.updated_count - len(preview.updates), 0),
            can_confirm=preview.can_commit and can_import(request.user, batch.kind),
            committed=batch.status == ImportStatus.COMMITTED,
        )
        return TemplateResponse(request, "admin/importing/preview.html", context)

    def template_view(self, request, kind):
        if kind not in KINDS:
            raise Http404
        return template_response(kind)
