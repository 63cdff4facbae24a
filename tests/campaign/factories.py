"""factory_boy factories for the campaign room: mentor assignments, visits, assessments.

They create through ``vuonlen.campaign.services`` as the system unless an ``actor`` is given,
so every record keeps the services' rules (one mentor at a time, no visit in the future, one
assessment per household and year) and its audit row."""

from __future__ import annotations

import datetime as dt

import factory

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.campaign import services
from vuonlen.campaign.models import Assessment, MentorAssignment, Visit


class MentorAssignmentFactory(factory.Factory):
    """``mentor`` looks after ``household`` (or ``group``) from 01/01/2024 unless told otherwise."""

    class Meta:
        model = MentorAssignment

    started_on = dt.date(2024, 1, 1)

    @classmethod
    def _create(cls, model_class, *, household=None, group=None, actor=SYSTEM, **kwargs):
        made = services.mentor_assign(actor=actor, households=[household] if household is not None else [],
                                      group=group, **kwargs)
        return made[0]

    @classmethod
    def each(cls, households, **kwargs) -> list[MentorAssignment]:
        """One assignment for each of ``households``, all with the same ``kwargs``."""
        return [cls(household=household, **kwargs) for household in households]


class VisitFactory(factory.Factory):
    """A visit to ``household`` on 01/01/2024 about a loan. As the system give the ``mentor``
    who went; with ``actor=<the mentor>`` the visit is theirs (and needs their assignment)."""

    class Meta:
        model = Visit

    visited_on = dt.date(2024, 1, 1)
    topics = factory.LazyFunction(lambda: ["loan"])

    @classmethod
    def _create(cls, model_class, *, actor=SYSTEM, **kwargs):
        return services.visit_log(actor=actor, **kwargs)


class AssessmentFactory(factory.Factory):
    """The assessment of ``household`` for ``year`` (2023 unless told), made on 1 November of
    that year, the household told about the handbook; any other keyword is a field of the form
    (``changed_thinking=True``, ``told_topics=[1, 2]``, ``note``…)."""

    class Meta:
        model = Assessment

    year = 2023
    assessed_on = factory.LazyAttribute(lambda o: dt.date(o.year, 11, 1))
    told = True

    @classmethod
    def _create(cls, model_class, *, household, year, actor=SYSTEM, expected_version=None, client_uuid=None,
                **data):
        return services.assessment_record(actor=actor, household=household, year=year, data=data,
                                          expected_version=expected_version, client_uuid=client_uuid)
