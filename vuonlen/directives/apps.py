from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "vuonlen.directives"
    label = "directives"
    verbose_name = _("Chỉ đạo, nhiệm vụ")

    def ready(self):
        from . import integration

        integration.connect()
