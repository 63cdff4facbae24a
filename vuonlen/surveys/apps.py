from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "vuonlen.surveys"
    label = "surveys"
    verbose_name = _("Khảo sát thôn")

    def ready(self):
        from vuonlen.core import history

        from . import selectors

        history.register("surveys.villagesurvey", lambda user, pk: selectors.get_survey_for_user_or_404(user, pk))
