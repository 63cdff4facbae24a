from django.urls import path

from . import views_dashboard

urlpatterns = [
    path("", views_dashboard.home, name="home"),
    path("bang-dieu-khien/<int:pk>/", views_dashboard.dashboard, name="dashboard"),
    path("bang-dieu-khien/<int:pk>/ho/", views_dashboard.households, name="dashboard_households"),
]
