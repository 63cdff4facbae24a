"""factory_boy factory for villages. It creates through ``geo.services.village_create`` as the
system, so a village gets its next free code, its era and dates from the commune, and its audit row."""

from __future__ import annotations

import factory

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.geo import services
from vuonlen.geo.models import AdministrativeUnit, Level, UnitType


class VillageFactory(factory.Factory):
    """``VillageFactory(commune=commune_a, name="Tổ 1")``; a thôn named "Thôn số <n>" unless told."""

    class Meta:
        model = AdministrativeUnit

    name = factory.Sequence(lambda n: f"Thôn số {n + 1}")
    unit_type = UnitType.THON

    @classmethod
    def _create(cls, model_class, *, commune: AdministrativeUnit, actor=SYSTEM, **kwargs):
        return services.village_create(actor=actor, commune=commune, **kwargs)


def villages(commune: AdministrativeUnit):
    """The villages of ``commune``."""
    return AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE)
