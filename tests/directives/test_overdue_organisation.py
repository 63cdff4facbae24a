"""Issue 13, item 4: an organisation on the overdue page opens its tasks — those the reader
may see, overdue first; another district's organisation is not found."""

from __future__ import annotations

from django.urls import reverse

from .conftest import at


def test_an_organisation_on_the_overdue_page_opens_its_tasks_overdue_first(client, world):
    doc = world.document()
    world.task(doc, world.women, text="Báo cáo sơ kết mô hình nuôi bò", deadline="31/12/2099")
    world.task(doc, world.women, text="Rà soát hộ nghèo quý III", deadline="31/7/2023")
    done = world.task(doc, world.women, text="Tổ chức hội nghị", deadline="31/7/2023")
    world.report(done, world.women, when=at("1/7/2023"))
    world.task(doc, world.farmers, text="Việc của Hội Nông dân", deadline="31/7/2023")
    client.force_login(world.secretary)
    url = reverse("directives:overdue_organisation", args=[world.women.pk])
    assert url in client.get(reverse("directives:overdue")).content.decode()
    html = client.get(url).content.decode()
    assert "Hội Liên hiệp Phụ nữ huyện Kon Rẫy" in html and "Việc của Hội Nông dân" not in html
    assert html.index("Rà soát hộ nghèo quý III") < html.index("Báo cáo sơ kết mô hình nuôi bò")
    assert "Tổ chức hội nghị" in html and "3 nhiệm vụ được giao, 1 quá hạn" in html


def test_another_districts_organisation_is_not_found(client, world):
    other = world.document(number="55-TB/BCĐ", issuer=world.other_bcd)
    world.task(other, world.other_farmers, deadline="31/7/2023")
    client.force_login(world.secretary)
    assert client.get(reverse("directives:overdue_organisation", args=[world.other_farmers.pk])).status_code == 404
    assert client.get(reverse("directives:overdue_organisation", args=[999999])).status_code == 404
