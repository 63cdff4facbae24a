from django.urls import path

from . import pickers, views

app_name = "geo"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("goi-y/thon/", pickers.village_suggest, name="village_suggest"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:commune_pk>/them-thon/", views.village_create, name="village_create"),
    path("thon/<int:pk>/sua/", views.village_update, name="village_update"),
    path("thon/<int:pk>/xoa/", views.village_delete, name="village_delete"),
    path("nhap-thon/", views.village_import, name="village_import"),
    path("nhap-thon/mau.xlsx", views.village_import_template, name="village_import_template"),
    path("nhap-thon/bao-loi.xlsx", views.village_import_errors, name="village_import_errors"),
    path("chuyen-thon/", views.village_continuation, name="village_continuation"),
    path("chuyen-thon/mau.xlsx", views.village_continuation_template, name="village_continuation_template"),
    path("chuyen-thon/bao-loi.xlsx", views.village_continuation_errors, name="village_continuation_errors"),
]
