from django.urls import path

from . import form_admin_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.home, name="home"),
    path("cua-toi/", views.my_reports, name="my_reports"),
    path("lap/<int:organisation_pk>/<int:schedule_pk>/<str:period_code>/", views.start, name="start"),
    path("danh-sach/", views.submission_list, name="list"),
    path("theo-doi/", views.board, name="board"),
    path("theo-doi/giai-trinh/", views.explanation_request, name="explanation_request"),
    path("theo-doi/xu-ly/", views.bulk_review, name="bulk_review"),
    path("theo-doi/bang.<str:kind>", views.board_export, name="board_export"),
    path("lich/", views.deadline_calendar_view, name="calendar"),
    path("bieu-mau/", form_admin_views.form_list, name="form_list"),
    path("bieu-mau/moi/", form_admin_views.form_edit, name="form_new"),
    path("bieu-mau/<int:pk>/", form_admin_views.form_edit, name="form_edit"),
    path("bieu-mau/<int:pk>/xem-truoc/", form_admin_views.form_preview, name="form_preview"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/xu-ly/", views.review, name="review"),
    path("<int:pk>/gui/", views.confirm_submit, name="confirm_submit"),
    path("<int:pk>/thu-hoi/", views.recall, name="recall"),
    path("<int:pk>/bao-cao.docx", views.docx, name="docx"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment"),
    path("tep/<int:pk>/xoa/", views.attachment_delete, name="attachment_delete"),
]
