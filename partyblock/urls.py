from django.contrib import admin
from django.urls import include, path

from partyblock import home
from partyblock.reports import pipeline_page, views

report_patterns = [
    path("", views.index, name="index"),
    path("nhiem-ky/<str:label>/", views.term_report, name="term"),
    path("nam/<int:year>/", views.year_report, name="year"),
    path("co-cau/", views.composition_page, name="composition"),
    path("ket-nap/", pipeline_page.admission_board, name="admission_board"),
    path("chi-tiet/<slug:key>/", views.drilldown_view, name="drilldown"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("viec-can-lam/<slug:key>/", home.todo_list, name="todo"),
    path("tim-kiem/", home.search, name="search"),
    path("bao-cao/ket-nap/danh-sach/", home.candidate_list, name="candidate_list"),
    path("bao-cao/", include((report_patterns, "reports"))),
    path("to-chuc/<str:code>/", views.organisation_page, name="organisation"),
    path("quan-tri/", admin.site.urls),
]

handler500 = "partyblock.reports.views.server_error"
