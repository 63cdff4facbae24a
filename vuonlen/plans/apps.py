from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "vuonlen.plans"
    label = "plans"
    verbose_name = _("Kế hoạch giúp hộ")

    def ready(self):
        from vuonlen.core import history

        from . import selectors

        history.register("plans.householdplan", lambda user, pk: selectors.get_plan_for_user_or_404(user, pk))
        history.register("plans.organisationgoal", lambda user, pk: selectors.get_goal_for_user_or_404(user, pk))
