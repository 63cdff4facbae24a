"""Services' errors and the pages' confirmations go through gettext: a person who switched the
interface to English reads them in English (Vietnamese stays the default, whatever the browser says)."""

import pytest
from django.urls import reverse

from tests import factories
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.geo import services as geo_services
from vuonlen.geo.models import AdministrativeUnit, Level


@pytest.fixture
def officer_client(client, commune_a):
    client.force_login(factories.make_user(Role.COMMUNE_OFFICER, commune_a))
    return client


def _in_english(client):
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302


def test_a_service_error_and_a_confirmation_in_english(officer_client, commune_a):
    geo_services.village_create(actor=SYSTEM, commune=commune_a, name="Thôn Kon Hring", unit_type="thon")
    url = reverse("geo:village_create", args=[commune_a.pk])
    vietnamese = officer_client.post(url, {"name": "thon kon hring", "unit_type": "thon"},
                                     HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Phường Quang Trung đã có thôn “thon kon hring”" in vietnamese  # the default, whatever the browser

    _in_english(officer_client)
    page = officer_client.post(url, {"name": "thon kon hring", "unit_type": "thon"}).content.decode()
    assert "Phường Quang Trung already has a village “thon kon hring”" in page
    assert "đã có thôn" not in page
    done = officer_client.post(url, {"name": "Thôn Đăk Wơk", "unit_type": "thon"}, follow=True).content.decode()
    assert "Added Thôn Đăk Wơk to Phường Quang Trung" in done
    assert AdministrativeUnit.objects.filter(parent=commune_a, level=Level.VILLAGE).count() == 2


def test_registry_errors_in_english_every_one_at_once(commune_a):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from vuonlen.households import services as household_services

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        household_services.population_base_set(actor=SYSTEM, commune=commune_a, year=2024, households_total=500,
                                               persons_total=400, em_households_total=600)
    assert refused.value.message_dict == {
        "persons_total": ["The number of persons cannot be less than the number of households"],
        "em_households_total": ["Ethnic minority households exceed the total households"],
    }


def test_a_reporting_refusal_in_english_and_in_vietnamese_by_default(kontum):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from tests.reporting.factories import ScheduleFactory
    from vuonlen.accounts.models import OrgKind
    from vuonlen.core.periods import Period, PeriodKind
    from vuonlen.reporting import services as reporting_services
    from vuonlen.reporting.models import Submission

    district = factories.unit("614", level=Level.DISTRICT)  # Huyện Kon Rẫy
    committee = factories.make_org(district, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo huyện Kon Rẫy")
    farmers = factories.make_org(district, OrgKind.FARMERS_UNION, "Hội Nông dân huyện Kon Rẫy")
    schedule = ScheduleFactory(name="Báo cáo quý Cuộc vận động", issuer=committee)
    q2 = Period(2023, PeriodKind.QUARTER, 2)

    def refusal():
        with pytest.raises(ValidationError) as refused:  # nobody is obliged to send this schedule
            reporting_services.submission_start(actor=SYSTEM, organisation=farmers, schedule=schedule, period=q2)
        return refused.value.messages

    with translation.override("vi"):
        assert refusal() == ["Hội Nông dân huyện Kon Rẫy không thuộc diện phải gửi “Báo cáo quý Cuộc vận động”."]
    with translation.override("en"):
        assert refusal() == ["Hội Nông dân huyện Kon Rẫy is not required to send “Báo cáo quý Cuộc vận động”."]
    assert not Submission.objects.exists()


def test_directive_errors_in_english_every_one_at_once(kontum):
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.utils import translation

    from vuonlen.accounts.models import OrgKind
    from vuonlen.directives import services as directive_services
    from vuonlen.directives.models import Document, DocumentKind

    committee = factories.make_org(kontum, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo tỉnh")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        directive_services.document_register(actor=SYSTEM, issuer=committee, number="abc", kind=DocumentKind.NOTICE,
                                             date=dt.date(2023, 6, 7), title="Thông báo kết luận", period="2023-X")
    errors = refused.value.message_dict
    assert errors["number"] == ["“abc” is not a valid document number. Number and symbol such as “103-TB/BCĐ”, "
                                "“12/TB-UBND” or “30/2020/NĐ-CP”."]
    assert errors["period"] == ["Period “2023-X” is not valid (e.g. 2023-Q2 for the second quarter of 2023)"]
    assert not Document.objects.exists()


def test_household_import_errors_in_english_with_row_and_column(commune_a):
    import io

    import openpyxl
    from django.utils import translation

    from vuonlen.households import imports
    from vuonlen.households.imports import H
    from vuonlen.households.models import Household

    columns = list(imports.HOUSEHOLD_TEMPLATE_COLUMNS)

    def person(code, commune, **cells):
        values = {H.CODE: code, H.COMMUNE: commune, H.NAME: "A Blong", H.SEX: "Nam", H.BIRTH: 1980,
                  H.RELATION: "Chủ hộ", H.ETHNICITY: "Xơ Đăng", **cells}
        return [values.get(column, "") for column in columns]

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH HỘ"])
    sheet.append([])
    sheet.append(columns)
    for row in (person("", "", **{H.NAME: "Ai Đó"}), person("N-1", ""), person("N-2", "23281", **{H.SEX: "X"}),
                person("N-3", "99999")):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    officer = factories.make_user(Role.COMMUNE_OFFICER, commune_a)

    def run():
        return imports.import_households(actor=officer, file=io.BytesIO(buffer.getvalue()), filename="ho.xlsx")

    with translation.override("en"):
        result = run()
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (4, H.CODE, "Household code missing"),
        (5, H.COMMUNE, "Commune code missing"),
        (6, H.SEX, "Cannot read sex (Nam/Nữ) “X”"),
        (7, H.COMMUNE, "No commune with code 99999 within your scope"),
    ]
    with translation.override("vi"):
        assert "Thiếu mã hộ" in [e.message for e in run().errors]
    assert not Household.objects.exists()


def test_the_stale_edit_message_follows_the_language_it_is_shown_in():
    from django.utils import translation

    from vuonlen.support import services as support_services

    with translation.override("en"):
        assert str(support_services.STALE_MESSAGE) == ("This item was just changed by someone else; reload the page "
                                                       "to see the latest version, then edit again.")
    with translation.override("vi"):
        assert str(support_services.STALE_MESSAGE) == ("Khoản này vừa được người khác sửa; hãy tải lại trang để xem "
                                                       "bản mới rồi sửa lại.")
