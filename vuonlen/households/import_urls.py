from django.urls import path

from . import import_views

app_name = "household_imports"
urlpatterns = [
    path("", import_views.import_start, name="start"),
    path("mau-ho-va-nhan-khau.xlsx", import_views.household_template, name="household_template"),
    path("mau-ket-qua-ra-soat.xlsx", import_views.review_template, name="review_template"),
    path("lan-nhap/<int:pk>/", import_views.import_job, name="job"),
    path("lan-nhap/<int:pk>/tien-do/", import_views.import_progress, name="progress"),
    path("lan-nhap/<int:pk>/thu-lai/", import_views.import_retry, name="retry"),
    path("lan-nhap/<int:pk>/bao-loi.xlsx", import_views.import_errors, name="errors"),
    path("xuat/", import_views.household_export, name="export"),
]
