"""One access layer per entity: for every scoped entity and every role (the system administrator
aside), one record the person may see and one they may not; the second is absent from every
list, detail, edit, export, API, history page, other rooms' embedded lists, drill-downs and the
official tables — 404 where it is addressed directly, missing where it would be listed.

The world: two communes of Kon Rẫy. Every person holds their role in commune A; commune B is
outside everyone's area. The mentor is assigned one household of commune A (``h_mine``); the
other household of commune A (``h_near``) is the mentor's "may not see" record, so the mentor
rule is proved inside one commune, on other rooms' pages too. A household of commune B
(``h_far``) that moved away is still named by commune A's model, outreach activity and
exemplary story (records written before the move): nobody in commune A may see it there.
The new rooms join the same world: each commune's village survey, the three households' 2023
plans, a Women's Union in each commune (the reporting unit also acts for commune A's, which
listed ``h_mine`` and ``h_near`` — and ``h_far`` before it moved) with its goal, and an inbox
item for each person, the other mentor's among them.

Built once per module (``world``, rolled back at the end); each test runs in a savepoint.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import docx
import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse

from tests import factories
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory, ReviewFactory
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.periods import Period, PeriodKind
from vuonlen.geo.loaders import load_province
from vuonlen.geo.models import AdministrativeUnit, Level

D = dt.date
API = "/api/v1"
ROLES = ("secretariat", "reporting_unit", "commune_officer", "mentor", "viewer")
COMMUNE_A, COMMUNE_B, DISTRICT = "23485", "23497", "614"  # Đắk Tơ Lung, Tân Lập; Kon Rẫy


class World:
    pass


def _build() -> World:
    from vuonlen.campaign import services as campaign
    from vuonlen.directives import services as directives
    from vuonlen.directives.models import DeadlineKind, DocumentKind, ExpectedOutput
    from vuonlen.initiatives import services as initiatives
    from vuonlen.initiatives.models import Exemplar, InitiativeLevel, Participation
    from vuonlen.initiatives.models import Kind as InitiativeKind
    from vuonlen.outreach import services as outreach
    from vuonlen.outreach.models import ActivityKind
    from vuonlen.reporting import defaults
    from vuonlen.reporting import services as reporting
    from vuonlen.reporting.models import Obligation, ReportSchedule, ScheduleKind
    from vuonlen.support import services as support
    from vuonlen.support.models import Kind as SupportKind
    from vuonlen.support.models import Source
    from vuonlen.twinning import services as twinning
    from vuonlen.twinning.models import ActivityKind as TwinningKind

    w = World()
    w.a = factories.unit(COMMUNE_A)
    w.b = factories.unit(COMMUNE_B)
    w.district = factories.unit(DISTRICT, level=Level.DISTRICT)
    w.village_a = VillageFactory(commune=w.a, name="Thôn Làng Trong")
    w.village_b = VillageFactory(commune=w.b, name="Thôn Làng Ngoàixa")
    org = factories.make_org
    w.org_a = org(w.a, OrgKind.AGENCY, "Trạm Khuyến nông Đắk Tơ Lung Thấy")
    w.org_b = org(w.b, OrgKind.AGENCY, "Trạm Khuyến nông Tân Lập Khuất")
    w.district_bcd = org(w.district, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo huyện Kon Rẫy")
    user = factories.make_user
    w.users = {
        "secretariat": user(Role.SECRETARIAT, w.a, username="tc.thuongtruc"),
        "reporting_unit": user(Role.REPORTING_UNIT, organisation=w.org_a, username="tc.donvi"),
        "commune_officer": user(Role.COMMUNE_OFFICER, w.a, username="tc.canboxa"),
        "mentor": user(Role.MENTOR, w.a, username="tc.phutrach", full_name="Người Phụ Trách Thấy"),
        "viewer": user(Role.VIEWER, w.a, username="tc.lanhdao"),
    }
    w.other_mentor = user(Role.MENTOR, w.a, username="tc.phutrach2", full_name="Người Phụ Trách Khuất")
    w.far_mentor = user(Role.MENTOR, w.b, username="tc.phutrach3", full_name="Người Phụ Trách Ngoàixa")

    # --- households, reviews, the campaign's records -------------------------------------------
    w.h_mine = HouseholdFactory(unit=w.village_a, members=[{"full_name": "Ksor Thấy"}], code="TCA-0001", actor=SYSTEM)
    w.h_near = HouseholdFactory(unit=w.village_a, members=[{"full_name": "Rơ Châm Khuất"}], code="TCA-0002", actor=SYSTEM)
    w.h_far = HouseholdFactory(unit=w.village_b, members=[{"full_name": "Đinh Ngoàixa"}], code="TCB-0003", actor=SYSTEM)
    w.reviews = {h.pk: ReviewFactory(household=h, year=2023, actor=SYSTEM) for h in (w.h_mine, w.h_near, w.h_far)}
    w.assignments = {
        w.h_mine.pk: campaign.mentor_assign(actor=SYSTEM, mentor=w.users["mentor"], households=[w.h_mine],
                                            started_on=D(2023, 1, 1))[0],
        w.h_near.pk: campaign.mentor_assign(actor=SYSTEM, mentor=w.other_mentor, households=[w.h_near],
                                            started_on=D(2023, 1, 1))[0],
        w.h_far.pk: campaign.mentor_assign(actor=SYSTEM, mentor=w.far_mentor, households=[w.h_far],
                                           started_on=D(2023, 1, 1))[0],
    }
    mentors = {w.h_mine.pk: w.users["mentor"], w.h_near.pk: w.other_mentor, w.h_far.pk: w.far_mentor}
    w.visits = {pk: campaign.visit_log(actor=SYSTEM, household=h, visited_on=D(2023, 6, 1), mentor=mentors[pk],
                                       discussed="Trao đổi")
                for pk, h in ((w.h_mine.pk, w.h_mine), (w.h_near.pk, w.h_near), (w.h_far.pk, w.h_far))}
    w.assessments = {h.pk: campaign.assessment_record(actor=SYSTEM, household=h, year=2023,
                                                      data={"assessed_on": D(2023, 11, 20), "told": True})
                     for h in (w.h_mine, w.h_near, w.h_far)}

    # --- models, exemplary households, outreach ------------------------------------------------
    def initiative(name, unit, organisation):
        return initiatives.initiative_create(actor=SYSTEM, name=name, kind=InitiativeKind.LIVESTOCK,
                                             organisation=organisation, unit=unit, start_year=2023,
                                             level=InitiativeLevel.COMMUNE)

    w.init_a = initiative("Mô hình nuôi dê Làng Trong", w.a, w.org_a)
    w.init_b = initiative("Mô hình nuôi heo Ngoàixa", w.b, w.org_b)
    initiatives.participants_add(actor=SYSTEM, initiative=w.init_a, households=[w.h_mine, w.h_near],
                                 started_on=D(2023, 3, 1))
    Participation.objects.create(initiative=w.init_a, household=w.h_far, started_on=D(2023, 3, 1))
    w.ex_a = initiatives.exemplar_create(actor=SYSTEM, commune=w.a, year=2023, story="Chuyện Làng Trong",
                                         household=w.h_mine)
    initiatives.exemplar_create(actor=SYSTEM, commune=w.a, year=2023, story="Chuyện hàng xóm",
                                household=w.h_near)
    Exemplar.objects.create(commune=w.a, year=2023, story="Chuyện hộ đã chuyển đi", household=w.h_far)
    w.ex_b = initiatives.exemplar_create(actor=SYSTEM, commune=w.b, year=2023, story="Chuyện Ngoàixa",
                                         display_name="Gia đình Ngoàixa")
    w.out_a = outreach.activity_record(actor=SYSTEM, kind=ActivityKind.TRAINING, date=D(2023, 5, 2), unit=w.a,
                                       title="Tuyên truyền Làng Trong", participants=30,
                                       households=[w.h_mine, w.h_near])
    w.out_a.households.add(w.h_far)
    w.out_b = outreach.activity_record(actor=SYSTEM, kind=ActivityKind.TRAINING, date=D(2023, 5, 3), unit=w.b,
                                       title="Tuyên truyền Ngoàixa", participants=20)

    # --- twinning, the ledger ------------------------------------------------------------------
    w.pair_a = twinning.pair_create(actor=SYSTEM, organisation=w.org_a, unit=w.a, started_on=D(2023, 1, 1),
                                    agreement_number="KN-LANGTRONG")
    w.pair_b = twinning.pair_create(actor=SYSTEM, organisation=w.org_b, unit=w.b, started_on=D(2023, 1, 1),
                                    agreement_number="KN-NGOAIXA")
    w.pair_b_activity = twinning.activity_record(actor=SYSTEM, pair=w.pair_b, kind=TwinningKind.VOCATIONAL_TRAINING,
                                                 date=D(2023, 4, 2), value_vnd=5_000_000,
                                                 description="Dạy nghề Ngoàixa")

    def entry(giver, value, **recipient):
        return support.entry_record(actor=SYSTEM, source=Source.NTP_POVERTY, kind=SupportKind.CASH,
                                    value_vnd=value, date=D(2023, 7, 1), giver=giver, **recipient)

    w.entry_a = entry(w.org_a, 1_111_000, household=w.h_mine, description="Hỗ trợ Làng Trong")
    w.entry_near = entry(w.org_a, 2_222_000, household=w.h_near, description="Hỗ trợ hàng xóm")
    w.entry_b = entry(w.org_b, 9_876_000, unit=w.village_b, description="Hỗ trợ Ngoàixa")

    # --- periodic reports, directives ---------------------------------------------------------
    schedule = ReportSchedule.objects.create(name="Báo cáo quý Cuộc vận động", kind=ScheduleKind.QUARTERLY,
                                             form=defaults.quarterly_form(), issuer=w.district_bcd, year_from=2023)
    Obligation.objects.create(schedule=schedule, org_kind=OrgKind.AGENCY, unit_level=Level.COMMUNE)
    q1 = Period(2023, PeriodKind.QUARTER, 1)
    w.submission_a = reporting.submission_start(actor=SYSTEM, organisation=w.org_a, schedule=schedule, period=q1)
    w.submission_b = reporting.submission_start(actor=SYSTEM, organisation=w.org_b, schedule=schedule, period=q1)

    def document(issuer, number, title):
        doc = directives.document_register(actor=SYSTEM, issuer=issuer, number=number, kind=DocumentKind.NOTICE,
                                           date=D(2023, 7, 12), title=title)
        task = directives.task_create(actor=SYSTEM, document=doc, lead=issuer, text=f"Nhiệm vụ {title}",
                                      expected_output=ExpectedOutput.REPORT, deadline_kind=DeadlineKind.DATE,
                                      deadline=D(2023, 8, 31))
        return doc, task

    w.doc_a, w.task_a = document(w.org_a, "11-TB/BCĐ", "kết luận giao ban Làng Trong")
    w.doc_b, w.task_b = document(w.org_b, "22-TB/BCĐ", "kết luận giao ban Ngoàixa")
    _build_surveys_and_plans(w)
    return w


def _build_surveys_and_plans(w: World) -> None:
    """Village surveys, household plans, the mass organisations' member households and goals, and
    each person's inbox. The reporting unit also acts for commune A's Women's Union, which lists
    ``h_mine`` and ``h_near`` (and, written before the move, ``h_far``)."""
    from vuonlen.accounts.models import RoleAssignment
    from vuonlen.households import services as households
    from vuonlen.messaging.models import InboxItem, InboxKind
    from vuonlen.plans import services as plans
    from vuonlen.plans.models import Goal, OrganisationHousehold, Outcome, Solution
    from vuonlen.surveys import services as surveys
    from vuonlen.surveys.catalogue import ensure_catalogue
    from vuonlen.surveys.models import PovertyCause, SurveyFile

    ensure_catalogue()
    for household in (w.h_mine, w.h_near, w.h_far):  # poor: their member households and plans are listed
        w.reviews[household.pk] = households.review_recognise(actor=SYSTEM, review=w.reviews[household.pk],
                                                              decision_number="123/QĐ-UBND",
                                                              decision_date=D(2023, 11, 1), source="test")
        household.refresh_from_db()
    cause = PovertyCause.objects.get(code="thieu_von")

    def survey(village, total, poor, near, n_cause):
        return surveys.survey_create(actor=SYSTEM, village=village, year=2023, causes={cause.pk: n_cause}, files=[],
                                     data={"surveyed_by": "Tổ khảo sát", "surveyed_on": D(2023, 3, 1),
                                           "households_total": total, "poor_households": poor,
                                           "near_poor_households": near})

    w.survey_a = survey(w.village_a, 50, 7, 3, 6)
    w.survey_b = survey(w.village_b, 90, 41, 13, 37)
    for record in (w.survey_a, w.survey_b):  # a file's row: its address is refused before any read
        SurveyFile.objects.create(survey=record, stored_name=f"khao-sat/{record.pk}.pdf", original_name="bien-ban.pdf",
                                  content_type="application/pdf", size=10, sha256="0" * 64)

    def plan(household, model, outcome=""):
        return plans.plan_create(actor=SYSTEM, household=household, year=2023, data={
            "causes": [cause], "goal": Goal.OUT_THIS_YEAR, "solutions": [Solution.PRODUCTION_MODEL],
            "production_model": model, "outcome": outcome})

    w.plans = {w.h_mine.pk: plan(w.h_mine, "Nuôi dê Thấy", Outcome.ACHIEVED),
               w.h_near.pk: plan(w.h_near, "Nuôi gà Khuất", Outcome.ACHIEVED),
               w.h_far.pk: plan(w.h_far, "Nuôi heo Ngoàixa", Outcome.ACHIEVED)}

    w.union_a = factories.make_org(w.a, OrgKind.WOMENS_UNION, "Hội Phụ nữ Đắk Tơ Lung Thấy")
    w.union_b = factories.make_org(w.b, OrgKind.WOMENS_UNION, "Hội Phụ nữ Tân Lập Ngoàixa")
    RoleAssignment.objects.create(user=w.users["reporting_unit"], role=Role.REPORTING_UNIT, organisation=w.union_a)
    w.link_a, _near = plans.org_households_add(actor=SYSTEM, organisation=w.union_a, since_year=2023,
                                               codes=[w.h_mine.code, w.h_near.code])
    w.link_b, = plans.org_households_add(actor=SYSTEM, organisation=w.union_b, since_year=2023, codes=[w.h_far.code])
    w.link_far = OrganisationHousehold.objects.create(organisation=w.union_a, household=w.h_far, since_year=2023)
    w.goal_a = plans.goal_save(actor=SYSTEM, organisation=w.union_a, year=2023, target_out=2,
                               plan_note="Mục tiêu của hội Thấy")
    w.goal_b = plans.goal_save(actor=SYSTEM, organisation=w.union_b, year=2023, target_out=1,
                               plan_note="Mục tiêu của hội Ngoàixa")

    def item(user, title):
        return InboxItem.objects.create(user=user, kind=InboxKind.TASK_DUE, key=f"task_due:{w.task_a.pk}:{title}",
                                        ref_id=w.task_a.pk, title=title,
                                        url=reverse("directives:task_detail", args=[w.task_a.pk]),
                                        due_date=D(2023, 8, 31))

    w.items = {role: item(user, f"Việc riêng của {role} Thấy") for role, user in w.users.items()}
    w.item_other = item(w.other_mentor, "Việc của người phụ trách Khuất")
    # An item collected while its household was still theirs: the record is re-checked on every read.
    w.stale_items = {role: InboxItem.objects.create(
        user=user, kind=InboxKind.NOT_VISITED, key=f"not_visited:{hidden_household(w, role).pk}:none",
        ref_id=hidden_household(w, role).pk, title=f"{hidden_household(w, role).code} — cũ",
        url=reverse("campaign:household", args=[hidden_household(w, role).pk])) for role, user in w.users.items()}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the whole module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        if not AdministrativeUnit.objects.exists():
            load_province(62)
        with transaction.atomic():
            yield _build()
            transaction.set_rollback(True)


@pytest.fixture
def w(world, db):
    return world


# --- who may see which record ---------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """An entity: who may see its visible record; how to address and list its two records."""

    sees: frozenset[str]


ALL = frozenset(ROLES)
HOUSEHOLD_READERS = frozenset({"secretariat", "commune_officer", "mentor", "viewer"})
LEDGER_READERS = frozenset({"secretariat", "reporting_unit", "commune_officer", "viewer"})
SEES = {
    "village": ALL,
    "organisation": frozenset({"secretariat", "reporting_unit", "commune_officer", "viewer"}),
    "household": HOUSEHOLD_READERS,
    "review": HOUSEHOLD_READERS,
    "mentor_assignment": HOUSEHOLD_READERS,
    "visit": HOUSEHOLD_READERS,
    "assessment": HOUSEHOLD_READERS,
    "initiative": ALL,
    "exemplar": ALL,
    "outreach_activity": ALL,
    "twinning_pair": LEDGER_READERS,
    "support_entry": LEDGER_READERS,
    "submission": frozenset({"secretariat", "reporting_unit", "commune_officer", "viewer"}),
    "document": ALL,
    "task": ALL,
    "village_survey": frozenset({"secretariat", "reporting_unit", "commune_officer", "viewer"}),
    # The reporting unit reads the plans of the households its Women's Union listed.
    "household_plan": ALL,
    "org_household": frozenset({"secretariat", "reporting_unit", "commune_officer", "viewer"}),
    "org_goal": frozenset({"secretariat", "reporting_unit", "commune_officer", "viewer"}),
    "inbox_item": ALL,
}
ENTITIES = tuple(SEES)


def hidden_household(w, role):
    """The household ``role`` may not see: for the mentor, the neighbour in their own commune."""
    return w.h_near if role == "mentor" else w.h_far


def _records(w, entity, role):
    """(visible record, hidden record, text that names the visible one, text that names the hidden one)."""
    hh = hidden_household(w, role)
    if entity == "village":
        return w.village_a, w.village_b, w.village_a.name, w.village_b.name
    if entity == "organisation":
        return w.org_a, w.org_b, w.org_a.name, w.org_b.name
    if entity == "household":
        return w.h_mine, hh, w.h_mine.code, hh.code
    if entity == "review":
        return w.reviews[w.h_mine.pk], w.reviews[hh.pk], w.h_mine.code, hh.code
    if entity == "mentor_assignment":
        hidden = w.assignments[hh.pk]
        return w.assignments[w.h_mine.pk], hidden, w.users["mentor"].full_name, hidden.mentor.full_name
    if entity == "visit":
        return w.visits[w.h_mine.pk], w.visits[hh.pk], w.h_mine.code, hh.code
    if entity == "assessment":
        return w.assessments[w.h_mine.pk], w.assessments[hh.pk], w.h_mine.code, hh.code
    if entity == "initiative":
        return w.init_a, w.init_b, w.init_a.name, w.init_b.name
    if entity == "exemplar":
        return w.ex_a, w.ex_b, w.ex_a.story, w.ex_b.story
    if entity == "outreach_activity":
        return w.out_a, w.out_b, w.out_a.title, w.out_b.title
    if entity == "twinning_pair":
        return w.pair_a, w.pair_b, w.org_a.name, w.org_b.name
    if entity == "support_entry":
        return w.entry_a, w.entry_b, "1.111.000", "9.876.000"
    if entity == "submission":
        return w.submission_a, w.submission_b, w.org_a.name, w.org_b.name
    if entity == "document":
        return w.doc_a, w.doc_b, "Làng Trong", "Ngoàixa"
    if entity == "task":
        return w.task_a, w.task_b, "Làng Trong", "Ngoàixa"
    if entity == "village_survey":
        return w.survey_a, w.survey_b, w.village_a.name, w.village_b.name
    if entity == "household_plan":
        return w.plans[w.h_mine.pk], w.plans[hh.pk], w.h_mine.code, hh.code
    if entity == "org_household":
        return w.link_a, w.link_b, w.h_mine.code, w.h_far.code
    if entity == "org_goal":
        return w.goal_a, w.goal_b, w.union_a.name, w.union_b.name
    if entity == "inbox_item":
        return w.items[role], w.item_other, w.items[role].title, w.item_other.title
    raise AssertionError(entity)


# Per entity: list pages (where it would be listed), pages addressing one record (404 when hidden),
# exports (files), API lists, API record addresses, and the history page's (app, model).
LISTS = {
    "village": lambda w, v: [reverse("geo:unit_list"), reverse("geo:unit_detail", args=[w.a.pk])],
    "organisation": lambda w, v: [reverse("accounts:organisation_list")],
    "household": lambda w, v: [reverse("households:list"), reverse("campaign:household_list") + "?muc_tieu=0",
                               reverse("campaign:my_households"), reverse("initiatives:detail", args=[w.init_a.pk]),
                               reverse("outreach:detail", args=[w.out_a.pk]), reverse("initiatives:exemplars"),
                               reverse("support:entry_list")],
    "review": lambda w, v: [reverse("households:detail", args=[w.h_mine.pk])],
    "mentor_assignment": lambda w, v: [reverse("campaign:household", args=[w.h_mine.pk]),
                                       reverse("campaign:household_list") + "?muc_tieu=0", reverse("campaign:index")],
    "visit": lambda w, v: [reverse("campaign:household", args=[w.h_mine.pk])],
    "assessment": lambda w, v: [reverse("campaign:household", args=[w.h_mine.pk])],
    "initiative": lambda w, v: [reverse("initiatives:list"), reverse("initiatives:indicator5") + "?nam=2023"],
    "exemplar": lambda w, v: [reverse("initiatives:exemplars")],
    "outreach_activity": lambda w, v: [reverse("outreach:list")],
    "twinning_pair": lambda w, v: [reverse("twinning:pair_list"), reverse("twinning:index"),
                                   reverse("twinning:ranking")],
    "support_entry": lambda w, v: [reverse("support:entry_list"), reverse("support:totals")],
    "submission": lambda w, v: [reverse("reporting:list"), reverse("reporting:board"), reverse("reporting:home")],
    "document": lambda w, v: [reverse("directives:document_list"), reverse("directives:index")],
    "task": lambda w, v: [reverse("directives:my_tasks"), reverse("directives:overdue"),
                          reverse("directives:index")],
    "village_survey": lambda w, v: [reverse("surveys:list") + "?nam=2023",
                                    reverse("surveys:summary") + f"?nam=2023&don-vi={w.a.pk}",
                                    reverse("surveys:summary") + "?nam=2023"],
    "household_plan": lambda w, v: [reverse("plans:list") + "?nam=2023", reverse("plans:mine") + "?nam=2023",
                                    reverse("plans:list") + f"?nam=2023&don-vi={w.a.pk}&ket-qua=achieved",
                                    reverse("plans:list") + "?nam=2024&chua-co=1",
                                    reverse("plans:organisation", args=[w.union_a.pk]) + "?nam=2023",
                                    reverse("initiatives:detail", args=[w.init_a.pk]),
                                    reverse("initiatives:exemplars")],
    "org_household": lambda w, v: [reverse("plans:organisation", args=[w.union_a.pk]) + "?nam=2023",
                                   reverse("plans:organisations") + "?nam=2023",
                                   reverse("plans:list") + f"?nam=2023&to-chuc={w.union_a.pk}"],
    "org_goal": lambda w, v: [reverse("plans:organisation", args=[w.union_a.pk]) + "?nam=2023",
                              reverse("plans:organisations") + "?nam=2023"],
    "inbox_item": lambda w, v: [reverse("messaging:inbox")],
}
ADDRESSES = {
    "village": lambda r: [reverse("geo:unit_detail", args=[r.pk]), reverse("geo:village_update", args=[r.pk]),
                          reverse("geo:village_delete", args=[r.pk])],
    "organisation": lambda r: [],
    "household": lambda r: [reverse("households:detail", args=[r.pk]), reverse("households:update", args=[r.pk]),
                            reverse("households:member_add", args=[r.pk]), reverse("households:end", args=[r.pk]),
                            reverse("households:review_record", args=[r.pk]),
                            reverse("campaign:household", args=[r.pk]),
                            reverse("campaign:visit_create", args=[r.pk]),
                            reverse("campaign:assessment_create", args=[r.pk])],
    "review": lambda r: [reverse("households:review_recognise", args=[r.pk]),
                         reverse("households:review_correct", args=[r.pk])],
    "mentor_assignment": lambda r: [reverse("campaign:assignment_end", args=[r.pk]),
                                    reverse("campaign:mentor", args=[r.mentor_id])],
    "visit": lambda r: [reverse("campaign:visit_photo", args=[r.pk])],
    "assessment": lambda r: [reverse("campaign:assessment_update", args=[r.pk])],
    "initiative": lambda r: [reverse("initiatives:detail", args=[r.pk]), reverse("initiatives:edit", args=[r.pk]),
                             reverse("initiatives:participants_add", args=[r.pk]),
                             reverse("initiatives:fund_add", args=[r.pk])],
    "exemplar": lambda r: [reverse("initiatives:exemplar_approve", args=[r.pk]),
                           reverse("initiatives:exemplar_photo", args=[r.pk])],
    "outreach_activity": lambda r: [reverse("outreach:detail", args=[r.pk])],
    "twinning_pair": lambda r: [reverse("twinning:pair_detail", args=[r.pk]),
                                reverse("twinning:pair_update", args=[r.pk]),
                                reverse("twinning:activity_create", args=[r.pk]),
                                reverse("twinning:evaluation_record", args=[r.pk, 2023])]
    + [reverse("twinning:activity_update", args=[a.pk]) for a in r.activities.all()],
    "support_entry": lambda r: [reverse("support:entry_detail", args=[r.pk]),
                                reverse("support:entry_update", args=[r.pk])],
    "submission": lambda r: [reverse("reporting:detail", args=[r.pk]), reverse("reporting:edit", args=[r.pk]),
                             reverse("reporting:review", args=[r.pk]), reverse("reporting:docx", args=[r.pk])],
    "document": lambda r: [reverse("directives:document_detail", args=[r.pk]),
                           reverse("directives:document_edit", args=[r.pk]),
                           reverse("directives:task_create", args=[r.pk]),
                           reverse("directives:notice_docx", args=[r.pk])],
    "task": lambda r: [reverse("directives:task_detail", args=[r.pk]),
                       reverse("directives:task_update", args=[r.pk])],
    "village_survey": lambda r: [reverse("surveys:detail", args=[r.pk]), reverse("surveys:edit", args=[r.pk]),
                                 reverse("surveys:attach", args=[r.pk]),
                                 reverse("surveys:summary") + f"?nam=2023&don-vi={r.village.parent_id}",
                                 reverse("surveys:summary") + f"?nam=2023&don-vi={r.village.parent_id}&tai=xlsx",
                                 reverse("surveys:summary") + f"?nam=2023&don-vi={r.village.parent_id}&tai=docx",
                                 reverse("surveys:list") + f"?nam=2023&don-vi={r.village_id}"]
    + [reverse("surveys:file", args=[f.pk]) for f in r.files.all()],
    # A year without a plan addresses the household itself: refused the same way.
    "household_plan": lambda r: [reverse("plans:household_plan", args=[r.household_id, r.year]),
                                 reverse("plans:household_plan", args=[r.household_id, r.year + 1])],
    "org_household": lambda r: [reverse("plans:organisation", args=[r.organisation_id]),
                                reverse("plans:organisation", args=[r.organisation_id]) + "?tai=xlsx",
                                reverse("plans:organisation_add", args=[r.organisation_id]),
                                reverse("plans:organisation_import", args=[r.organisation_id]),
                                reverse("plans:organisation_remove", args=[r.organisation_id, r.pk]),
                                reverse("plans:list") + f"?nam=2023&to-chuc={r.organisation_id}"],
    "org_goal": lambda r: [reverse("plans:organisation", args=[r.organisation_id]),
                           reverse("plans:organisation_goal", args=[r.organisation_id]) + "?nam=2023",
                           reverse("plans:organisation_result", args=[r.organisation_id]) + "?nam=2023"],
    "inbox_item": lambda r: [reverse("messaging:item_open", args=[r.pk])],
}
HISTORY = {
    "village": ("geo", "administrativeunit"), "organisation": ("accounts", "organisation"),
    "household": ("households", "household"), "review": ("households", "review"),
    "mentor_assignment": ("campaign", "mentorassignment"), "visit": ("campaign", "visit"),
    "assessment": ("campaign", "assessment"), "initiative": ("initiatives", "initiative"),
    "outreach_activity": ("outreach", "activity"), "twinning_pair": ("twinning", "twinningpair"),
    "support_entry": ("support", "supportentry"), "submission": ("reporting", "submission"),
    "document": ("directives", "document"), "task": ("directives", "task"),
    "village_survey": ("surveys", "villagesurvey"), "household_plan": ("plans", "householdplan"),
    "org_goal": ("plans", "organisationgoal"),
}
EXPORTS = {
    "household": lambda: [reverse("household_imports:export")],
    "support_entry": lambda: [reverse("support:totals_export")],
    "village_survey": lambda: [reverse("surveys:summary") + "?nam=2023&tai=xlsx",
                               reverse("surveys:summary") + "?nam=2023&tai=docx"],
    "household_plan": lambda: [reverse("plans:list") + "?nam=2023&tai=xlsx"],
    "org_household": lambda: [reverse("plans:organisations") + "?nam=2023&tai=xlsx"],
    "org_goal": lambda: [reverse("plans:organisations") + "?nam=2023&tai=xlsx"],
}
API_LISTS = {"household": [f"{API}/households"], "review": [f"{API}/reviews?year=2023"],
             "village_survey": [f"{API}/surveys/?year=2023", f"{API}/surveys/summary?year=2023"],
             "household_plan": [f"{API}/plans/?year=2023", f"{API}/plans/dashboard?year=2023"]}
API_ADDRESSES = {
    "household": lambda r: [f"{API}/households/{r.pk}", f"{API}/households/{r.pk}/members",
                            f"{API}/households/{r.pk}/reviews"],
    "village_survey": lambda r: [f"{API}/surveys/?year=2023&unit={r.village_id}",
                                 f"{API}/surveys/summary?year=2023&unit={r.village.parent_id}"],
}


def _text(response) -> str:
    kind = response.get("Content-Type", "")
    if "wordprocessingml" in kind:
        document = docx.Document(io.BytesIO(response.content))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for v in row if v is not None)
    return response.content.decode("utf-8", "replace")


CASES = [(entity, role) for entity in ENTITIES for role in ROLES]


@pytest.mark.parametrize(("entity", "role"), CASES, ids=[f"{e}-{r}" for e, r in CASES])
def test_the_hidden_record_is_nowhere_and_the_visible_one_is_there(client, w, entity, role):
    visible, hidden, seen_mark, hidden_mark = _records(w, entity, role)
    sees = role in SEES[entity]
    client.force_login(w.users[role])
    leaks = []
    for url in LISTS[entity](w, visible) + EXPORTS.get(entity, list)() + API_LISTS.get(entity, []):
        response = client.get(url)
        body = _text(response) if response.status_code == 200 else ""
        if hidden_mark in body:
            leaks.append(f"listed in {url}")
    for url in ADDRESSES[entity](hidden) + API_ADDRESSES.get(entity, lambda r: [])(hidden):
        status = client.get(url).status_code
        if status == 405:  # an action taken by POST only: posting to a hidden record finds nothing
            status = client.post(url, {}).status_code
        if status != 404:
            leaks.append(f"{url} answered {status}")
    if entity in HISTORY:
        url = reverse("core:history", args=[*HISTORY[entity], hidden.pk])
        if (status := client.get(url).status_code) != 404:
            leaks.append(f"history {url} answered {status}")
    assert not leaks, leaks

    # The visible record is really there for those who may see it (else the probe proves nothing),
    # and for the others it is out of reach too.
    first_list = LISTS[entity](w, visible)[0]
    response = client.get(first_list)
    if sees:
        assert response.status_code == 200 and seen_mark in _text(response), first_list
        if entity in HISTORY:
            assert client.get(reverse("core:history", args=[*HISTORY[entity], visible.pk])).status_code == 200
    else:
        assert seen_mark not in (_text(response) if response.status_code == 200 else "")
        if entity in HISTORY:
            assert client.get(reverse("core:history", args=[*HISTORY[entity], visible.pk])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_other_rooms_name_only_the_households_the_reader_may_see(client, w, role):
    """The model's participants, the households an activity reached, the exemplary households and
    the ledger name a household (code or head's name) only for a reader who may see it."""
    hidden = hidden_household(w, role)
    head = hidden.head_name
    client.force_login(w.users[role])
    pages = [reverse("initiatives:detail", args=[w.init_a.pk]), reverse("outreach:detail", args=[w.out_a.pk]),
             reverse("initiatives:exemplars"), reverse("support:entry_list"),
             reverse("support:entry_detail", args=[w.entry_near.pk]), reverse("support:totals_export"),
             reverse("campaign:mentor", args=[w.users["mentor"].pk]),
             reverse("indicators:dashboard_households", args=[w.a.pk]) + "?indicator=NEP_NGHI&year=2023",
             reverse("indicators:dashboard_households", args=[w.a.pk])
             + "?indicator=NEP_NGHI&year=2023&format=xlsx"]
    # Another commune's drill-down does not exist for anyone here.
    drill_b = reverse("indicators:dashboard_households", args=[w.b.pk]) + "?indicator=NEP_NGHI&year=2023"
    assert client.get(drill_b).status_code == 404
    for url in pages:
        response = client.get(url)
        body = _text(response) if response.status_code == 200 else ""
        assert hidden.code not in body and head not in body, url
    if role in HOUSEHOLD_READERS:
        page = client.get(reverse("initiatives:detail", args=[w.init_a.pk])).content.decode()
        assert w.h_mine.code in page and w.h_mine.head_name in page
        assert w.h_mine.code in client.get(reverse("outreach:detail", args=[w.out_a.pk])).content.decode()
        assert w.h_mine.code in client.get(reverse("initiatives:exemplars")).content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_official_tables_count_only_what_the_reader_may_see(client, w, role):
    """A mentor's tables count their own households; a reader of the commune counts the commune;
    another commune's tables are not found; nobody's figures include commune B's household."""
    from vuonlen.households.official_tables import report_for

    user = w.users[role]
    from django.http import Http404

    with pytest.raises(Http404):
        report_for(user, unit_pk=w.b.pk, year=2023)
    if role not in HOUSEHOLD_READERS:
        with pytest.raises(Http404):
            report_for(user, unit_pk=w.a.pk, year=2023)
        return
    values = report_for(user, unit_pk=w.a.pk, year=2023).table("01").rows()[0].values
    counted = sum(values.get(k) or 0 for k in ("poor_h", "near_h", "average_h"))
    assert counted == (1 if role == "mentor" else 2)
    client.force_login(user)
    response = client.get(reverse("household_reports:xlsx"), {"unit": w.b.pk, "year": 2023, "table": "01"})
    assert response.status_code in (404, 200) and "Tân Lập" not in _text(response)


@pytest.mark.parametrize("role", ROLES)
def test_aggregate_pages_and_drill_downs_leave_out_the_other_commune(client, w, role):
    """Indicator 5 and 1, the ledger's totals, the twinning ranking, the reports' board and the
    overdue tasks break figures down by unit: commune B, outside everyone's area, is not a row."""
    client.force_login(w.users[role])
    for url in (reverse("initiatives:indicator5") + "?nam=2023", reverse("outreach:indicator1") + "?nam=2023",
                reverse("support:totals"), reverse("support:totals_export"), reverse("twinning:ranking"),
                reverse("reporting:board"), reverse("directives:overdue")):
        response = client.get(url)
        body = _text(response) if response.status_code == 200 else ""
        assert w.b.name not in body and w.org_b.name not in body, url


def test_none_is_nobody_and_the_system_sees_everything(w):
    """No ``user=None`` meaning "everything": None sees nothing, SYSTEM all."""
    from vuonlen.directives.selectors import documents_visible_to
    from vuonlen.households.selectors import households_visible_to, reviews_visible_to
    from vuonlen.initiatives.selectors import initiatives_visible_to
    from vuonlen.support.selectors import entries_visible_to
    from vuonlen.twinning.selectors import pairs_visible_to

    for function in (households_visible_to, reviews_visible_to, initiatives_visible_to, entries_visible_to,
                     pairs_visible_to, documents_visible_to):
        assert not function(None).exists(), function.__name__
        assert function(SYSTEM).exists(), function.__name__
    assert set(households_visible_to(SYSTEM).filter(code__startswith="TC")) == {w.h_mine, w.h_near, w.h_far}


def test_a_service_called_with_none_acts_for_nobody(w):
    from django.http import Http404

    from vuonlen.initiatives import services
    from vuonlen.initiatives.models import Kind

    with pytest.raises(Http404):
        services.initiative_create(actor=None, name="Không ai", kind=Kind.LIVESTOCK, organisation=None, unit=w.a,
                                   start_year=2023)


# --- village surveys, household plans, organisations' households and goals ---------------------

PLAN_URL = "plans:household_plan"


@pytest.mark.parametrize("role", ROLES)
def test_other_rooms_link_only_the_plans_the_reader_may_see(client, w, role):
    """The exemplary households link to the plan that got them there and a model's participants
    show their plans' goals: a plan the reader may not see is never linked there."""
    hidden = w.plans[hidden_household(w, role).pk]
    visible = w.plans[w.h_mine.pk]
    client.force_login(w.users[role])
    pages = {url: client.get(url).content.decode() for url in (reverse("initiatives:exemplars"),
                                                                reverse("initiatives:detail", args=[w.init_a.pk]))}
    for url, page in pages.items():
        assert reverse(PLAN_URL, args=[hidden.household_id, 2023]) not in page, url
        assert reverse(PLAN_URL, args=[w.h_far.pk, 2023]) not in page, url
        if role in HOUSEHOLD_READERS:
            assert reverse(PLAN_URL, args=[visible.household_id, 2023]) in page, url


@pytest.mark.parametrize("role", ROLES)
def test_the_cause_summary_counts_only_the_surveys_the_reader_may_see(client, w, role):
    """The cause summary (page, .xlsx, .docx, API) adds up commune A's survey only; commune B's
    summary does not exist for anyone here."""
    client.force_login(w.users[role])
    summary = reverse("surveys:summary")
    assert client.get(summary, {"nam": 2023, "don-vi": w.b.pk}).status_code in (403, 404)
    assert client.get(f"{API}/surveys/summary", {"year": 2023, "unit": w.b.pk}).status_code in (403, 404)
    response = client.get(f"{API}/surveys/summary", {"year": 2023})
    if role not in SEES["village_survey"]:
        assert response.status_code in (403, 404)
        return
    total = response.json()[-1]
    assert (total["surveys"], total["poor"], total["near_poor"], total["causes"]) == (1, 7, 3, {"thieu_von": 6})
    form = client.get(reverse("surveys:create"), {"thon": w.village_b.pk})  # a village of commune B offered
    assert w.village_b.name not in (form.content.decode() if form.status_code == 200 else "")
    for params in ({"nam": 2023}, {"nam": 2023, "don-vi": w.a.pk}, {"nam": 2023, "tai": "xlsx"},
                   {"nam": 2023, "don-vi": w.a.pk, "tai": "docx"}):
        body = _text(client.get(summary, params))
        assert w.village_a.name in body or "Đắk Tơ Lung" in body, params
        assert w.village_b.name not in body and w.b.name not in body, params


@pytest.mark.parametrize("role", ROLES)
def test_the_plans_dashboard_and_its_drill_down_leave_out_what_the_reader_may_not_see(client, w, role):
    """Counts cover the plans the reader may see (the mentor: their household's); the drill-down
    lists name only those households; commune B's dashboard does not exist for anyone here."""
    client.force_login(w.users[role])
    hidden = hidden_household(w, role)
    assert client.get(reverse("plans:dashboard"), {"nam": 2023, "don-vi": w.b.pk}).status_code == 404
    assert client.get(f"{API}/plans/dashboard", {"year": 2023, "unit": w.b.pk}).status_code == 404
    assert client.get(reverse("plans:list"), {"nam": 2023, "don-vi": w.b.pk}).status_code == 404
    assert client.get(f"{API}/plans/", {"year": 2023, "unit": w.b.pk}).status_code == 404
    seen = {"mentor": 1}.get(role, 2)  # the reporting unit: the two households its union listed
    total = client.get(f"{API}/plans/dashboard", {"year": 2023}).json()[-1]
    assert (total["with_plan"], total["achieved"], total["goal_out"]) == (seen, seen, seen)
    page = client.get(reverse("plans:dashboard"), {"nam": 2023}).content.decode()
    assert w.b.name not in page
    for params in ({"nam": 2023, "ket-qua": "achieved"}, {"nam": 2023, "muc-tieu": "out_this_year"},
                   {"nam": 2024, "chua-co": "1"}, {"nam": 2023, "ket-qua": "achieved", "tai": "xlsx"}):
        body = _text(client.get(reverse("plans:list"), params))
        assert hidden.code not in body and hidden.head_name not in body, params
        assert w.h_far.code not in body, params


@pytest.mark.parametrize("role", ROLES)
def test_an_organisation_never_shows_a_household_that_left_its_area(client, w, role):
    """Commune A's Women's Union listed ``h_far`` before it moved to commune B: neither the union
    itself nor the commune's readers see that line, in the page, its .xlsx or the counts, and the
    union cannot address it."""
    client.force_login(w.users[role])
    page = reverse("plans:organisation", args=[w.union_a.pk])
    for url in (page + "?nam=2023", page + "?nam=2023&tai=xlsx", reverse("plans:organisations") + "?nam=2023",
                reverse("plans:organisations") + "?nam=2023&tai=xlsx"):
        response = client.get(url)
        body = _text(response) if response.status_code == 200 else ""
        assert w.h_far.code not in body and w.h_far.head_name not in body, url
    if role in SEES["org_household"]:
        book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("plans:organisations") + "?nam=2023&tai=xlsx")
                                                 .content))
        rows = {row[0]: row for row in book.active.iter_rows(min_row=2, values_only=True)}
        assert rows[w.union_a.name][2] == 2  # h_mine and h_near, not h_far
    status = client.post(reverse("plans:organisation_remove", args=[w.union_a.pk, w.link_far.pk])).status_code
    assert status in (403, 404) and (status == 404 or role != "reporting_unit")
    assert type(w.link_far).objects.filter(pk=w.link_far.pk).exists()


ADMIN_ENTITIES = {
    "village_survey": ("surveys", "villagesurvey"), "household_plan": ("plans", "householdplan"),
    "org_household": ("plans", "organisationhousehold"), "org_goal": ("plans", "organisationgoal"),
}


def _access_function(entity):
    from vuonlen.plans import selectors as plans
    from vuonlen.surveys import selectors as surveys

    return {"village_survey": surveys.surveys_visible_to, "household_plan": plans.plans_visible_to,
            "org_household": plans.org_households_visible_to, "org_goal": plans.goals_visible_to}[entity]


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_shows_the_new_rooms_through_their_access_functions(client, w, role):
    """A staff member with the admin's view permissions lists, in the admin, exactly the records
    the entity's access function lets through (the mentor rule included); a hidden one is 404."""
    from django.contrib.auth.models import Permission

    user = type(w.users[role]).objects.get(pk=w.users[role].pk)  # a copy: the world's object stays as built
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["surveys", "plans"],
                                                        codename__startswith="view_"))
    client.force_login(user)
    leaks = []
    for entity, (app, model) in ADMIN_ENTITIES.items():
        _visible, hidden, _seen, _hidden_mark = _records(w, entity, role)
        listing = client.get(reverse(f"admin:{app}_{model}_changelist"))
        assert listing.status_code == 200, entity
        listed = set(listing.context["cl"].queryset.values_list("pk", flat=True))
        allowed = set(_access_function(entity)(user).values_list("pk", flat=True))
        if not listed <= allowed or hidden.pk in listed:
            leaks.append(f"{entity}: admin lists {sorted(listed - allowed)}")
        if (status := client.get(reverse(f"admin:{app}_{model}_change", args=[hidden.pk])).status_code) != 404:
            leaks.append(f"{entity}: admin change page answered {status}")
    assert not leaks, leaks


@pytest.mark.parametrize("role", ROLES)
def test_the_inbox_shows_no_item_whose_record_the_reader_may_not_see(client, w, role):
    """An item of their own that names a household they may not see (any more) is not shown."""
    client.force_login(w.users[role])
    page = client.get(reverse("messaging:inbox")).content.decode()
    assert w.stale_items[role].title not in page and hidden_household(w, role).code not in page
    assert w.items[role].title in page
