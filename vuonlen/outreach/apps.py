from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "vuonlen.outreach"
    label = "outreach"
    verbose_name = _("Tuyên truyền, tập huấn, giao lưu")

    def ready(self):
        from vuonlen.core import history

        from . import selectors

        history.register("outreach.activity", lambda user, pk: selectors.get_activity_for_user_or_404(user, pk))
