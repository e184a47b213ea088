from django.urls import path

from . import views

app_name = "follows"
urlpatterns = [
    path("", views.alerts, name="list"),
    path("save/", views.alert_save, name="save"),
    path("follow/", views.follow, name="follow"),
    path("<int:pk>/", views.alert_update, name="update"),
    path("<int:pk>/delete/", views.alert_delete, name="delete"),
]
