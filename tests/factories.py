"""Test data builders shared by every room's tests."""

from __future__ import annotations

import itertools

from vuonlen.accounts.models import Organisation, OrgKind, RoleAssignment, User
from vuonlen.geo.models import AdministrativeUnit, Era, Level

_seq = itertools.count(1)
PASSWORD = "Mat-khau-thu-2026"


def unit(code: str, level: int = Level.COMMUNE, era: str = Era.PRE_2025) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(era=era, level=level, code=code)


def make_user(role: str | None = None, unit_obj: AdministrativeUnit | None = None, *,
              organisation: Organisation | None = None, username: str | None = None, **extra) -> User:
    user = User.objects.create_user(username=username or f"user{next(_seq)}", password=PASSWORD, **extra)
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=unit_obj, organisation=organisation)
    return user


def make_org(unit_obj: AdministrativeUnit, kind: str = OrgKind.FATHERLAND_FRONT, name: str | None = None) -> Organisation:
    org = Organisation(kind=kind, unit=unit_obj)
    org.set_name(name or f"Tổ chức {next(_seq)}")
    org.save()
    return org
