"""Two people edit the same record from the same loaded version: one save wins, the other is
refused with the Vietnamese "someone else changed it" message, and nothing of the winner's change
is lost. One case per versioned entity (every service that takes ``expected_version``).

For each entity:
- one after the other (the second person's page is stale): refused, the first change stays;
- at the same instant, two threads with their own database connections: both load the record,
  meet at a barrier, then both save. Each save is slowed down between the version check and the
  write (``Model.save`` sleeps first), so a service that compared versions without a row lock
  would let both through and lose one change; the row lock (``select_for_update`` on PostgreSQL,
  the immediate write transaction on SQLite) makes the second wait and see the new version.
And for the entities whose page offers a first entry (version 0: "none yet"), two first entries
at the same instant: one is stored, the other is the same conflict (not a server error).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models

from tests import factories
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory, ReviewFactory
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.geo.models import AdministrativeUnit, Level, UnitType

D = dt.date


@dataclass
class Edit:
    """One versioned record and two editors who may change it."""

    record: models.Model
    editors: tuple[Any, Any]
    values: tuple[Any, Any]  # what each editor writes (both differ from what is stored)
    save: Callable[[Any, Any, int], Any]  # (editor, value, expected_version) → calls the service
    stored: Callable[[], Any]  # what is stored now, read fresh
    stale: str  # words of the conflict message
    again: bool = True  # whether the second person, having reloaded, can then make their change
    expect: Callable[[Any], Any] | None = None  # what ``stored()`` reads after a save of a value, if not the value

    def version(self) -> int:
        return type(self.record).objects.get(pk=self.record.pk).version


# --- one builder per versioned entity ---------------------------------------------------------

def _commune_officers(kontum):
    commune = factories.unit("23281")  # Phường Quang Trung, TP Kon Tum
    return commune, (factories.make_user(Role.COMMUNE_OFFICER, commune, username="canbo.mot", full_name="Cán bộ một"),
                     factories.make_user(Role.COMMUNE_OFFICER, commune, username="canbo.hai", full_name="Cán bộ hai"))


def household(kontum) -> Edit:
    from vuonlen.households import services
    from vuonlen.households.models import Household

    commune, officers = _commune_officers(kontum)
    home = HouseholdFactory(unit=VillageFactory(commune=commune, name="Tổ 1"), code="QT-001")
    return Edit(home, officers, ("Hộ có 2 lao động đi làm xa", "Hộ mới nhận nuôi bò"),
                lambda who, value, version: services.household_update(
                    actor=who, household=home, data={"notes": value}, expected_version=version),
                lambda: Household.objects.get(pk=home.pk).notes, "Hộ này vừa được người khác sửa")


def village(kontum) -> Edit:
    from vuonlen.geo import services

    commune, officers = _commune_officers(kontum)
    unit = VillageFactory(commune=commune, name="Thôn 2")
    return Edit(unit, officers, ("Thôn Plei Đôn", "Thôn Kon Hra"),
                lambda who, value, version: services.village_update(
                    actor=who, village=unit, name=value, unit_type=UnitType.THON, expected_version=version),
                lambda: AdministrativeUnit.objects.get(pk=unit.pk).name, "Thôn này vừa được người khác sửa")


def _assessment_data(note: str = "") -> dict:
    return {"assessed_on": D(2023, 11, 20), "told": True, "told_topics": [1, 2, 3], "changed_thinking": True,
            "applies_technology": True, "note": note}


def assessment(kontum) -> Edit:
    from vuonlen.campaign import services
    from vuonlen.campaign.models import Assessment

    commune, officers = _commune_officers(kontum)
    home = HouseholdFactory(unit=VillageFactory(commune=commune, name="Tổ 3"), members=["A Blong"], code="QT-002")
    ReviewFactory(household=home, year=2023, income=1_000_000, recognised=True)
    home.refresh_from_db()
    made = services.assessment_record(actor=officers[0], household=home, year=2023, data=_assessment_data())
    return Edit(made, officers, ("Đã tham gia tổ hợp tác", "Đã vay vốn nuôi bò"),
                lambda who, value, version: services.assessment_record(
                    actor=who, household=home, year=2023, data=_assessment_data(value), expected_version=version),
                lambda: Assessment.objects.get(pk=made.pk).note, "Đánh giá này vừa được người khác sửa")


def mentor_assignment(kontum) -> Edit:
    from vuonlen.campaign import services
    from vuonlen.campaign.models import MentorAssignment

    commune, officers = _commune_officers(kontum)
    home = HouseholdFactory(unit=VillageFactory(commune=commune, name="Tổ 4"), members=["Y Hiên"], code="QT-003")
    mentor = factories.make_user(Role.MENTOR, commune, username="phutrach", full_name="A Thút")
    [made] = services.mentor_assign(actor=officers[0], mentor=mentor, households=[home], started_on=D(2024, 1, 1))
    return Edit(made, officers, ("Người phụ trách chuyển công tác", "Người phụ trách nghỉ hưu"),
                lambda who, value, version: services.mentor_assignment_end(
                    actor=who, assignment=made, ended_on=D(2024, 6, 1), reason=value, expected_version=version),
                lambda: MentorAssignment.objects.get(pk=made.pk).end_reason, "Phân công này vừa được người khác sửa",
                again=False)  # ending is done once


def _twinning_world():
    from tests.twinning.worlds import World

    return World()


def support_entry(kontum) -> Edit:
    from vuonlen.support import services
    from vuonlen.support.models import Kind, Source, SupportEntry

    world = _twinning_world()
    entry = services.entry_record(actor=world.officer, source=Source.SOCIAL, kind=Kind.CASH, value_vnd=1_000_000,
                                  date=D(2022, 3, 1), unit=world.village, description="Tặng quà Tết")
    return Edit(entry, (world.officer, world.secretary), ("Tặng quà Tết 2022 (sửa số tiền)", "Tặng gạo và quà Tết"),
                lambda who, value, version: services.entry_update(
                    actor=who, entry=entry, expected_version=version, description=value),
                lambda: SupportEntry.objects.get(pk=entry.pk).description, "Khoản này vừa được người khác sửa")


def twinning_pair(kontum) -> Edit:
    from vuonlen.twinning import services
    from vuonlen.twinning.models import TwinningPair

    world = _twinning_world()
    pair = services.pair_create(actor=world.secretary, organisation=world.rubber, unit=world.commune,
                                started_on=D(2021, 3, 1))
    return Edit(pair, (world.secretary, world.province_secretary), ("12/TTKN", "15/TTKN"),
                lambda who, value, version: services.pair_update(
                    actor=who, pair=pair, expected_version=version, started_on=D(2021, 3, 1), ended_on=None,
                    agreement_number=value),
                lambda: TwinningPair.objects.get(pk=pair.pk).agreement_number, "Bản ghi này vừa được người khác sửa")


def twinning_activity(kontum) -> Edit:
    from vuonlen.twinning import services
    from vuonlen.twinning.models import Activity, ActivityKind

    world = _twinning_world()
    pair = services.pair_create(actor=world.secretary, organisation=world.rubber, unit=world.commune,
                                started_on=D(2021, 3, 1))
    activity = services.activity_record(actor=world.rubber_user, pair=pair, kind=ActivityKind.VISITS_GIFTS,
                                        date=D(2023, 5, 1), description="Thăm hỏi")
    return Edit(activity, (world.rubber_user, world.secretary), ("Thăm hỏi, tặng 20 suất quà", "Thăm hỏi 12 hộ"),
                lambda who, value, version: services.activity_update(
                    actor=who, activity=activity, expected_version=version, kind=ActivityKind.VISITS_GIFTS,
                    date=D(2023, 5, 1), description=value),
                lambda: Activity.objects.get(pk=activity.pk).description, "Bản ghi này vừa được người khác sửa")


def _directives_world():
    from tests.directives.conftest import World

    return World()


def document(kontum) -> Edit:
    from vuonlen.directives import services
    from vuonlen.directives.models import Document

    world = _directives_world()
    made = world.document()
    return Edit(made, (world.secretary, world.province_secretary),
                ("kết luận Hội nghị giao ban quý II/2023", "kết luận Hội nghị giao ban 6 tháng đầu năm 2023"),
                lambda who, value, version: services.document_update(
                    actor=who, document=made, expected_version=version, title=value),
                lambda: Document.objects.get(pk=made.pk).title, "Văn bản này vừa được người khác sửa")


def task(kontum) -> Edit:
    from vuonlen.directives import services
    from vuonlen.directives.models import Task, TaskState, TaskUpdate

    world = _directives_world()
    made = world.task(world.document(), world.farmers, coordinating=[world.women], deadline="31/7/2023")

    def stored():
        # Every update the task received, and its state: one update, the winner's.
        return ([u.progress for u in TaskUpdate.objects.filter(task=made)], Task.objects.get(pk=made.pk).state)

    return Edit(made, (world.farmer_user, world.women_user), ("Đã rà soát 3/6 mô hình", "Đã rà soát 6/6 mô hình"),
                lambda who, value, version: services.task_report_progress(
                    actor=who, task=made, progress=value, state=TaskState.IN_PROGRESS, expected_version=version),
                stored, "Nhiệm vụ này vừa được người khác cập nhật",
                expect=lambda value: ([value], TaskState.IN_PROGRESS))


def submission(kontum) -> Edit:
    from vuonlen.core.periods import Period, PeriodKind
    from vuonlen.reporting import defaults, services
    from vuonlen.reporting.models import Obligation, ReportSchedule, ScheduleKind, Submission

    district = factories.unit("614", level=Level.DISTRICT)  # Huyện Kon Rẫy
    bcd = factories.make_org(district, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động huyện Kon Rẫy")
    farmers = factories.make_org(district, OrgKind.FARMERS_UNION, "Hội Nông dân huyện Kon Rẫy")
    schedule = ReportSchedule.objects.create(name="Báo cáo quý Cuộc vận động", kind=ScheduleKind.QUARTERLY,
                                             form=defaults.quarterly_form(), issuer=bcd, year_from=2023)
    Obligation.objects.create(schedule=schedule, org_kind=OrgKind.FARMERS_UNION, unit_level=Level.DISTRICT)
    users = (factories.make_user(Role.REPORTING_UNIT, organisation=farmers, username="hnd", full_name="Y Nhi"),
             factories.make_user(Role.REPORTING_UNIT, organisation=farmers, username="hnd2", full_name="A Blong"))
    made = services.submission_start(actor=users[0], organisation=farmers, schedule=schedule,
                                     period=Period(2023, PeriodKind.QUARTER, 2))
    return Edit(made, users, ("12-BC/HND", "15-BC/HND"),
                lambda who, value, version: services.submission_save(
                    actor=who, submission=made, expected_version=version, doc_number=value),
                lambda: Submission.objects.get(pk=made.pk).doc_number, "Báo cáo vừa được lưu bởi")


def _indicator_world():
    """Kon Rẫy's secretariat and a commune officer, an entered indicator of the 2021–2025 phase,
    made here: a transactional test may have flushed the seeded catalogue."""
    from vuonlen.campaign.models import Phase
    from vuonlen.indicators.models import Indicator

    district = factories.unit("614", level=Level.DISTRICT)
    commune = factories.unit("23485")  # Xã Đắk Tơ Lung
    phase = (Phase.objects.filter(start_year__lte=2023, end_year__gte=2023).first()
             or Phase.objects.create(code="2021-2025", name="Giai đoạn 2021–2025", start_year=2021, end_year=2025))
    indicator = Indicator.objects.create(
        code="HO_VAY_VON_TEST", name="Tỷ lệ hộ nghèo DTTS được vay vốn ưu đãi", short_name="Hộ được vay vốn",
        measure="percent", levels=[1, 2, 3], source="entered", entry_kind="value",
        numerator_label="Số hộ được vay", denominator_label="Số hộ nghèo DTTS")
    indicator.phases.add(phase)
    return {
        "district": district, "commune": commune, "indicator": indicator,
        "province_secretariat": factories.make_user(Role.SECRETARIAT, factories.unit("62", level=Level.PROVINCE),
                                                    username="tt.tinh", full_name="Thường trực tỉnh"),
        "secretariat": factories.make_user(Role.SECRETARIAT, district, username="tt.konray",
                                           full_name="Thường trực Kon Rẫy"),
        "officer": factories.make_user(Role.COMMUNE_OFFICER, commune, username="canbo.dtl"),
    }


def target(kontum) -> Edit:
    from decimal import Decimal

    from vuonlen.indicators import services
    from vuonlen.indicators.models import Target

    w = _indicator_world()
    made = services.set_target(actor=w["secretariat"], indicator=w["indicator"], unit=w["commune"], year=2023,
                               value=70)
    return Edit(made, (w["secretariat"], w["province_secretariat"]), (Decimal("72.00"), Decimal("75.00")),
                lambda who, value, version: services.set_target(
                    actor=who, indicator=w["indicator"], unit=w["commune"], year=2023, value=value,
                    expected_version=version),
                lambda: Target.objects.get(pk=made.pk).value, "chỉ tiêu vừa được")


def entered_value(kontum) -> Edit:
    from vuonlen.indicators import services
    from vuonlen.indicators.models import EnteredValue

    w = _indicator_world()
    made = services.enter_value(actor=w["officer"], indicator=w["indicator"], unit=w["commune"], year=2023,
                                numerator=45, denominator=1200, as_of=D(2023, 6, 30))
    return Edit(made, (w["officer"], w["secretariat"]), (50, 60),
                lambda who, value, version: services.enter_value(
                    actor=who, indicator=w["indicator"], unit=w["commune"], year=2023, numerator=value,
                    denominator=1200, as_of=D(2023, 6, 30), expected_version=version),
                lambda: EnteredValue.objects.get(pk=made.pk).numerator, "số liệu vừa được người khác lưu")


def indicator(kontum) -> Edit:
    from vuonlen.indicators import services
    from vuonlen.indicators.models import Indicator

    w = _indicator_world()
    province = factories.unit("62", level=Level.PROVINCE)
    admins = (factories.make_user(Role.SYSADMIN, province, username="quantri.mot"),
              factories.make_user(Role.SYSADMIN, province, username="quantri.hai"))
    made = w["indicator"]
    # Both take it out of use: the only change this service makes (the second must not pass).
    return Edit(made, admins, (False, False),
                lambda who, value, version: services.indicator_set_active(
                    actor=who, indicator=made, active=value, expected_version=version),
                lambda: Indicator.objects.get(pk=made.pk).is_active, "Chỉ tiêu này vừa được người khác sửa",
                again=False)


def initiative(kontum) -> Edit:
    from tests.initiatives.conftest import World
    from vuonlen.initiatives import services
    from vuonlen.initiatives.models import Initiative

    world = World()
    made = world.model(actor=world.officer)
    return Edit(made, (world.officer, world.secretariat),
                ("Mô hình trồng sâm dây gắn với tổ hợp tác", "Mô hình trồng sâm dây dưới tán rừng"),
                lambda who, value, version: services.initiative_update(
                    actor=who, initiative=made, name=made.name, kind=made.kind, description=value,
                    start_year=made.start_year, expected_version=version),
                lambda: Initiative.objects.get(pk=made.pk).description, "Mô hình này vừa được người khác sửa")


def _evaluated_pair():
    from vuonlen.twinning import services

    world = _twinning_world()
    pair = services.pair_create(actor=world.secretary, organisation=world.rubber, unit=world.commune,
                                started_on=D(2021, 3, 1))
    return world, pair


SCORES = {"score_models": 8, "score_resources": 9, "score_training": 7, "score_jobs_social": 6,
          "score_regularity": 8, "score_results": 7}


def twinning_evaluation(kontum) -> Edit:
    from vuonlen.twinning import services
    from vuonlen.twinning.models import Evaluation

    world, pair = _evaluated_pair()
    made = services.evaluation_record(actor=world.secretary, pair=pair, year=2023, scores=SCORES)
    return Edit(made, (world.secretary, world.province_secretary), ("Rất thiết thực", "Còn nặng thăm hỏi"),
                lambda who, value, version: services.evaluation_record(
                    actor=who, pair=pair, year=2023, scores=SCORES, comment=value, expected_version=version),
                lambda: Evaluation.objects.get(pk=made.pk).comment, "Bản ghi này vừa được người khác sửa")


CASES = [household, village, assessment, mentor_assignment, support_entry, twinning_pair, twinning_activity,
         document, task, submission, target, entered_value, indicator, initiative,
         twinning_evaluation]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Anything a service stores as a file goes to a throw-away folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _expected(edit: Edit, value):
    return edit.expect(value) if edit.expect else value


def _conflict_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- one after the other -------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("build", CASES, ids=[c.__name__ for c in CASES])
def test_a_stale_version_is_refused_and_the_first_change_stays(build, kontum):
    edit = build(kontum)
    loaded = edit.version()  # both people open the page at this version
    first, second = edit.editors
    edit.save(first, edit.values[0], loaded)
    with pytest.raises(ValidationError) as refused:
        edit.save(second, edit.values[1], loaded)
    assert edit.stale in _conflict_message(refused.value)
    assert edit.stored() == _expected(edit, edit.values[0])
    assert edit.version() == loaded + 1
    # Reloading the page gives the new version, and then the second person's save goes through.
    if edit.again:
        edit.save(second, edit.values[1], loaded + 1)
        assert edit.version() == loaded + 2


# --- at the same instant -------------------------------------------------------------------------

@contextmanager
def _slow_saves(model: type[models.Model], seconds: float = 0.3):
    """Every save of ``model`` waits first: the window in which an unlocked read-compare-write
    would let a second writer through."""
    original = model.save

    def save(self, *args, **kwargs):
        time.sleep(seconds)
        return original(self, *args, **kwargs)

    with mock.patch.object(model, "save", save):
        yield


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("build", CASES, ids=[c.__name__ for c in CASES])
def test_two_simultaneous_saves_give_one_conflict_and_lose_nothing(build, kontum):
    edit = build(kontum)
    model = type(edit.record)
    start = edit.version()
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def editor(index: int) -> None:
        try:
            loaded = model.objects.get(pk=edit.record.pk).version  # the page, opened on its own connection
            barrier.wait(timeout=10)  # both have read before either writes
            edit.save(edit.editors[index], edit.values[index], loaded)
            outcomes[index] = "saved"
        except ValidationError as exc:
            outcomes[index] = _conflict_message(exc)
        except Exception as exc:  # noqa: BLE001 - any other end is a failure the assertion shows
            outcomes[index] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    with _slow_saves(model):
        threads = [threading.Thread(target=editor, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert len(outcomes) == 2, outcomes
    winners = [i for i, outcome in outcomes.items() if outcome == "saved"]
    assert len(winners) == 1, outcomes
    [winner] = winners
    loser = 1 - winner
    assert edit.stale in outcomes[loser], outcomes
    # The stored row is the winner's, bumped once; the loser's change is nowhere.
    assert edit.stored() == _expected(edit, edit.values[winner])
    assert edit.version() == start + 1


# --- two first entries at the same instant (the page said "none yet": version 0) ----------------

@dataclass
class FirstEntry:
    editors: tuple[Any, Any]
    values: tuple[Any, Any]
    save: Callable[[Any, Any], Any]  # (editor, value) → the service, with expected_version=0
    stored: Callable[[], list]  # every row there is now, as values
    stale: str
    model: type[models.Model]


def target_first(kontum) -> FirstEntry:
    from decimal import Decimal

    from vuonlen.indicators import services
    from vuonlen.indicators.models import Target

    w = _indicator_world()
    return FirstEntry((w["secretariat"], w["province_secretariat"]), (Decimal("72.00"), Decimal("75.00")),
                      lambda who, value: services.set_target(actor=who, indicator=w["indicator"], unit=w["commune"],
                                                             year=2023, value=value, expected_version=0),
                      lambda: list(Target.objects.values_list("value", flat=True)), "chỉ tiêu vừa được", Target)


def entered_value_first(kontum) -> FirstEntry:
    from vuonlen.indicators import services
    from vuonlen.indicators.models import EnteredValue

    w = _indicator_world()
    return FirstEntry((w["officer"], w["secretariat"]), (50, 60),
                      lambda who, value: services.enter_value(
                          actor=who, indicator=w["indicator"], unit=w["commune"], year=2023, numerator=value,
                          denominator=1200, as_of=D(2023, 6, 30), expected_version=0),
                      lambda: list(EnteredValue.objects.values_list("numerator", flat=True)),
                      "số liệu vừa được người khác lưu", EnteredValue)


def twinning_evaluation_first(kontum) -> FirstEntry:
    from vuonlen.twinning import services
    from vuonlen.twinning.models import Evaluation

    world, pair = _evaluated_pair()
    return FirstEntry((world.secretary, world.province_secretary), ("Rất thiết thực", "Còn nặng thăm hỏi"),
                      lambda who, value: services.evaluation_record(
                          actor=who, pair=pair, year=2023, scores=SCORES, comment=value, expected_version=0),
                      lambda: list(Evaluation.objects.values_list("comment", flat=True)),
                      "Bản ghi này vừa được người khác sửa", Evaluation)


FIRST_CASES = [target_first, entered_value_first, twinning_evaluation_first]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("build", FIRST_CASES, ids=[c.__name__ for c in FIRST_CASES])
def test_two_simultaneous_first_entries_give_one_conflict(build, kontum):
    entry = build(kontum)
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def editor(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            entry.save(entry.editors[index], entry.values[index])
            outcomes[index] = "saved"
        except ValidationError as exc:
            outcomes[index] = _conflict_message(exc)
        except Exception as exc:  # noqa: BLE001 - any other end is a failure the assertion shows
            outcomes[index] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    with _slow_saves(entry.model):
        threads = [threading.Thread(target=editor, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    winners = [i for i, outcome in outcomes.items() if outcome == "saved"]
    assert len(outcomes) == 2 and len(winners) == 1, outcomes
    assert entry.stale in outcomes[1 - winners[0]], outcomes
    assert entry.stored() == [entry.values[winners[0]]]
