from django.urls import path, re_path

from . import views
from .periods import SLUG_PATTERN

app_name = "impact"
urlpatterns = [
    path("", views.report, name="report"),
    path("<int:year>/", views.report_year, name="year"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/recompute/", views.recompute, name="recompute"),
    path("dashboard/status/<int:pk>.json", views.status, name="status"),
    re_path(rf"^{SLUG_PATTERN}\.csv$", views.export_csv, name="csv"),
    re_path(rf"^{SLUG_PATTERN}\.pdf$", views.export_pdf, name="pdf"),
]
