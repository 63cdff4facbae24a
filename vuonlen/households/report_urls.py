from django.urls import path

from . import report_views

app_name = "household_reports"
urlpatterns = [
    path("", report_views.review_tables, name="tables"),
    path("tai-excel/", report_views.review_tables_xlsx, name="xlsx"),
]
