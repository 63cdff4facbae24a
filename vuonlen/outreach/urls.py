from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("them/", views.activity_create, name="create"),
    path("chi-tieu-1/", views.indicator1, name="indicator1"),
    path("<int:pk>/", views.activity_detail, name="detail"),
]
