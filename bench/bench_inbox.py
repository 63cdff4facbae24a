"""The inbox: server time of the inbox page and of the top bar's badge request for a person with
300 open items, and the collector's time per person (a reporting unit owing a quarterly report,
20 open tasks; a mentor with 60 households), first run and a rerun that finds nothing new.
The inbox page shows 50 items a page; the home page is measured beside it for the shell's own cost.

Run: .venv/bin/python bench/bench_inbox.py [--inner DATABASE_URL]
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from _harness import run_per_backend, setup_django, summary, timed

RUNS = 40


def build() -> dict:
    from vuonlen.accounts.models import Organisation, OrgKind, RoleAssignment, User
    from vuonlen.accounts.scoping import SYSTEM
    from vuonlen.campaign.models import MentorAssignment
    from vuonlen.core.periods import today_vn
    from vuonlen.directives import services as directives
    from vuonlen.directives.models import DeadlineKind, DocumentKind, ExpectedOutput
    from vuonlen.geo.loaders import load_province
    from vuonlen.geo.models import AdministrativeUnit, Level
    from vuonlen.households.models import Household
    from vuonlen.reporting import defaults
    from vuonlen.reporting.models import Obligation, ReportSchedule, ScheduleKind

    if not AdministrativeUnit.objects.exists():
        load_province(62)
    district = AdministrativeUnit.objects.get(era="pre2025", level=Level.DISTRICT, code="614")
    commune = AdministrativeUnit.objects.get(era="pre2025", level=Level.COMMUNE, code="23485")

    def org(unit, kind, name):
        o = Organisation(kind=kind, unit=unit)
        o.set_name(name)
        o.save()
        return o

    bcd = org(district, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo huyện")
    farmers = org(district, OrgKind.FARMERS_UNION, "Hội Nông dân huyện")
    schedule = ReportSchedule.objects.create(name="Báo cáo quý", kind=ScheduleKind.QUARTERLY,
                                             form=defaults.quarterly_form(), issuer=bcd, year_from=2023)
    Obligation.objects.create(schedule=schedule, org_kind=OrgKind.FARMERS_UNION, unit_level=Level.DISTRICT)
    unit_user = User.objects.create_user(username="bench-hnd", password="x")
    RoleAssignment.objects.create(user=unit_user, role="reporting_unit", organisation=farmers)
    today = today_vn()
    document = directives.document_register(actor=SYSTEM, issuer=bcd, number="1-TB/BCĐ",
                                            date=today - dt.timedelta(days=90), kind=DocumentKind.NOTICE, title="giao ban")
    for i in range(20):
        directives.task_create(actor=SYSTEM, document=document, lead=farmers, coordinating=(), text=f"Nhiệm vụ {i}",
                               expected_output=ExpectedOutput.REPORT, deadline_kind=DeadlineKind.DATE,
                               deadline=today + dt.timedelta(days=i % 10 - 5))
    mentor = User.objects.create_user(username="bench-mentor", password="x")
    RoleAssignment.objects.create(user=mentor, role="mentor", unit=commune)
    households = Household.objects.bulk_create(
        [Household(commune=commune, unit=commune, code=f"M{i:03d}", head_name=f"Hộ {i}", area="rural", ethnicity="14")
         for i in range(60)])
    MentorAssignment.objects.bulk_create(
        [MentorAssignment(mentor=mentor, household=h, unit=commune, started_on=today - dt.timedelta(days=200))
         for h in Household.objects.filter(code__startswith="M")])
    return {"unit_user": unit_user, "mentor": mentor, "farmers": farmers, "households": households}


def measure(data: dict) -> None:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from vuonlen.messaging.inbox import collect_for
    from vuonlen.messaging.models import InboxItem

    reverse("home")  # the URL configuration loads once per process (the API with it): not the collector's cost
    for who in ("unit_user", "mentor"):
        user = data[who]
        first, t_first = timed(lambda: collect_for(user))
        _, t_again = timed(lambda: collect_for(user), repeat=10)
        print(f"  collect {who:9s}: first run {summary(t_first)} ({first.created} items), "
              f"rerun {summary(t_again)}")

    reader = data["unit_user"]
    farmers = data["farmers"]
    InboxItem.objects.bulk_create([InboxItem(user=reader, kind="report_due", key=f"bench:{i}", ref_id=farmers.pk,
                                             title=f"Báo cáo {i}", url="/", due_date=dt.date(2026, 12, 31))
                                   for i in range(300 - InboxItem.objects.filter(user=reader).count())])
    override_settings(ALLOWED_HOSTS=["testserver"], STORAGES={
        **settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()
    client = Client()
    client.force_login(reader)
    for label, url in (("inbox page, 300 items", "/hop-thu/"), ("badge request", "/hop-thu/dem/"),
                       ("home page (comparison)", "/")):
        client.get(url, secure=True)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(url, secure=True)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"  {label:22s}: p50 {statistics.median(times) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        setup_django(sys.argv[2])
        measure(build())
    else:
        run_per_backend(Path(__file__))
