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
    path("ho-gia-dinh/nhap/", include("vuonlen.households.import_urls")),
    path("ho-gia-dinh/", include("vuonlen.households.urls")),
    path("bao-cao-ra-soat/", include("vuonlen.households.report_urls")),
    path("bao-cao-dinh-ky/", include("vuonlen.reporting.urls")),
    path("chi-dao/", include("vuonlen.directives.urls")),
    path("ket-nghia/", include("vuonlen.twinning.urls")),
    path("nguon-luc/", include("vuonlen.support.urls")),
    path("mo-hinh/", include("vuonlen.initiatives.urls")),
    path("tuyen-truyen/", include("vuonlen.outreach.urls")),
    path("cuoc-van-dong/", include("vuonlen.campaign.urls")),
    path("chi-tieu/", include("vuonlen.indicators.urls")),
    path("trien-lam/", include("vuonlen.initiatives.public_urls")),
    path("api/v1/", api.urls),
]
