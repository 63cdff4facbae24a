"""factory_boy factories for the registry: households (with their members) and reviews.

They create through the services with ``actor=SYSTEM`` (the system), so every invariant the
services keep (head name, area, memberships, snapshots, audit) holds in the data they build.
Villages come from ``tests.geo.factories.VillageFactory``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import factory

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.households import services
from vuonlen.households.models import Household, Relation, Review, ReviewKind

HEAD = {"full_name": "A Blong", "sex": "Nam", "relation": "Chủ hộ", "birth_year": 1980}
SPOUSE = {"full_name": "Y Hiên", "sex": "Nữ", "relation": "Vợ", "birth_year": 1983}


def _member(value: Mapping[str, Any] | str, index: int) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"full_name": value}
    base = dict(HEAD if index == 0 else {"full_name": f"Con {index}", "sex": "Nam" if index % 2 else "Nữ",
                                        "relation": "Con", "birth_year": 2005 + index})
    if "birth_date" in value:
        base.pop("birth_year", None)
    base.update(value)
    return base


class HouseholdFactory(factory.Factory):
    """A household at ``unit`` (commune or village), registered by ``household_register``.

    ``members``: dicts for ``clean_person`` (missing keys filled: the first is the head) or plain
    names; default head + spouse. ``area`` is the registration's area; any other keyword is a
    field of the household (``code``, ``ethnicity``, ``started_on``, ``address``…)."""

    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"H{n + 1:05d}")
    ethnicity = "14"
    started_on = dt.date(2020, 1, 1)
    members = None
    area = None

    @classmethod
    def _create(cls, model_class, *, unit, members, area, actor=SYSTEM, **fields):
        if members is None:
            members = [HEAD, SPOUSE]
        return services.household_register(actor=actor, unit=unit, household=fields,
                                           members=[_member(m, i) for i, m in enumerate(members)], area=area,
                                           source="test")


class ReviewFactory(factory.Factory):
    """A review of ``household`` for ``year`` (2023 unless told), dated 1 October of that year,
    by ``review_record``; an income of 1.200.000 đồng a head unless ``score_a`` is given.
    ``recognised=True`` then recognises it (``review_recognise``) by ``decision_number``,
    dated 30 days after the review unless ``decision_date`` is given."""

    class Meta:
        model = Review

    year = 2023
    income = 1_200_000
    score_a = None
    lacking = ()
    kind = ReviewKind.PERIODIC
    reviewed_on = factory.LazyAttribute(lambda o: dt.date(o.year, 10, 1))
    farming = None
    recognised = False
    decision_number = "123/QĐ-UBND"
    decision_date = factory.LazyAttribute(lambda o: o.reviewed_on + dt.timedelta(days=30))

    @classmethod
    def _create(cls, model_class, *, household: Household, year: int, income, score_a, lacking, kind,
                reviewed_on: dt.date, farming, recognised: bool, decision_number: str, decision_date: dt.date,
                actor=SYSTEM) -> Review:
        review = services.review_record(actor=actor, household=household, year=year,
                                        income_per_capita=None if score_a is not None else income,
                                        score_a=score_a, lacking=list(lacking), kind=kind, reviewed_on=reviewed_on,
                                        farming=farming, source="test")
        if recognised:
            review = services.review_recognise(actor=actor, review=review, decision_number=decision_number,
                                               decision_date=decision_date, source="test")
        return review


def head_of(household: Household):
    return household.memberships.get(relation=Relation.HEAD, ended_on__isnull=True)
