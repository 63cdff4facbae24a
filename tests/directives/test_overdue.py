"""Overdue counts by organisation: set-based, scoped, carried tasks counted once."""

from __future__ import annotations

from django.urls import reverse

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.directives import selectors, services
from vuonlen.directives.models import TaskState

from .conftest import at, day


def _rows(user, **kw):
    return {row.organisation.name: (row.total, row.open, row.overdue, row.done_on_time, row.done_late)
            for row in selectors.overdue_counts(user, **kw)}


def test_counts_per_organisation(world):
    n87 = world.document(number="87-TB/BCĐ", date="30/3/2023")
    late = world.task(n87, world.farmers, deadline="30/4/2023")
    world.report(late, world.farmers, when=at("2/5/2023"))
    stuck = world.task(n87, world.women, deadline="30/4/2023", coordinating=[world.farmers])
    n103 = world.document(follows=n87)
    services.tasks_carry_over(actor=SYSTEM, document=n103, tasks=[stuck], deadline_kind="date", deadline=day("31/8/2023"))  # counted once, as the copy
    future = world.task(n103, world.farmers, deadline="31/12/2099")
    on_time = world.task(n103, world.women, deadline="31/7/2023")
    world.report(on_time, world.women, when=at("31/7/2023", 23, 59))
    world.task(n103, world.people, deadline=None, kind="none")
    rows = _rows(world.secretary, on=day("1/1/2030"))
    # total, open, overdue, done on time, done late
    # done late; the carried copy of "stuck" (coordinating, overdue); "future" (open, not yet due)
    assert rows["Hội Nông dân huyện Kon Rẫy"] == (3, 2, 1, 0, 1)
    assert rows["Hội Liên hiệp Phụ nữ huyện Kon Rẫy"] == (2, 1, 1, 1, 0)
    assert rows["Ủy ban nhân dân huyện Kon Rẫy"] == (1, 1, 0, 0, 0)
    # Before the deadlines had passed nothing was overdue.
    assert _rows(world.secretary, on=day("30/4/2023"))["Hội Liên hiệp Phụ nữ huyện Kon Rẫy"][2] == 0
    assert future.deadline == day("31/12/2099")


def test_counts_are_scoped(world):
    doc = world.document()
    world.task(doc, world.farmers, deadline="31/7/2023")
    world.task(doc, world.women, deadline="31/7/2023")
    other = world.document(number="55-TB/BCĐ", issuer=world.other_bcd)
    world.task(other, world.other_farmers, deadline="31/7/2023")
    assert set(_rows(world.farmer_user)) == {"Hội Nông dân huyện Kon Rẫy"}
    assert set(_rows(world.secretary)) == {"Hội Nông dân huyện Kon Rẫy", "Hội Liên hiệp Phụ nữ huyện Kon Rẫy"}
    assert set(_rows(world.other_secretary)) == {"Hội Nông dân huyện Kon Plông"}


def test_page_sorts_and_counts_queries(client, world, django_assert_max_num_queries):
    doc = world.document()
    for _ in range(3):
        world.task(doc, world.women, deadline="31/7/2023")
    world.task(doc, world.farmers, deadline="31/7/2023")
    done = world.task(doc, world.people, deadline="31/7/2023")
    world.report(done, world.people, state=TaskState.DONE, when=at("1/8/2023"))
    client.force_login(world.secretary)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("directives:overdue"))
    html = response.content.decode()
    assert html.index("Hội Liên hiệp Phụ nữ") < html.index("Hội Nông dân")  # most overdue first
    by_name = client.get(reverse("directives:overdue") + "?sap-xep=ten").content.decode()
    assert by_name.index("Hội Liên hiệp Phụ nữ") < by_name.index("Hội Nông dân") < by_name.index("Ủy ban nhân dân")
    late_first = client.get(reverse("directives:overdue") + "?sap-xep=tre-han").content.decode()
    assert late_first.index("Ủy ban nhân dân") < late_first.index("Hội Nông dân")
