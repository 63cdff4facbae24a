from django.urls import path

from . import app_views, views

app_name = "campaign"
urlpatterns = [
    path("", views.index, name="index"),
    path("ho-toi-phu-trach/", views.my_households, name="my_households"),
    path("ho/", views.household_list, name="household_list"),
    path("ho/<int:pk>/", views.household_page, name="household"),
    path("ho/<int:pk>/tham-ho/", views.visit_create, name="visit_create"),
    path("ho/<int:pk>/danh-gia/", views.assessment_create, name="assessment_create"),
    path("danh-gia/<int:pk>/sua/", views.assessment_update, name="assessment_update"),
    path("tham-ho/<int:pk>/anh/", views.visit_photo, name="visit_photo"),
    path("phan-cong/", views.assign, name="assign"),
    path("phan-cong/<int:pk>/ket-thuc/", views.assignment_end, name="assignment_end"),
    path("nhom-ho/moi/", views.group_create, name="group_create"),
    path("nguoi-phu-trach/<int:pk>/", views.mentor_detail, name="mentor"),
    path("nhap-danh-gia/", views.assessment_import, name="assessment_import"),
    path("nhap-danh-gia/mau.xlsx", views.assessment_import_template, name="assessment_import_template"),
    path("nhap-danh-gia/bao-loi.xlsx", views.assessment_import_errors, name="assessment_import_errors"),
    path("giai-doan/", views.phases, name="phases"),
    # The offline app for mentors: the service worker's scope is ung-dung/.
    path("ung-dung/", app_views.shell, name="app"),
    path("ung-dung/sw.js", app_views.service_worker, name="app_sw"),
    path("ung-dung/manifest.webmanifest", app_views.manifest, name="app_manifest"),
    path("ung-dung/du-lieu/", app_views.data, name="app_data"),
    path("ung-dung/gui/", app_views.sync, name="app_sync"),
]
