from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("", views.totals, name="totals"),
    path("tong-hop.xlsx", views.totals_export, name="totals_export"),
    path("so/", views.entry_list, name="entry_list"),
    path("so/them/", views.entry_create, name="entry_create"),
    path("so/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("so/<int:pk>/sua/", views.entry_update, name="entry_update"),
    path("so/<int:pk>/huy/", views.entry_void, name="entry_void"),
    path("so/<int:pk>/tra-no/", views.repayment_create, name="repayment_create"),
    path("so/<int:pk>/tinh-trang/", views.loan_status, name="loan_status"),
]
