"""factory_boy factory for household plans. It creates through ``plans.services.plan_create`` as
the system unless an ``actor`` is given, so a plan keeps the service's checks (one plan a year,
causes and solutions from the catalogue, the household still followed) and its audit row."""

from __future__ import annotations

import factory

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.plans import services
from vuonlen.plans.models import Goal, HouseholdPlan, Solution
from vuonlen.surveys.models import PovertyCause


class HouseholdPlanFactory(factory.Factory):
    """The 2026 plan of ``household``: out of poverty this year by a job, for lack of capital.
    Any other keyword is a field of the plan's form (``solutions``, ``loan_vnd``, ``outcome``…);
    ``causes`` are ``PovertyCause`` rows."""

    class Meta:
        model = HouseholdPlan

    year = 2026
    causes = factory.LazyFunction(lambda: [PovertyCause.objects.get(code="thieu_von")])
    goal = Goal.OUT_THIS_YEAR
    solutions = factory.LazyFunction(lambda: [Solution.JOB])

    @classmethod
    def _create(cls, model_class, *, household, year, actor=SYSTEM, **data):
        return services.plan_create(actor=actor, household=household, year=year, data=data)
