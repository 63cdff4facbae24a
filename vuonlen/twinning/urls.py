from django.urls import path

from . import views

app_name = "twinning"
urlpatterns = [
    path("", views.index, name="index"),
    path("cap/", views.pair_list, name="pair_list"),
    path("cap/them/", views.pair_create, name="pair_create"),
    path("cap/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("cap/<int:pk>/sua/", views.pair_update, name="pair_update"),
    path("hoat-dong/<int:pk>/sua/", views.activity_update, name="activity_update"),
    path("cap/<int:pk>/them-tep/", views.pair_attach, name="pair_attach"),
    path("cap/<int:pk>/hoat-dong/them/", views.activity_create, name="activity_create"),
    path("cap/<int:pk>/danh-gia/<int:year>/", views.evaluation_record, name="evaluation_record"),
    path("tep/<int:pk>/", views.agreement_file, name="agreement_file"),
    path("xep-hang/", views.ranking, name="ranking"),
]
