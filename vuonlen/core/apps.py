from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vuonlen.core"
    label = "core"
    verbose_name = "Hệ thống"
