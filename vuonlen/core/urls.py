from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("nhat-ky/", views.audit_list, name="audit_list"),
    path("lich-su/<str:app_label>/<str:model>/<str:pk>/", views.record_history, name="history"),
]
