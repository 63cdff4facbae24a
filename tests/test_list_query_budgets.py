"""Query budgets of the list pages and API lists the other rooms' tests do not already guard
(issue 17): each page is loaded with 2 rows and again with 20, and must not need more queries
for the 20 — an N+1 (a query per row) fails here. The pages guarded elsewhere: the households
register (tests/households/test_views.py), the campaign lists (tests/campaign/test_pages.py),
the reporting board and list (tests/reporting/test_views.py), documents and tasks
(tests/directives/), the units (tests/geo/), organisations (tests/core/test_shell.py), the
official tables and the dashboards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.households.factories import HouseholdFactory, ReviewFactory
from tests.initiatives.conftest import World
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.outreach import services as outreach
from vuonlen.outreach.models import Topic
from vuonlen.support import services as support
from vuonlen.support.models import Kind, Source

pytestmark = pytest.mark.django_db
FEW, MANY = 2, 20


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(kontum):
    return World()


def _queries(client, url: str, expect_text: str | None = None) -> int:
    client.get(url)  # warm what is cached per process (the unit tree, the catalogue)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    if expect_text is not None:
        assert expect_text in response.content.decode(), url
    return len(captured)


def _flat(client, url: str, add, *, last_text: str) -> None:
    """``add(0, FEW)`` rows, count; ``add(FEW, MANY)`` more, count again: no more queries, and
    the last row added is on the page (the page really lists them)."""
    add(0, FEW)
    few = _queries(client, url)
    add(FEW, MANY)
    many = _queries(client, url, last_text)
    assert many <= few, f"{url}: {few} queries with {FEW} rows, {many} with {MANY}"


def test_models_list(client, world):
    client.force_login(world.officer)
    _flat(client, reverse("initiatives:list"),
          lambda a, b: [world.model(name=f"Mô hình số {i:02d}") for i in range(a, b)], last_text="Mô hình số 19")


def test_outreach_list(client, world):
    topic = Topic.objects.get(number=1)
    homes = [world.household(f"Hộ {i}") for i in range(3)]

    def add(a, b):
        for i in range(a, b):
            outreach.activity_record(actor=SYSTEM, kind="propaganda", date=dt.date(2024, 3, 1) + dt.timedelta(days=i),
                                     unit=world.commune, title=f"Buổi tuyên truyền {i:02d}", channel="meeting",
                                     topics=[topic], participants=20 + i, households=homes)

    client.force_login(world.officer)
    _flat(client, reverse("outreach:list"), add, last_text="Buổi tuyên truyền 19")


def test_ledger_list(client, world):
    homes = [world.household(f"Hộ nhận {i}") for i in range(MANY)]

    def add(a, b):
        for i in range(a, b):
            support.entry_record(actor=SYSTEM, source=Source.SOCIAL, kind=Kind.CASH, value_vnd=1_000_000 + i,
                                 date=dt.date(2023, 3, 1), household=homes[i])

    client.force_login(world.officer)
    _flat(client, reverse("support:entry_list"), add, last_text="1.000.019")


def test_audit_list(client, world):
    admin = factories.make_user(Role.SYSADMIN, world.province, username="quantri.thu")

    def add(a, b):
        for i in range(a, b):
            audit_record(actor=admin, action=AuditAction.EXPORT, source="web", object_repr=f"Tệp thử {i:02d}")

    client.force_login(admin)
    _flat(client, reverse("core:audit_list"), add, last_text="Tệp thử 19")


def test_api_households_and_reviews(client, world, django_capture_on_commit_callbacks):
    homes: list = []

    def add(a, b):
        # Committed, as the server's writes are: the lists' kept counts start again after them.
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(a, b):
                home = HouseholdFactory(unit=world.village, members=[f"Chủ hộ số {i:02d}"])
                ReviewFactory(household=home, year=2023, income=600_000, lacking=["employment"])
                homes.append(home)

    client.force_login(world.officer)
    add(0, FEW)
    few = (_queries(client, "/api/v1/households"), _queries(client, "/api/v1/reviews"))
    add(FEW, MANY)
    many = (_queries(client, "/api/v1/households", '"count": 20'), _queries(client, "/api/v1/reviews"))
    assert many[0] <= few[0] and many[1] <= few[1], (few, many)
    assert len(client.get("/api/v1/reviews").json()["items"]) == MANY
