"""Public certificate verification: /certificates/<code>/ (trec.urls includes it)."""

from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("<str:code>/", views.certificate_verify, name="verify"),
    path("<str:code>/certificate.pdf", views.certificate_pdf, name="pdf"),
]
