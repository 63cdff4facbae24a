"""factory_boy factories for initiatives (the campaign's models): a model and the households
taking part. They create through the services as the system, so each keeps its checks (one
pilot a year, scope, a household taking part once), its status history and the audit."""

from __future__ import annotations

import datetime as dt

import factory

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.periods import today_vn
from vuonlen.initiatives import services
from vuonlen.initiatives.models import Initiative, Kind, Participation, Status


class InitiativeFactory(factory.Factory):
    """A crops model "Mô hình trồng sâm dây" started in 2023, being built; give its
    ``organisation`` and ``unit``. ``statuses=[Status.RUNNING, …]`` then moves it along the
    pipeline as the system (a review is added before a verdict, as the pipeline asks)."""

    class Meta:
        model = Initiative

    name = "Mô hình trồng sâm dây"
    kind = Kind.CROPS
    start_year = 2023

    @classmethod
    def _create(cls, model_class, *, actor=SYSTEM, statuses=(), **kwargs):
        model = services.initiative_create(actor=actor, **kwargs)
        for status in statuses:
            if status in (Status.EFFECTIVE, Status.INEFFECTIVE) and not model.reviews.exists():
                services.review_add(actor=SYSTEM, initiative=model, reviewed_on=today_vn(),
                                    assessment="Đánh giá giữa kỳ", income_change_pct="")
            model = services.initiative_move(actor=SYSTEM, initiative=model, to_status=status)
        return model


class ParticipantFactory(factory.Factory):
    """``household`` taking part in ``initiative`` from 01/03/2023."""

    class Meta:
        model = Participation

    started_on = dt.date(2023, 3, 1)

    @classmethod
    def _create(cls, model_class, *, initiative, household, actor=SYSTEM, **kwargs):
        [participation] = services.participants_add(actor=actor, initiative=initiative, households=[household],
                                                    **kwargs)
        return participation
