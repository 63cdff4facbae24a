"""Targets, evaluation, entered figures and the catalogue, under /chi-tieu/."""

from django.urls import path

from . import views_phase
from . import views_targets as views

urlpatterns = [
    path("giao-chi-tieu/", views.target_grid, name="targets"),
    path("giao-chi-tieu/xuat/", views.target_export, name="targets_export"),
    path("giao-chi-tieu/nhap/", views.target_import, name="targets_import"),
    path("giao-chi-tieu/nhap/bao-loi/", views.target_import_errors, name="targets_import_errors"),
    path("danh-gia/", views.evaluation_page, name="evaluation"),
    path("danh-gia/xuat/", views.evaluation_export, name="evaluation_export"),
    path("cham-tien-do/", views.behind_page, name="behind"),
    path("cham-tien-do/xuat/", views.behind_export, name="behind_export"),
    path("so-lieu-nhap/", views.entries_page, name="entries"),
    path("danh-muc/", views.catalogue, name="catalogue"),
    path("danh-muc/them/", views.indicator_create, name="indicator_create"),
    path("danh-muc/<int:pk>/su-dung/", views.indicator_active, name="indicator_active"),
    path("danh-muc/giai-doan/<int:pk>/", views.phase_indicators, name="phase_indicators"),
    path("tong-ket/", views_phase.final_review_page, name="final_review"),
    path("tong-ket/xuat/", views_phase.final_review_export, name="final_review_export"),
    path("tong-ket/word/", views_phase.final_review_word, name="final_review_word"),
    path("giai-doan/", views_phase.phase_sets, name="phase_sets"),
    path("giai-doan/<int:pk>/", views_phase.phase_set, name="phase_set"),
    path("giai-doan/<int:pk>/chep/", views_phase.phase_set_copy, name="phase_set_copy"),
    path("giai-doan/<int:pk>/them-chi-tieu/", views_phase.phase_indicator_add, name="phase_indicator_add"),
]
