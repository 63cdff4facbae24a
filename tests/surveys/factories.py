"""factory_boy factory for village surveys. It creates through ``surveys.services.survey_create``
as the system unless an ``actor`` is given, so a survey keeps the service's checks (one a village
and year, counts that add up, the village's era) and its audit row."""

from __future__ import annotations

import datetime as dt

import factory

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.surveys import services
from vuonlen.surveys.models import VillageSurvey


class VillageSurveyFactory(factory.Factory):
    """The 2025 survey of ``village``, made on 1 March of its year by "Tổ khảo sát thôn".
    ``causes``: ``{cause pk: households}``; ``files``: uploads; any other keyword is a field of
    the survey's form (``poor_households``, ``main_crops``…)."""

    class Meta:
        model = VillageSurvey

    year = 2025
    surveyed_by = "Tổ khảo sát thôn"
    surveyed_on = factory.LazyAttribute(lambda o: dt.date(o.year, 3, 1))
    causes = None
    files = ()

    @classmethod
    def _create(cls, model_class, *, village, year, causes, files, actor=SYSTEM, **data):
        return services.survey_create(actor=actor, village=village, year=year, data=data, causes=causes,
                                      files=files)
