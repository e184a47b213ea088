from django.urls import path

from . import views
from .programs import urls as program_urls

app_name = "events"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("suggest", views.suggest, name="suggest"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/calendar.ics", views.calendar, name="calendar"),
    path("<slug:slug>/go/", views.go, name="go"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/cancel/", views.cancel, name="cancel"),
    path("<slug:slug>/save/", views.save, name="save"),
]
urlpatterns += program_urls.urlpatterns
