"""Village surveys: entered on a page with every problem at once, scoped, versioned, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.plans.worlds import D
from tests.surveys.factories import VillageSurveyFactory
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.models import AuditLog
from vuonlen.core.versioning import StaleVersion
from vuonlen.surveys import selectors, services
from vuonlen.surveys.models import PovertyCause, VillageSurvey

pytestmark = pytest.mark.django_db

DATA = {"surveyed_by": "Nguyễn Văn Hùng", "surveyed_on": D(2025, 3, 10), "households_total": 120,
        "poor_households": 40, "near_poor_households": 15, "especially_difficult": True, "main_crops": "Lúa, sắn",
        "customs_to_drop": "Tảo hôn"}


def test_the_catalogue_of_causes_is_seeded():
    names = set(PovertyCause.objects.values_list("name", flat=True))
    assert {"Thiếu đất sản xuất", "Thiếu vốn sản xuất, kinh doanh", "Thiếu lao động", "Ốm đau, bệnh tật, tai nạn",
            "Phong tục, tập quán lạc hậu"} <= names


def test_officer_enters_a_survey_with_causes_and_it_is_audited(world):
    land, capital = world.cause("thieu_dat"), world.cause("thieu_von")
    survey = services.survey_create(actor=world.officer, village=world.village, year=2025, data=DATA,
                                    causes={land.pk: 25, capital.pk: 30})
    assert survey.village == world.village and survey.especially_difficult
    assert dict((c.code, n) for c, n in selectors.cause_counts(survey)) == {"thieu_dat": 25, "thieu_von": 30}
    assert AuditLog.objects.filter(object_id=str(survey.pk), action="create", actor=world.officer).exists()


def test_every_problem_is_reported_at_once_and_nothing_is_written(world):
    land = world.cause("thieu_dat")
    bad = dict(DATA, surveyed_by="", surveyed_on=D(2099, 1, 1), poor_households=100, near_poor_households=50)
    with pytest.raises(ValidationError) as caught:
        services.survey_create(actor=world.officer, village=world.village, year=2025, data=bad,
                               causes={land.pk: 500})
    errors = caught.value.message_dict
    assert set(errors) >= {"surveyed_by", "surveyed_on", "poor_households", f"cause_{land.pk}"}
    assert "Chưa nhập người khảo sát" in errors["surveyed_by"]
    assert not VillageSurvey.objects.exists()


def test_one_survey_per_village_and_year(world):
    services.survey_create(actor=world.officer, village=world.village, year=2025, data=DATA)
    with pytest.raises(ValidationError) as caught:
        services.survey_create(actor=world.officer, village=world.village, year=2025, data=DATA)
    assert "đã có khảo sát năm 2025" in " ".join(caught.value.message_dict["year"])


def test_scope_outside_is_404_and_a_viewer_gets_403(world):
    with pytest.raises(Http404):
        services.survey_create(actor=world.other_officer, village=world.village, year=2025, data=DATA)
    with pytest.raises(PermissionDenied):
        services.survey_create(actor=world.viewer, village=world.village, year=2025, data=DATA)
    survey = services.survey_create(actor=world.officer, village=world.village, year=2025, data=DATA)
    assert list(selectors.surveys_visible_to(world.viewer)) == [survey]
    assert not selectors.surveys_visible_to(world.other_officer).exists()
    assert not selectors.surveys_visible_to(world.mentor).exists()
    with pytest.raises(Http404):
        selectors.get_survey_for_user_or_404(world.other_officer, survey.pk)


def test_a_stale_edit_is_refused_and_cause_changes_are_audited(world):
    land = world.cause("thieu_dat")
    survey = VillageSurveyFactory(village=world.village, year=2025, **DATA)
    services.survey_update(actor=world.officer, survey=survey, expected_version=survey.version, data=DATA,
                           causes={land.pk: 12})
    survey.refresh_from_db()
    assert survey.version == 2
    change = AuditLog.objects.filter(object_id=str(survey.pk), action="update").latest("at")
    assert change.changes["cause_counts"] == [{}, {str(land.pk): 12}]
    with pytest.raises(StaleVersion):
        services.survey_update(actor=world.officer, survey=survey, expected_version=1, data=DATA, causes={})
    assert dict(selectors.cause_counts(survey))[land] == 12


def test_a_village_of_the_old_era_takes_only_years_before_the_reform(world):
    with pytest.raises(ValidationError) as caught:
        services.survey_create(actor=world.officer, village=world.village, year=2026, data=DATA)
    assert "không còn" in " ".join(caught.value.message_dict["year"])


def test_commune_summary_sums_causes_per_village(world):
    land, capital = world.cause("thieu_dat"), world.cause("thieu_von")
    VillageSurveyFactory(village=world.village, year=2025, **DATA, causes={land.pk: 25, capital.pk: 30})
    VillageSurveyFactory(village=world.village2, year=2025, **dict(DATA, especially_difficult=False),
                         causes={land.pk: 5})
    summary = selectors.cause_summary(world.viewer, year=2025, unit=world.commune)
    by_name = {row.unit.name: row for row in summary.rows}
    assert by_name["Thôn 4"].causes == {land.pk: 25, capital.pk: 30}
    assert by_name["Làng Kon Klor"].causes == {land.pk: 5}
    assert summary.total.causes == {land.pk: 30, capital.pk: 30}
    assert summary.total.especially_difficult == 1 and summary.total.surveys == 2
    district = selectors.cause_summary(world.viewer, year=2025, unit=world.district)
    row = next(r for r in district.rows if r.unit == world.commune)
    assert row.poor == 80 and row.causes[land.pk] == 30
    # Outside one's commune the surveys do not count.
    assert selectors.cause_summary(world.other_officer, year=2025, unit=world.district).total.surveys == 0


def test_attachments_are_stored_and_served_only_within_scope(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with pytest.raises(ValidationError) as caught:
        services.survey_create(actor=world.officer, village=world.village, year=2025, data=DATA,
                               files=[SimpleUploadedFile("bien-ban.pdf", b"not a pdf")])
    assert caught.value.message_dict["files"] and not VillageSurvey.objects.exists()
    survey = services.survey_create(actor=world.officer, village=world.village, year=2025, data=DATA,
                                    files=[SimpleUploadedFile("biên bản khảo sát.pdf", pdf)])
    record = survey.files.get()
    client.force_login(world.viewer)
    response = client.get(reverse("surveys:file", args=[record.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    client.force_login(world.other_officer)
    assert client.get(reverse("surveys:file", args=[record.pk])).status_code == 404


def test_long_texts_keep_their_line_breaks(world):
    survey = services.survey_create(actor=world.officer, village=world.village, year=2025,
                                    data=dict(DATA, situation="Dòng một\r\nDòng hai"))
    assert survey.situation == "Dòng một\nDòng hai"


def test_a_new_commune_reads_its_predecessors_surveys_in_its_summary(world):
    from vuonlen.geo.models import UnitLineage

    new_commune = UnitLineage.objects.get(old_unit=world.commune).new_unit
    land = world.cause("thieu_dat")
    VillageSurveyFactory(village=world.village, year=2024, **DATA, causes={land.pk: 9})
    summary = selectors.cause_summary(SYSTEM, year=2024, unit=new_commune)
    old_row = next(r for r in summary.rows if r.unit == world.commune)
    assert old_row.causes == {land.pk: 9} and summary.total.causes == {land.pk: 9}
