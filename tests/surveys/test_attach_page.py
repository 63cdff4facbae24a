"""The "add files" form on a survey's page and on a twinning pair's page (one shared view helper,
`core.responses.attach_files_and_return`): what was added is counted, every refusal is said, and
an empty or refused submission keeps nothing."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.surveys.test_services import DATA
from tests.twinning.factories import PairFactory
from vuonlen.surveys import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post(client, url, data):
    """Post, then follow to the record's page as the browser does: the messages it shows."""
    response = client.post(url, data)
    assert response.status_code == 302, response.status_code
    shown = client.get(response["Location"])
    return response, [str(m) for m in get_messages(shown.wsgi_request)]


def test_survey_files_added_counted_and_refusals_said(client, world):
    survey = services.survey_create(actor=world.officer, village=world.village, year=2025, data=DATA)
    url = reverse("surveys:attach", args=[survey.pk])
    client.force_login(world.officer)
    response, said = _post(client, url, {"files": [SimpleUploadedFile("biên bản 1.pdf", PDF),
                                                   SimpleUploadedFile("biên bản 2.pdf", PDF)]})
    assert response["Location"] == reverse("surveys:detail", args=[survey.pk])
    assert said == ["Đã thêm 2 tệp"]
    assert survey.files.count() == 2
    # A file that is not what its name says is refused with the reason; nothing is kept.
    _, said = _post(client, url, {"files": [SimpleUploadedFile("giả.pdf", b"not a pdf"),
                                            SimpleUploadedFile("thật.pdf", PDF)]})
    assert len(said) >= 1 and "giả.pdf" in " ".join(said) and not any(m.startswith("Đã thêm") for m in said)
    assert survey.files.count() == 2
    # Sending the form with no file says so, and adds nothing.
    _, said = _post(client, url, {})
    assert said and not any(m.startswith("Đã thêm") for m in said) and survey.files.count() == 2


def test_pair_files_go_through_the_same_form(client, world):
    from tests import factories
    from vuonlen.accounts.models import OrgKind
    from vuonlen.accounts.roles import Role

    partner = factories.make_org(world.province, OrgKind.ENTERPRISE, "Công ty Cổ phần Cao su Kon Tum")
    pair = PairFactory(organisation=partner, unit=world.commune)
    secretary = factories.make_user(Role.SECRETARIAT, world.province, username="tt.kn")
    client.force_login(secretary)
    response, said = _post(client, reverse("twinning:pair_attach", args=[pair.pk]),
                           {"files": [SimpleUploadedFile("thỏa thuận kết nghĩa.pdf", PDF)]})
    assert response["Location"] == reverse("twinning:pair_detail", args=[pair.pk])
    assert said == ["Đã thêm 1 tệp"] and pair.files.count() == 1
    client.force_login(world.other_officer)  # out of scope: the pair does not exist for them
    assert client.post(reverse("twinning:pair_attach", args=[pair.pk]),
                       {"files": [SimpleUploadedFile("x.pdf", PDF)]}).status_code == 404
