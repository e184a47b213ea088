"""Routes of program pages, included by events.urls (app namespace "events")."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("<slug:slug>/schedule/choose/", views.schedule_choose, name="schedule_choose"),
    path("<slug:slug>/schedule/drop/", views.schedule_drop, name="schedule_drop"),
    path("<slug:slug>/my-schedule/", views.my_schedule, name="my_schedule"),
    path(
        "<slug:slug>/my-schedule/calendar.ics",
        views.my_schedule_calendar,
        name="my_schedule_calendar",
    ),
    path("<slug:slug>/check-in/", views.check_in, name="check_in"),
    path("<slug:slug>/check-in/<int:registration_id>/", views.check_in_mark, name="check_in_mark"),
    path("<slug:slug>/check-in/scan/", views.check_in_scan, name="check_in_scan"),
    path("<slug:slug>/check-in/code/<str:token>/", views.check_in_token, name="check_in_token"),
    path(
        "<slug:slug>/check-in/sessions/<int:session_id>/",
        views.session_attendance,
        name="session_attendance",
    ),
]
