"""Twinning: pairs, activities, the visits-and-gifts-only flag, evaluations and the ranking."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import history_for
from vuonlen.twinning import selectors, services
from vuonlen.twinning.models import (
    MAX_TOTAL,
    Activity,
    ActivityKind,
    AgreementFile,
    Evaluation,
    Grade,
    TwinningPair,
    grade_for,
)

from .factories import ActivityFactory, PairFactory
from .worlds import D

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="bien-ban-ket-nghia.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def pair(world, org=None, unit=None, start=D(2021, 3, 1), end=None, actor=SYSTEM, **kw):
    return PairFactory(actor=actor, organisation=org or world.rubber, unit=unit or world.commune,
                       started_on=start, ended_on=end, **kw)


def activity(p, kind=ActivityKind.VISITS_GIFTS, date=D(2023, 5, 1), value=0, **kw):
    return ActivityFactory(pair=p, kind=kind, date=date, value_vnd=value, **kw)


SCORES = {"score_models": 8, "score_resources": 9, "score_training": 7, "score_jobs_social": 6,
          "score_regularity": 8, "score_results": 7}


# --- pairs -----------------------------------------------------------------------------------

def test_pair_create_reports_every_error_at_once(world):
    with pytest.raises(ValidationError) as exc:
        services.pair_create(actor=world.province_secretary, organisation=None, unit=None, started_on=None)
    assert set(exc.value.message_dict) == {"organisation", "unit", "started_on"}
    assert TwinningPair.objects.count() == 0


def test_pair_create_refuses_wrong_partner_village_and_reversed_period(world):
    with pytest.raises(ValidationError) as exc:
        services.pair_create(actor=world.province_secretary, organisation=world.steering, unit=world.village,
                             started_on=D(2022, 1, 1), ended_on=D(2021, 1, 1))
    errors = exc.value.message_dict
    assert set(errors) == {"organisation", "unit", "ended_on"}
    assert "không phải huyện hay xã" in errors["unit"][0]


def test_overlapping_pair_refused_but_later_period_allowed(world):
    pair(world, end=D(2022, 12, 31))
    with pytest.raises(ValidationError) as exc:
        pair(world, start=D(2022, 6, 1))
    assert "chồng nhau" in exc.value.message_dict["unit"][0]
    assert pair(world, start=D(2023, 1, 1)).pk


def test_pair_create_is_audited_and_stores_the_agreement(world):
    p = pair(world, actor=world.province_secretary, files=[pdf()])
    stored = p.files.get()
    assert stored.original_name == "bien-ban-ket-nghia.pdf"
    assert default_storage.exists(stored.stored_name)
    assert history_for(p).filter(action="create", actor=world.province_secretary).exists()


def test_renamed_program_as_agreement_is_refused_and_nothing_is_written(world):
    fake = SimpleUploadedFile("thoa-thuan.pdf", b"MZ\x90\x00program", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        pair(world, actor=world.province_secretary, files=[fake])
    assert "chương trình" in exc.value.message_dict["files"][0]
    assert TwinningPair.objects.count() == 0 and AgreementFile.objects.count() == 0


def test_macro_word_file_refused_when_attaching(world):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", "macro")
    p = pair(world)
    with pytest.raises(ValidationError) as exc:
        services.pair_attach_files(actor=world.province_secretary, pair=p,
                                   files=[SimpleUploadedFile("phu-luc.docx", buffer.getvalue())])
    assert "macro" in exc.value.message_dict["files"][0]
    assert not p.files.exists()


def test_partner_cannot_create_or_evaluate_pairs(world):
    p = pair(world)
    with pytest.raises((PermissionDenied, Http404)):
        pair(world, unit=world.commune2, actor=world.rubber_user)
    with pytest.raises((PermissionDenied, Http404)):
        services.evaluation_record(actor=world.rubber_user, pair=p, year=2023, scores=SCORES)


# --- activities ------------------------------------------------------------------------------

def test_activity_reports_every_error_at_once(world):
    p = pair(world, start=D(2022, 1, 1))
    outsider = world.households(1, unit=world.other_commune)[0]
    with pytest.raises(ValidationError) as exc:
        services.activity_record(actor=world.rubber_user, pair=p, kind="", date=D(2021, 5, 1), value_vnd="abc",
                                 households=[outsider], description="  ")
    assert set(exc.value.message_dict) == {"kind", "date", "value_vnd", "households", "description"}
    assert "ngoài thời gian kết nghĩa" in exc.value.message_dict["date"][0]
    assert Activity.objects.count() == 0


def test_partner_records_its_own_activity_with_households_and_vietnamese_money(world):
    p = pair(world)
    households = world.households(3)
    a = services.activity_record(actor=world.rubber_user, pair=p, kind=ActivityKind.MODEL_SUPPORT,
                                 date=D(2023, 4, 2), value_vnd="150.000.000", households=households,
                                 description="Hỗ trợ 30 con bò giống cho mô hình chăn nuôi")
    assert a.value_vnd == 150_000_000
    assert a.beneficiary_count == 3 and a.households.count() == 3
    assert history_for(a).filter(actor=world.rubber_user).exists()


def test_another_partner_cannot_record_on_a_pair_it_does_not_see(world):
    p = pair(world)
    with pytest.raises(Http404):
        services.activity_record(actor=world.army_user, pair=p, kind=ActivityKind.JOBS, date=D(2023, 1, 1),
                                 description="Giới thiệu việc làm")


# --- the "only visits and gifts" flag ---------------------------------------------------------

def test_visits_only_flag_is_computed_from_the_years_activities(world):
    only_visits = pair(world)
    mixed = pair(world, org=world.army)
    idle = pair(world, org=world.agency)
    activity(only_visits, date=D(2023, 1, 20))
    activity(only_visits, date=D(2023, 9, 2), value=20_000_000)
    activity(only_visits, kind=ActivityKind.VOCATIONAL_TRAINING, date=D(2022, 6, 1))  # another year
    activity(mixed, date=D(2023, 1, 20))
    activity(mixed, kind=ActivityKind.CADRE_TRAINING, date=D(2023, 7, 1), value=5_000_000)
    summaries = selectors.year_summaries([only_visits.pk, mixed.pk, idle.pk], 2023)
    assert summaries[only_visits.pk].visits_only is True
    assert summaries[only_visits.pk].value_vnd == 20_000_000
    assert summaries[mixed.pk].visits_only is False and summaries[mixed.pk].substantive_value_vnd == 5_000_000
    assert summaries[idle.pk].visits_only is False and summaries[idle.pk].idle
    assert selectors.year_summary(only_visits, 2022).visits_only is False
    assert [p.pk for p in selectors.visits_only_pairs(world.province_secretary, 2023)] == [only_visits.pk]


# --- evaluation and ranking -------------------------------------------------------------------

def test_evaluation_reports_every_bad_score_at_once(world):
    p = pair(world)
    bad = {**SCORES, "score_models": 11, "score_training": "bảy", "score_results": ""}
    with pytest.raises(ValidationError) as exc:
        services.evaluation_record(actor=world.province_secretary, pair=p, year=2023, scores=bad)
    assert set(exc.value.message_dict) == {"score_models", "score_training", "score_results"}
    with pytest.raises(ValidationError) as exc:
        services.evaluation_record(actor=world.province_secretary, pair=p, year=2020, scores=SCORES)
    assert "ngoài thời gian" in exc.value.message_dict["year"][0]
    assert not Evaluation.objects.exists()


def test_evaluation_totals_grades_and_can_be_corrected(world):
    p = pair(world)
    activity(p, kind=ActivityKind.JOBS, date=D(2023, 3, 1))
    e = services.evaluation_record(actor=world.province_secretary, pair=p, year=2023, scores=SCORES)
    assert e.total == 45 and e.grade == Grade.GOOD and not e.visits_only
    e2 = services.evaluation_record(actor=world.province_secretary, pair=p, year=2023,
                                    scores={k: 10 for k in SCORES}, comment="Rất thiết thực")
    assert e2.pk == e.pk and e2.total == MAX_TOTAL and e2.grade == Grade.EXCELLENT
    assert history_for(e).filter(action="update").count() == 1


def test_a_year_of_only_visits_and_gifts_cannot_be_graded_good(world):
    p = pair(world)
    activity(p, date=D(2023, 2, 1))
    e = services.evaluation_record(actor=world.province_secretary, pair=p, year=2023,
                                   scores={k: 10 for k in SCORES})
    assert e.visits_only and e.grade == Grade.DONE
    assert grade_for(30, visits_only=False) == Grade.DONE
    assert grade_for(29, visits_only=False) == Grade.NOT_DONE


def test_ranking_averages_pairs_per_organisation_and_shares_tied_ranks(world):
    def evaluate(p, total_each):
        services.evaluation_record(actor=SYSTEM, pair=p, year=2023, scores={k: total_each for k in SCORES})

    r1, r2 = pair(world), pair(world, unit=world.commune2)
    a1 = pair(world, org=world.army)
    g1 = pair(world, org=world.agency, unit=world.commune2)
    evaluate(r1, 9)   # 54
    evaluate(r2, 7)   # 42 → rubber averages 48
    evaluate(a1, 8)   # 48 → ties with rubber on the average
    evaluate(g1, 5)   # 30
    activity(a1, kind=ActivityKind.SOCIAL_SECURITY, date=D(2023, 6, 1), value=80_000_000)
    activity(r1, kind=ActivityKind.SOCIAL_SECURITY, date=D(2023, 6, 1), value=80_000_000)
    rows = selectors.ranking(world.province_secretary, 2023)
    assert [(r.organisation.pk, r.rank, r.average, r.pairs) for r in rows] == [
        (world.army.pk, 1, 48.0, 1), (world.rubber.pk, 1, 48.0, 2), (world.agency.pk, 3, 30.0, 1)]
    # The Kon Plông secretariat sees none of these pairs, so ranks nobody.
    assert selectors.ranking(world.other_secretary, 2023) == []
