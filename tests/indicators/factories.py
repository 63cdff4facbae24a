"""factory_boy factories for indicators: a unit's target and an entered figure (through the
services as the system: checks, versions, audit), a phase (through the campaign's service) and a
stored roll-up total (derived data the roll-ups write, so written as a row). ``indicator`` may
be given as its code ("NEP_NGHI")."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.campaign import services as campaign_services
from vuonlen.campaign.models import Phase
from vuonlen.indicators.models import EnteredValue, Indicator, Rollup, Target
from vuonlen.indicators.services import entries, targets


def _indicator(value) -> Indicator:
    return Indicator.objects.get(code=value) if isinstance(value, str) else value


class TargetFactory(factory.Factory):
    """``unit``'s 2023 target for ``indicator`` (poverty-reduction thinking, NEP_NGHI, unless
    told); give its ``value``. ``unchecked=True`` writes the row straight: a target the service
    refuses today (e.g. for a unit gone in the 2025 reform) but a database may still hold."""

    class Meta:
        model = Target

    indicator = "NEP_NGHI"
    year = 2023

    @classmethod
    def _create(cls, model_class, *, indicator, actor=SYSTEM, unchecked=False, **kwargs):
        if unchecked:
            return model_class.objects.create(indicator=_indicator(indicator), value=Decimal(str(kwargs.pop("value"))),
                                              **kwargs)
        return targets.set_target(actor=actor, indicator=_indicator(indicator), **kwargs)


class EnteredValueFactory(factory.Factory):
    """A commune's figure for an entered indicator in 2023: "yes" to the KH_XA question unless
    told (``answer``, or ``numerator``/``denominator`` for a value); ``as_of`` the day it was true."""

    class Meta:
        model = EnteredValue

    indicator = "KH_XA"
    year = 2023
    answer = True

    @classmethod
    def _create(cls, model_class, *, indicator, actor=SYSTEM, **kwargs):
        return entries.enter_value(actor=actor, indicator=_indicator(indicator), **kwargs)


class PhaseFactory(factory.Factory):
    """The 2026–2030 phase."""

    class Meta:
        model = Phase

    code = "2026-2030"
    name = "Giai đoạn 2026 - 2030"
    start_year = 2026
    end_year = 2030

    @classmethod
    def _create(cls, model_class, *, actor=SYSTEM, **kwargs):
        return campaign_services.phase_define(actor=actor, **kwargs)


class RollupFactory(DjangoModelFactory):
    """A stored total of ``indicator`` for ``unit`` and ``year``, as the roll-ups would leave it."""

    class Meta:
        model = Rollup

    indicator = "NEP_NGHI"
    year = 2023
    numerator = 0
    refreshed_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *, indicator, **kwargs):
        return super()._create(model_class, indicator=_indicator(indicator), **kwargs)
