"""Demo household plans and a union's own households: the demo mentor's households (``phutrach.ho``)
with plans for 2024 (followed up at year end) and 2025; the district Farmers' Union
(``donvi.hoinongdan``) listing a dozen poor households of Đắk Tơ Lung, with its goals and 2024
result. Small (a few dozen rows), through the services."""

from __future__ import annotations

from django.db import transaction

from vuonlen.accounts.demo import DEMO_COMMUNE
from vuonlen.accounts.models import Organisation, OrgKind, User
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.households.models import Household
from vuonlen.households.selectors import households_for_mentor
from vuonlen.surveys.catalogue import ensure_catalogue
from vuonlen.surveys.models import PovertyCause

from . import services
from .models import Goal, HouseholdPlan, Outcome, Solution

MODELS = ["Nuôi bò sinh sản", "Trồng sâm dây dưới tán rừng", "Nuôi heo rừng lai", "Trồng cà phê xen mắc ca"]


def _plan(rng, causes, *, outcome: str = "") -> dict:
    solutions = [Solution.PRODUCTION_MODEL] + rng.sample([Solution.LOAN, Solution.TRAINING, Solution.JOB], 2)
    data = {"causes": rng.sample(causes, 2), "goal": rng.choice([Goal.OUT_THIS_YEAR, Goal.OUT_THIS_YEAR,
                                                                Goal.OUT_NEXT_YEAR, Goal.STABLE_INCOME]),
            "solutions": solutions, "production_model": rng.choice(MODELS),
            "loan_vnd": rng.choice([30, 50, 70]) * 1_000_000 if Solution.LOAN in solutions else 0,
            "training": "Tập huấn kỹ thuật chăn nuôi, trồng trọt" if Solution.TRAINING in solutions else "",
            "job": "Công nhân công ty cao su" if Solution.JOB in solutions else ""}
    if outcome:
        data["outcome"] = outcome
        data["outcome_reason"] = "" if outcome == Outcome.ACHIEVED else "Thiếu lao động, giá nông sản giảm"
    return data


@transaction.atomic
def run(ctx) -> None:
    ensure_catalogue()
    if HouseholdPlan.objects.exists():
        return
    rng = ctx.rng
    causes = list(PovertyCause.objects.filter(is_active=True).order_by("order")[:8])
    mentor = User.objects.filter(username="phutrach.ho").first()
    homes = list(households_for_mentor(mentor).filter(ended_on__isnull=True).order_by("code")) if mentor else []
    if not homes:
        homes = list(Household.objects.filter(commune__code=DEMO_COMMUNE, ended_on__isnull=True,
                                              current_status__in=("poor", "near_poor")).order_by("code")[:15])
    plans = 0
    for household in homes:
        outcome = Outcome.ACHIEVED if rng.random() < 0.55 else Outcome.NOT_ACHIEVED
        services.plan_create(actor=SYSTEM, household=household, year=2024, data=_plan(rng, causes, outcome=outcome),
                             source="demo")
        services.plan_create(actor=SYSTEM, household=household, year=2025, data=_plan(rng, causes), source="demo")
        plans += 2
    union = Organisation.objects.filter(kind=OrgKind.FARMERS_UNION, name="Hội Nông dân huyện Kon Rẫy").first()
    listed = 0
    if union is not None:
        members = list(Household.objects.filter(commune__code=DEMO_COMMUNE, commune__era="pre2025",
                                                ended_on__isnull=True, is_ethnic_minority=True,
                                                current_status__in=("poor", "near_poor")).order_by("code")[:12])
        if members:
            services.org_households_add(actor=SYSTEM, organisation=union, codes=[h.code for h in members],
                                        since_year=2024, source="demo")
            listed = len(members)
            for year, target in ((2024, max(1, listed // 3)), (2025, max(1, listed // 2))):
                goal = services.goal_save(actor=SYSTEM, organisation=union, year=year, target_out=target,
                                          target_by_solution={Solution.LOAN: target, Solution.TRAINING: 1},
                                          plan_note="Hội viên giúp hội viên: vay vốn, tập huấn, giống cây con",
                                          source="demo")
            if goal.year == 2025:
                first = union.poverty_goals.get(year=2024)
                services.goal_report(actor=SYSTEM, goal=first, expected_version=first.version,
                                     result_out=max(0, first.target_out - 1),
                                     result_note="Đạt gần chỉ tiêu; một hộ chưa thoát nghèo vì ốm đau", source="demo")
    ctx.say(f"Kế hoạch giúp hộ mẫu: {plans} kế hoạch; {listed} hộ hội viên của Hội Nông dân huyện Kon Rẫy")
