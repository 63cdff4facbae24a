from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "vuonlen.campaign"
    label = "campaign"
    verbose_name = _("Cuộc vận động")

    def ready(self):
        from vuonlen.core import history
        from vuonlen.households.selectors import register_mentor_households

        from . import selectors

        # The registry learns from here which households a mentor is given.
        register_mentor_households(selectors.mentor_households)

        # History pages open to whoever may see the record through this room's scoping
        # (a mentor: only the records of their own households).
        history.register("campaign.mentorassignment",
                         lambda user, pk: selectors.get_assignment_for_user_or_404(user, pk))
        history.register("campaign.visit", lambda user, pk: selectors.get_visit_for_user_or_404(user, pk))
        history.register("campaign.assessment",
                         lambda user, pk: selectors.get_assessment_for_user_or_404(user, pk))
