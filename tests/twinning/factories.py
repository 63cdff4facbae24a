"""factory_boy factories for twinning. They create through the services (as the system), so
every pair and activity keeps the rules, the files' checks and the audit a real one has."""

from __future__ import annotations

import datetime as dt

import factory

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.twinning import services
from vuonlen.twinning.models import Activity, ActivityKind, TwinningPair


class PairFactory(factory.Factory):
    """``PairFactory(organisation=world.rubber, unit=world.commune)``; ``actor`` defaults to the system."""

    class Meta:
        model = TwinningPair

    started_on = dt.date(2021, 3, 1)

    @classmethod
    def _create(cls, model_class, *, actor=SYSTEM, **kwargs):
        return services.pair_create(actor=actor, **kwargs)


class ActivityFactory(factory.Factory):
    """A visit-and-gifts activity of ``pair`` on 01/05/2023 unless told otherwise."""

    class Meta:
        model = Activity

    kind = ActivityKind.VISITS_GIFTS
    date = dt.date(2023, 5, 1)
    value_vnd = 0
    description = "Thăm hỏi, tặng quà Tết"

    @classmethod
    def _create(cls, model_class, *, actor=SYSTEM, **kwargs):
        return services.activity_record(actor=actor, **kwargs)
