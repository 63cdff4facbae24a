from django.contrib import admin
from django.urls import include, path

from vuonlen.api.main import api
from vuonlen.core import views as core_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("", core_views.home, name="home"),
    path("", include("vuonlen.core.urls")),
    path("tai-khoan/", include("vuonlen.accounts.urls")),
    path("dia-ban/", include("vuonlen.geo.urls")),
    path("api/v1/", api.urls),
]
