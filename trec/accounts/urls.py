from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.me, name="me"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("profile/", views.profile, name="profile"),
]
