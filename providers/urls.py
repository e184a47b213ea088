from django.urls import path

from . import views

app_name = "providers"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("requests/<str:token>/", views.request_status, name="request_status"),
    path("requests/<str:token>/thanks/", views.request_thanks, name="request_thanks"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/request/", views.request_visit, name="request"),
]
