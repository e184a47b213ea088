from django.urls import path

from . import views

app_name = "communities"
urlpatterns = [
    path("", views.community_list, name="list"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/apply/", views.apply, name="apply"),
    path("<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/roster/", views.roster, name="roster"),
    path("<slug:slug>/roster.csv", views.roster_csv, name="roster_csv"),
    path("<slug:slug>/roster/email/", views.cohort_email, name="email"),
    path("<slug:slug>/attendance/", views.attendance, name="attendance"),
    path("<slug:slug>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<slug:slug>/board/", views.board, name="board"),
    path("<slug:slug>/board/<int:pk>/", views.thread, name="thread"),
    path("<slug:slug>/board/posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("<slug:slug>/board/posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("<slug:slug>/board/posts/<int:pk>/hide/", views.post_hide, name="post_hide"),
]
