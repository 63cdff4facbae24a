from django.urls import path

from . import pickers, views

app_name = "initiatives"
urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("goi-y/", pickers.initiative_suggest, name="suggest"),
    path("them/", views.initiative_create, name="create"),
    path("chi-tieu-5/", views.indicator5, name="indicator5"),
    path("guong-dien-hinh/", views.exemplar_list, name="exemplars"),
    path("guong-dien-hinh/them/", views.exemplar_create, name="exemplar_create"),
    path("guong-dien-hinh/<int:pk>/duyet/", views.exemplar_approve, name="exemplar_approve"),
    path("guong-dien-hinh/<int:pk>/anh/", views.exemplar_photo, name="exemplar_photo"),
    path("<int:pk>/", views.initiative_detail, name="detail"),
    path("<int:pk>/sua/", views.initiative_edit, name="edit"),
    path("<int:pk>/chuyen-tinh-trang/", views.initiative_move, name="move"),
    path("<int:pk>/nhan-rong/", views.initiative_replicate, name="replicate"),
    path("<int:pk>/chuyen-doi/", views.initiative_convert, name="convert"),
    path("<int:pk>/ho-tham-gia/", views.participants_add, name="participants_add"),
    path("<int:pk>/ho-tham-gia/<int:participation_pk>/thoi/", views.participant_end, name="participant_end"),
    path("<int:pk>/nguon-von/", views.fund_add, name="fund_add"),
    path("<int:pk>/danh-gia/", views.review_add, name="review_add"),
    path("<int:pk>/tep/", views.files_attach, name="files_attach"),
    path("<int:pk>/tep/<int:file_pk>/", views.file_download, name="file"),
    path("<int:pk>/cong-khai/", views.showcase_approve, name="showcase_approve"),
    path("<int:pk>/go-cong-khai/", views.showcase_withdraw, name="showcase_withdraw"),
]
