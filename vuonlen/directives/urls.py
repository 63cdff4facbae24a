from django.urls import path

from . import views

app_name = "directives"
urlpatterns = [
    path("", views.index, name="index"),
    path("nhiem-vu-cua-toi/", views.my_tasks, name="my_tasks"),
    path("van-ban/", views.document_list, name="document_list"),
    path("van-ban/them/", views.document_create, name="document_create"),
    path("van-ban/<int:pk>/", views.document_detail, name="document_detail"),
    path("van-ban/<int:pk>/sua/", views.document_edit, name="document_edit"),
    path("van-ban/<int:pk>/them-nhiem-vu/", views.task_create, name="task_create"),
    path("van-ban/<int:pk>/chuyen-tiep/", views.carry_over, name="carry_over"),
    path("van-ban/<int:pk>/them-tep/", views.document_attach, name="document_attach"),
    path("van-ban/<int:pk>/du-thao-thong-bao.docx", views.notice_docx, name="notice_docx"),
    path("van-ban/<int:pk>/du-thao-thong-bao/", views.notice_preview, name="notice_preview"),
    path("tep-van-ban/<int:pk>/", views.document_file, name="document_file"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("nhiem-vu/<int:pk>/cap-nhat/", views.task_update, name="task_update"),
    path("minh-chung/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("qua-han/", views.overdue, name="overdue"),
    path("qua-han/nhiem-vu.<str:kind>", views.overdue_export, name="overdue_export"),
    path("nhiem-vu/<int:pk>/bao-cao/", views.task_link_report, name="task_link_report"),
    path("qua-han/<int:pk>/", views.overdue_organisation, name="overdue_organisation"),
]
