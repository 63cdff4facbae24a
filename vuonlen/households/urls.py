from django.urls import path

from . import pickers, print_views, views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("goi-y/", pickers.household_suggest, name="suggest"),
    path("lap-so/", views.household_register, name="register"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/sua/", views.household_update, name="update"),
    path("<int:pk>/ban-in/", print_views.household_print, name="print"),
    path("ra-soat/<int:pk>/bien-ban/", print_views.review_print, name="review_print"),
    path("<int:pk>/them-nhan-khau/", views.member_add, name="member_add"),
    path("<int:pk>/tach-ho/", views.household_split, name="split"),
    path("<int:pk>/nhap-ho/", views.household_merge, name="merge"),
    path("<int:pk>/ket-thuc/", views.household_end, name="end"),
    path("<int:pk>/ra-soat/", views.review_record, name="review_record"),
    path("nhan-khau/<int:pk>/ra-khoi-ho/", views.membership_end, name="membership_end"),
    path("ra-soat/<int:pk>/cong-nhan/", views.review_recognise, name="review_recognise"),
    path("ra-soat/<int:pk>/dinh-chinh/", views.review_correct, name="review_correct"),
    path("dan-so-nen/", views.population_communes, name="population_communes"),
    path("dan-so-nen/<int:commune_pk>/", views.population_base, name="population_base"),
]
