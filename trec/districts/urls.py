from django.urls import path

from . import views

app_name = "districts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("educators/", views.educators, name="educators"),
    path("educators/<int:pk>/", views.educator, name="educator"),
    path(
        "educators/<int:pk>/transcript.<str:fmt>",
        views.educator_export,
        name="educator_export",
    ),
    path("share/", views.share, name="share"),
]
