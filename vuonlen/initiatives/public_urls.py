"""The public showcase: no login, no personal data."""

from django.urls import path

from . import public_views

app_name = "showcase"
urlpatterns = [
    path("", public_views.showcase, name="index"),
    path("anh/<int:pk>/", public_views.photo, name="photo"),
    path("guong-dien-hinh/<int:pk>/anh/", public_views.story_photo, name="story_photo"),
]
