from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vuonlen.accounts"
    label = "accounts"
    verbose_name = "Tổ chức và tài khoản"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import history, signals
        from .models import Organisation, RoleAssignment
        from .scoping import assignments_changed

        history.register()
        signals.connect()
        # The assignments every page reads are kept between requests (scoping): any saved or
        # deleted assignment or organisation (an assignment's scope unit) starts a new version.
        for model in (RoleAssignment, Organisation):
            post_save.connect(assignments_changed, sender=model, dispatch_uid=f"scope-{model.__name__}-save")
            post_delete.connect(assignments_changed, sender=model, dispatch_uid=f"scope-{model.__name__}-delete")
