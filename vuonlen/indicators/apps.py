from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "vuonlen.indicators"
    label = "indicators"
    verbose_name = _("Chỉ tiêu và bảng điều khiển")


    def ready(self):
        # The dashboards' figure cache follows targets, the catalogue and the phases (signals.py);
        # roll-ups are refreshed explicitly by the services, never by a signal.
        from . import signals

        signals.connect()
