from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwinningConfig(AppConfig):
    name = "vuonlen.twinning"
    label = "twinning"
    verbose_name = _("Kết nghĩa")

    def ready(self):
        from vuonlen.core import history

        from . import selectors

        history.register("twinning.twinningpair", lambda user, pk: selectors.get_pair_for_user_or_404(user, pk))
