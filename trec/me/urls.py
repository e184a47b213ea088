from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.me, name="me"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("profile/", views.profile, name="profile"),
    path("data/", views.my_data, name="my_data"),
    path("data/my-data.json", views.my_data_json, name="my_data_json"),
    path("data/my-data.csv", views.my_data_csv, name="my_data_csv"),
    path("delete/", views.delete_account, name="delete_account"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
