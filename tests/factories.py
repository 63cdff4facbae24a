"""Test data builders shared by every room's tests (on the factory_boy factories of
``tests/accounts/factories.py``; each room keeps its own in ``tests/<room>/factories.py``)."""

from __future__ import annotations

from tests.accounts.factories import PASSWORD, OrganisationFactory, RoleAssignmentFactory, UserFactory
from vuonlen.accounts.models import Organisation, OrgKind, User
from vuonlen.geo.models import AdministrativeUnit, Era, Level

__all__ = ["PASSWORD", "make_org", "make_user", "unit"]


def unit(code: str, level: int = Level.COMMUNE, era: str = Era.PRE_2025) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(era=era, level=level, code=code)


def make_user(role: str | None = None, unit_obj: AdministrativeUnit | None = None, *,
              organisation: Organisation | None = None, username: str | None = None, **extra) -> User:
    user = UserFactory(**({"username": username} if username else {}), **extra)
    if role:
        RoleAssignmentFactory(user=user, role=role, unit=unit_obj, organisation=organisation)
    return user


def make_org(unit_obj: AdministrativeUnit, kind: str = OrgKind.FATHERLAND_FRONT, name: str | None = None) -> Organisation:
    return OrganisationFactory(unit=unit_obj, kind=kind, **({"name": name} if name else {}))
