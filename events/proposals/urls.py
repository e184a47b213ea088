"""Routes of calls for proposals, mounted at /calls/ (app namespace "proposals")."""

from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.calls, name="calls"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", views.edit, name="edit"),
    path("proposals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("proposals/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.call_detail, name="call"),
    path("<slug:slug>/propose/", views.submit, name="submit"),
    path("<slug:slug>/review/", views.review_list, name="review_list"),
    path("<slug:slug>/review/<int:pk>/", views.review, name="review"),
    path("<slug:slug>/review/<int:pk>/conflict/", views.conflict, name="conflict"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/manage/decide/", views.decide, name="decide"),
    path("<slug:slug>/manage/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<slug:slug>/manage/credits/", views.credits, name="credits"),
]
