from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Đảng bộ Khối các cơ quan tỉnh"
admin.site.site_title = "partyblock"
admin.site.index_title = "Quản lý hồ sơ đảng viên và tổ chức đảng"
admin.site.enable_nav_sidebar = False  # wide changelists matter more than a second menu

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("quan-tri/", admin.site.urls),
]
