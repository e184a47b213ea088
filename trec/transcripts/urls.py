"""The transcript lives under /me/transcript/ (trec.urls includes this module there)."""

from django.urls import path

from . import views

app_name = "transcripts"
urlpatterns = [
    path("", views.transcript, name="transcript"),
    path("transcript.csv", views.transcript_csv, name="csv"),
    path("transcript.pdf", views.transcript_pdf, name="pdf"),
    path("certificates/", views.certificate_create, name="certificate_create"),
]
