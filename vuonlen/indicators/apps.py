from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "vuonlen.indicators"
    label = "indicators"
    verbose_name = _("Chỉ tiêu và bảng điều khiển")

    def ready(self):
        # Roll-ups follow their inputs: saving an assessment, a review, a population base, an
        # entered figure or a model schedules the refresh of the units it touches.
        from . import signals  # noqa: F401
