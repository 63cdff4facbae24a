"""National scale (issue 17 item 4), PostgreSQL only: the demo province grown to 300,000 and
1,000,000 households with five years of reviews, and at each size the household list p95, the
province dashboard, the full recompute of the roll-ups and a household import.

The data: the demo data set (≈ 39,000 households, their members, 2021–2025 reviews,
assessments, outreach links) copied server-side (``INSERT … SELECT``, no row through Python)
with shifted ids and suffixed codes, under the same units, then ANALYZE — each copy is
≈ 700,000 rows in a few seconds. Sizes: ``BENCH_SCALE_SIZES`` (households, comma-separated;
default ``39000,300000``; add ``1000000`` for the national figure — about 26 copies, minutes).

At each size (printed with the load average, since the machine may be shared):
- the household list ``/ho-gia-dinh/`` as the province viewer: p50/p95 of 3 cases;
- the province dashboard as the province viewer: p50/p95;
- ``rollups.recompute_all()`` (every unit, both eras, every year): one run;
- importing a 2,000-household file (≈ 8,700 rows) into the grown registry;
- EXPLAIN of the list's count and page queries and of the review roll-up query (the plans
  that make the figures hold: see docs/scale.md).

Run: `.venv/bin/python bench/bench_scale.py` (VUONLEN_BENCH_POSTGRES points at the server).
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

from _harness import PG_URL, demo_database, setup_django

SIZES = [int(s) for s in os.environ.get("BENCH_SCALE_SIZES", "39000,300000").split(",") if s.strip()]
RUNS = 20
SHIFT = 10_000_000  # ids of copy k = original id + k × SHIFT (the demo's ids are far below)


def _copy(k: int) -> None:
    """One more copy (number ``k``) of the demo's registry and campaign rows."""
    from django.db import connection, transaction

    from vuonlen.campaign.models import Assessment
    from vuonlen.households.models import Household, Membership, Person, Review
    from vuonlen.outreach.models import Activity

    shift = k * SHIFT
    replace = {
        Household: {"id": f"id + {shift}", "code": f"code || '-{k}'", "split_from_id": f"split_from_id + {shift}",
                    "merged_into_id": f"merged_into_id + {shift}"},
        Person: {"id": f"id + {shift}", "citizen_id": "NULL"},
        Membership: {"id": f"id + {shift}", "household_id": f"household_id + {shift}",
                     "person_id": f"person_id + {shift}"},
        Review: {"id": f"id + {shift}", "household_id": f"household_id + {shift}",
                 "supersedes_id": f"supersedes_id + {shift}"},
        Assessment: {"id": f"id + {shift}", "household_id": f"household_id + {shift}", "client_uuid": "NULL"},
    }
    through = Activity.households.through._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for model, changes in replace.items():
            columns = [f.column for f in model._meta.concrete_fields]
            table = model._meta.db_table
            select = ", ".join(changes.get(c, c) for c in columns)
            cursor.execute(f'INSERT INTO {table} ({", ".join(columns)}) SELECT {select} FROM {table} '
                           f"WHERE id < {SHIFT}")
        cursor.execute(f"INSERT INTO {through} (activity_id, household_id) SELECT activity_id, household_id + {shift} "
                       f"FROM {through} WHERE household_id < {SHIFT}")
        for model in replace:
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def _grow_to(households: int) -> None:
    from django.db import connection

    from vuonlen.households.models import Household

    original = Household.objects.filter(pk__lt=SHIFT).count()
    copies = Household.objects.count() // original
    start = time.perf_counter()
    while copies * original < households * 0.98:
        _copy(copies)
        copies += 1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"(grown to {Household.objects.count():,} households in {time.perf_counter() - start:.0f} s)", flush=True)


def _sizes() -> str:
    from vuonlen.campaign.models import Assessment
    from vuonlen.households.models import Household, Membership, Review

    return (f"{Household.objects.count():,} households, {Membership.objects.count():,} members, "
            f"{Review.objects.count():,} reviews ({Review.objects.order_by().values('year').distinct().count()} "
            f"years), {Assessment.objects.count():,} assessments")


def _pages(client, path: str, params: dict) -> list[float]:
    response = client.get(path, params, secure=True, follow=True)
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(path, params, secure=True, follow=True)
        times.append(time.perf_counter() - start)
    return times


def _p(times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[18]
    return f"p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def _import_file(households: int, tag: str) -> bytes:
    import openpyxl

    from vuonlen.geo.models import AdministrativeUnit, Level
    from vuonlen.households.imports import HOUSEHOLD_TEMPLATE_COLUMNS, H

    communes = list(AdministrativeUnit.objects.filter(era="pre2025", level=Level.COMMUNE, parent__parent__code="62")
                    .order_by("code").values_list("code", flat=True))
    rng = random.Random(tag)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Hộ và nhân khẩu")
    columns = list(HOUSEHOLD_TEMPLATE_COLUMNS)
    sheet.append(columns)
    for number in range(households):
        for index in range(5 if number % 3 == 0 else 4):
            relation, sex, year = (("Chủ hộ", "Nam", 1950 + rng.randrange(40)) if index == 0 else
                                   ("Vợ/chồng", "Nữ", 1955 + rng.randrange(40)) if index == 1 else
                                   ("Con", rng.choice(["Nam", "Nữ"]), 1995 + rng.randrange(25)))
            values = {H.COMMUNE: communes[number % len(communes)] if index == 0 else "", H.CODE: f"S{tag}{number:05d}",
                      H.NAME: f"{rng.choice(['A', 'Y', 'Đinh', 'Rơ Châm'])} {rng.choice(['Blong', 'Hiên', 'Đơm'])}",
                      H.SEX: sex, H.BIRTH: year, H.RELATION: relation, H.ETHNICITY: "Xơ Đăng" if index == 0 else ""}
            sheet.append([values.get(c, "") for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _explain(sql: str, params: list) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    return "\n".join("      " + line for line in lines[:14] + lines[-1:])


def _plans(viewer) -> None:
    """The plans of the list's queries and of the review roll-up, as the ORM writes them."""
    from django.db.models import Count, Q

    from vuonlen.households.models import Review
    from vuonlen.households.selectors import households_visible_to
    from vuonlen.indicators.sources import _told_expression

    qs = households_visible_to(viewer).filter(ended_on__isnull=True)
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    print("    EXPLAIN household count:\n" + _explain(f"SELECT COUNT(*) FROM ({sql}) s", list(params)))
    sql, params = qs.order_by("head_sort", "code", "pk")[:25].query.sql_with_params()
    print("    EXPLAIN household page (25):\n" + _explain(sql, list(params)))
    reviews = (Review.objects.filter(is_current=True, is_ethnic_minority=True, status__in=["poor", "near_poor"],
                                     year=2024).order_by().values("year", "unit_id")
               .annotate(n=Count("pk"), told=Count("pk", filter=Q(_told_expression(None)))))
    sql, params = reviews.query.sql_with_params()
    print("    EXPLAIN review roll-up 2024 (with the outreach EXISTS):\n" + _explain(sql, list(params)))


def measure(label: str) -> None:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from vuonlen.accounts.models import User
    from vuonlen.geo.models import AdministrativeUnit, Era, Level
    from vuonlen.households.imports import import_households
    from vuonlen.indicators import rollups

    print(f"== {label}: {_sizes()} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", flush=True)
    override_settings(ALLOWED_HOSTS=["testserver"], STORAGES={
        **settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()
    viewer = User.objects.get(username="lanhdao.tinh")
    client = Client()
    client.force_login(viewer)
    for case, params in (("first page", {}), ("status poor 2024, 100/page", {"status": "poor", "year": 2024,
                                                                              "per_page": 100}),
                         ("search 'hien'", {"q": "hien"})):
        print(f"  household list, province viewer, {case}: {_p(_pages(client, '/ho-gia-dinh/', params))}",
              flush=True)
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE, era=Era.PRE_2025, code="62")
    path = reverse("indicators:dashboard", args=[province.pk])
    print(f"  province dashboard {path} 2024: {_p(_pages(client, path, {'year': 2024}))}", flush=True)
    start = time.perf_counter()
    rows = rollups.recompute_all()
    print(f"  full recompute ({rows:,} roll-up rows): {time.perf_counter() - start:.1f} s", flush=True)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        username="bench-admin", password="bench-only-Pa55word")
    data = _import_file(2_000, tag=label[:6].strip())
    start = time.perf_counter()
    result = import_households(actor=admin, file=data, filename="them.xlsx")
    assert result.ok, result.errors[:3]
    print(f"  import of 2,000 households ({result.counts['persons']:,} members) into it: "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    _plans(viewer)


def inner(url: str) -> None:
    setup_django(url)
    from django.db import connection

    assert connection.vendor == "postgresql", "bench_scale runs on PostgreSQL"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for size in SIZES:
        _grow_to(size)
        measure(f"{size:,}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        inner(sys.argv[2])
    else:
        import subprocess

        try:
            url = demo_database("postgresql", PG_URL)
        except Exception as exc:  # noqa: BLE001 - no server: nothing to measure
            print(f"(PostgreSQL not reachable: {exc}; bench_scale skipped)")
            sys.exit(0)
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--inner", url], check=True)
