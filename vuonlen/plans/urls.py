from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("danh-sach/", views.plan_list, name="list"),
    path("ho-cua-toi/", views.mine, name="mine"),
    path("ho/<int:household>/<int:year>/", views.household_plan, name="household_plan"),
    path("to-chuc/", views.organisations, name="organisations"),
    path("to-chuc/<int:pk>/", views.organisation, name="organisation"),
    path("to-chuc/<int:pk>/them-ho/", views.organisation_add, name="organisation_add"),
    path("to-chuc/<int:pk>/nhap/", views.organisation_import, name="organisation_import"),
    path("to-chuc/<int:pk>/bo/<int:link>/", views.organisation_remove, name="organisation_remove"),
    path("to-chuc/<int:pk>/muc-tieu/", views.organisation_goal, name="organisation_goal"),
    path("to-chuc/<int:pk>/ket-qua/", views.organisation_result, name="organisation_result"),
]
