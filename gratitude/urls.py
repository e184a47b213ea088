from django.urls import path

from . import views

app_name = "gratitude"
urlpatterns = [
    path("", views.walls, name="walls"),
    path("<slug:slug>/", views.wall, name="wall"),
    path("<slug:slug>/post/", views.post, name="post"),
    path("<slug:slug>/print/", views.print_wall, name="print"),
    path("<slug:slug>/wall.pdf", views.pdf, name="pdf"),
    path("<slug:slug>/p/<int:pk>/", views.post_detail, name="post_detail"),
    path("<slug:slug>/p/<int:pk>/heart/", views.heart, name="heart"),
    path("<slug:slug>/moderate/", views.moderate, name="moderate"),
    path("<slug:slug>/moderate/<int:pk>/", views.moderate_edit, name="moderate_edit"),
]
