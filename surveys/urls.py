from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("feedback/event/<int:event_id>/", views.attach_feedback, name="attach_feedback"),
    path("<slug:slug>/", views.take, name="take"),
    path("<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("<slug:slug>/preview/", views.preview, name="preview"),
    path("<slug:slug>/report/", views.report, name="report"),
    path("<slug:slug>/report.csv", views.report_csv, name="report_csv"),
    path("<slug:slug>/gaps/", views.gaps, name="gaps"),
]
