from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "vuonlen.initiatives"
    label = "initiatives"
    verbose_name = _("Mô hình")

    def ready(self):
        from vuonlen.core import history

        from . import selectors

        # A model's history page is open to whoever may see the model.
        history.register("initiatives.initiative",
                         lambda user, pk: selectors.get_initiative_for_user_or_404(user, pk))
