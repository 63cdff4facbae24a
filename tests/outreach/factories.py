"""factory_boy factory for outreach: an activity (a propaganda session unless told), recorded
through the service as the system, so it keeps the Handbook's topics, the households' scope and
the audit, and the roll-ups hear of it."""

from __future__ import annotations

import datetime as dt

import factory

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.outreach import services
from vuonlen.outreach.models import Activity, ActivityKind, Topic


class ActivityFactory(factory.Factory):
    """A meeting on the Handbook's topic 1 on 04/05/2023 with 40 people; give its ``unit`` (and
    the ``households`` reached, if any)."""

    class Meta:
        model = Activity

    kind = ActivityKind.PROPAGANDA
    date = dt.date(2023, 5, 4)
    title = "Tuyên truyền tại thôn"
    channel = "meeting"
    topics = factory.LazyFunction(lambda: list(Topic.objects.filter(number=1)))
    participants = 40

    @classmethod
    def _create(cls, model_class, *, actor=SYSTEM, **kwargs):
        return services.activity_record(actor=actor, **kwargs)
