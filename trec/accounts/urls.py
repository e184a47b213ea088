from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.me, name="me"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("profile/", views.profile, name="profile"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
