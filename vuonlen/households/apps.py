from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "vuonlen.households"
    label = "households"
    verbose_name = "Sổ hộ nghèo, cận nghèo"
