"""The "Xuất Excel (theo mẫu nhập)" link of the member, organisation and rating admin lists."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse

from .templates import export_response


class ExportXlsxMixin:
    """Adds "xuat-excel/" to an admin: the changelist as filtered now, in the import template's
    columns (`export_kind`), so the file can be edited and imported back."""

    export_kind = None

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "xuat-excel/",
                self.admin_site.admin_view(self.export_view),
                name=f"{info[0]}_{info[1]}_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:  # as the list itself answers a filter it cannot use
            info = self.model._meta.app_label, self.model._meta.model_name
            return HttpResponseRedirect(reverse(f"admin:{info[0]}_{info[1]}_changelist") + f"?{ERROR_FLAG}=1")
        return export_response(self.export_kind, changelist.get_queryset(request), user=request.user)

    def changelist_view(self, request, extra_context=None):
        info = self.model._meta.app_label, self.model._meta.model_name
        query = request.GET.urlencode()
        url = reverse(f"admin:{info[0]}_{info[1]}_export") + (f"?{query}" if query else "")
        return super().changelist_view(request, {**(extra_context or {}), "export_url": url})
