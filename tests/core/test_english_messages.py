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
