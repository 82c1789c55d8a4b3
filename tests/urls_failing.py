"""The project's URLs plus a view that fails, for the tests of what a 500 leaves behind."""

from django.urls import path

from partyblock.urls import handler500  # noqa: F401  (handler500 is read here)
from partyblock.urls import urlpatterns as project_patterns


def failing_view(request):
    raise RuntimeError("the view broke")


urlpatterns = [path("hong/", failing_view), *project_patterns]
