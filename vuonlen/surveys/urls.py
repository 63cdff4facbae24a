from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("them/", views.survey_create, name="create"),
    path("nhap/", views.survey_import, name="import"),
    path("nhap/mau.xlsx", views.import_template, name="import_template"),
    path("tong-hop/", views.summary, name="summary"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/sua/", views.survey_edit, name="edit"),
    path("<int:pk>/them-tep/", views.survey_attach, name="attach"),
    path("tep/<int:pk>/", views.survey_file, name="file"),
]
