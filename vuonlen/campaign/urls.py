from django.urls import path

from . import views

app_name = "campaign"
urlpatterns = [
    path("", views.index, name="index"),
    path("ho-toi-phu-trach/", views.my_households, name="my_households"),
    path("ho/<int:pk>/", views.household_page, name="household"),
    path("ho/<int:pk>/tham-ho/", views.visit_create, name="visit_create"),
]
