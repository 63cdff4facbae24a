from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/mo/", views.item_open, name="item_open"),
    path("dem/", views.badge, name="badge"),
    path("da-doc-het/", views.mark_all_read, name="mark_all_read"),
    path("cach-nhan-tin/", views.contact, name="contact"),
]
