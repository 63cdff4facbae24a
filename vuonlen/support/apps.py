from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "vuonlen.support"
    label = "support"
    verbose_name = _("Nguồn lực huy động")

    def ready(self):
        from vuonlen.core import history

        from . import selectors

        history.register("support.supportentry", lambda user, pk: selectors.get_entry_for_user_or_404(user, pk))
