from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "vuonlen.households"
    label = "households"
    verbose_name = "Sổ hộ nghèo, cận nghèo"

    def ready(self):
        from vuonlen.core import history

        from . import selectors

        # History pages open to whoever may see the household (the audit log has no scope itself).
        history.register("households.household", lambda user, pk: selectors.get_household_for_user_or_404(user, pk))
        history.register("households.review", lambda user, pk: selectors.get_review_for_user_or_404(user, pk))
