"""Builders for registry test data, shared by the households, import and tables tests.

They go through the services with ``actor=SYSTEM`` (the system), so every invariant the
services keep (head name, area, memberships, snapshots) holds in the data they build.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.geo.models import AdministrativeUnit, Level, UnitType
from vuonlen.households import services
from vuonlen.households.models import Household, Relation, Review, ReviewKind

_seq = itertools.count(1)

HEAD = {"full_name": "A Blong", "sex": "Nam", "relation": "Chủ hộ", "birth_year": 1980}
SPOUSE = {"full_name": "Y Hiên", "sex": "Nữ", "relation": "Vợ", "birth_year": 1983}


def make_village(commune: AdministrativeUnit, name: str | None = None,
                 unit_type: str = UnitType.THON) -> AdministrativeUnit:
    from vuonlen.geo.services import village_create

    return village_create(actor=SYSTEM, commune=commune, name=name or f"Thôn {next(_seq)}", unit_type=unit_type)


def _member(value: Mapping[str, Any] | str, index: int) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"full_name": value}
    base = dict(HEAD if index == 0 else {"full_name": f"Con {index}", "sex": "Nam" if index % 2 else "Nữ",
                                        "relation": "Con", "birth_year": 2005 + index})
    if "birth_date" in value:
        base.pop("birth_year", None)
    base.update(value)
    return base


def make_household(unit: AdministrativeUnit, members: Sequence[Mapping[str, Any] | str] | None = None, *,
                   ethnicity: str = "14", code: str | None = None, area: str | None = None,
                   started_on: dt.date | None = dt.date(2020, 1, 1), actor=SYSTEM, **fields) -> Household:
    """A household at ``unit`` (commune or village). ``members``: dicts for ``clean_person``
    (missing keys filled: the first is the head) or plain names; default head + spouse."""
    if members is None:
        members = [HEAD, SPOUSE]
    data = {"code": code or f"H{next(_seq):05d}", "ethnicity": ethnicity, "started_on": started_on, **fields}
    return services.household_register(actor=actor, unit=unit, household=data,
                                       members=[_member(m, i) for i, m in enumerate(members)], area=area,
                                       source="test")


def make_review(household: Household, year: int = 2023, *, income: Any = 1_200_000, score_a: Any = None,
                lacking: Iterable[str] = (), kind: str = ReviewKind.PERIODIC, reviewed_on: dt.date | None = None,
                recognised: bool = False, decision_number: str = "123/QĐ-UBND",
                decision_date: dt.date | None = None, farming: bool | None = None, actor=SYSTEM) -> Review:
    """A review of ``household`` for ``year`` (dated 1 October of that year unless given)."""
    reviewed_on = reviewed_on or dt.date(year, 10, 1)
    review = services.review_record(actor=actor, household=household, year=year,
                                    income_per_capita=None if score_a is not None else income,
                                    score_a=score_a, lacking=list(lacking), kind=kind, reviewed_on=reviewed_on,
                                    farming=farming, source="test")
    if recognised:
        review = services.review_recognise(actor=actor, review=review, decision_number=decision_number,
                                           decision_date=decision_date or reviewed_on + dt.timedelta(days=30),
                                           source="test")
    return review


def head_of(household: Household):
    return household.memberships.get(relation=Relation.HEAD, ended_on__isnull=True)


def villages(commune: AdministrativeUnit):
    return AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE)
