from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vuonlen.accounts"
    label = "accounts"
    verbose_name = "Tổ chức và tài khoản"

    def ready(self):
        from . import history, signals

        history.register()
        signals.connect()
