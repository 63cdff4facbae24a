from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from vuonlen.api.main import api
from vuonlen.core import views as core_views

# The Django admin is for technical staff; the application's own pages are for everyone else.
admin.site.site_header = _("Vươn Lên — quản trị kỹ thuật")
admin.site.site_title = _("Vươn Lên — quản trị")
admin.site.index_title = _("Dữ liệu của hệ thống")


def _api_urls(urls):
    """Every page needs a login (LoginRequiredMiddleware) except the API: ninja checks the
    session itself and answers 401 JSON, and some operations (the poverty standards) are public."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        login_not_required(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
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
    path("hop-thu/", include("vuonlen.messaging.urls")),
    path("khao-sat-thon/", include("vuonlen.surveys.urls")),
    path("ke-hoach/", include("vuonlen.plans.urls")),
    path("trien-lam/", include("vuonlen.initiatives.public_urls")),
    path("api/v1/", _api_urls(api.urls)),
]
