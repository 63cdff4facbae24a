"""Indicator roll-ups, evaluation and dashboards (issue 4), on SQLite and PostgreSQL.

On the demo data (~39,000 households, ~180,000 reviews and ~98,000 assessments 2021–2025):
- full recompute of every roll-up (every unit of both eras, every year): target < 1 s;
- one assessment changed and saved, with its on-commit refresh: target < 100 ms;
- the province dashboard page, server time through Django's test client: target p95 < 200 ms;
- for information: the evaluation of the province and its districts at a past cut-off
  (30/06/2023, computed on the spot) and at a year's end (read from the roll-ups).

Then a synthetic tenfold set: the demo households, reviews and assessments copied (new ids
and codes, same units) until there are about 300,000 households and 1.4–1.5 million
household-years, measuring at ×1, ×2, ×4 and ×8 the full recompute beside a hand-written SQL
baseline that computes the same sums on the same tables (assessments by year and unit with the
four criteria, poor / near-poor reviews by year and unit with the outreach EXISTS, the
population base) — target: within 2× the baseline — and the process's peak memory (target
< 1 GB).

Run: `make bench` (or `.venv/bin/python bench/bench_indicators.py`).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import sys
import time
from pathlib import Path

from _harness import run_per_backend, setup_django, summary, timed

# data-set sizes, in multiples of the demo (``BENCH_COPIES=1`` skips the growth)
COPIES = tuple(int(c) for c in os.environ.get("BENCH_COPIES", "1,2,4,8").split(","))


def _baseline(vendor: str) -> int:
    from django.db import connection

    if vendor == "postgresql":
        year_start, year_end = "make_date(r.year, 1, 1)", "make_date(r.year, 12, 31)"
        improved = "a.income_above_average AND a.stable_model AND a.solid_house AND a.has_essentials"
    else:
        year_start, year_end = "(r.year || '-01-01')", "(r.year || '-12-31')"
        improved = "a.income_above_average AND a.stable_model AND a.solid_house AND a.has_essentials"
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT a.year, a.unit_id, COUNT(*),
                   SUM(CASE WHEN a.changed_thinking THEN 1 ELSE 0 END),
                   SUM(CASE WHEN a.applies_technology THEN 1 ELSE 0 END),
                   SUM(CASE WHEN {improved} THEN 1 ELSE 0 END),
                   SUM(CASE WHEN a.in_cooperative THEN 1 ELSE 0 END)
            FROM campaign_assessment a GROUP BY a.year, a.unit_id""")
        rows += len(cursor.fetchall())
        cursor.execute(f"""
            SELECT r.year, r.unit_id,
                   SUM(CASE WHEN r.status = 'poor' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN r.status = 'near_poor' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN EXISTS (
                        SELECT 1 FROM outreach_activity_households t
                        JOIN outreach_activity o ON o.id = t.activity_id
                        WHERE t.household_id = r.household_id
                          AND o.date >= {year_start} AND o.date <= {year_end}) THEN 1 ELSE 0 END)
            FROM households_review r
            WHERE r.is_current AND r.is_ethnic_minority AND r.status IN ('poor', 'near_poor')
            GROUP BY r.year, r.unit_id""")
        rows += len(cursor.fetchall())
        cursor.execute("""SELECT year, commune_id, SUM(em_households_total) FROM households_populationbase
                          WHERE em_households_total IS NOT NULL GROUP BY year, commune_id""")
        rows += len(cursor.fetchall())
    return rows


def _columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def _copy(k: int) -> None:
    """Copy the original demo rows (ids below 10,000,000) once more as copy number ``k``."""
    from django.db import connection, transaction

    from vuonlen.campaign.models import Assessment
    from vuonlen.households.models import Household, Review

    hh_shift, row_shift = k * 10_000_000, k * 100_000_000
    replace = {
        Household: {"id": f"id + {hh_shift}", "code": f"code || '-{k}'", "split_from_id": "NULL",
                    "merged_into_id": "NULL"},
        Review: {"id": f"id + {row_shift}", "household_id": f"household_id + {hh_shift}", "supersedes_id": "NULL"},
        Assessment: {"id": f"id + {row_shift}", "household_id": f"household_id + {hh_shift}"},
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for model, changes in replace.items():
            columns = _columns(model)
            table = model._meta.db_table
            select = ", ".join(changes.get(c, c) for c in columns)
            cursor.execute(f'INSERT INTO {table} ({", ".join(columns)}) SELECT {select} FROM {table} '
                           f"WHERE id < 10000000")
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")


def _sizes() -> tuple[int, int, int]:
    from vuonlen.campaign.models import Assessment
    from vuonlen.households.models import Household, Review

    return Household.objects.count(), Review.objects.count(), Assessment.objects.count()


def inner(url: str) -> None:
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"  # the test client's host
    setup_django(url)
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from vuonlen.accounts.models import User
    from vuonlen.accounts.scoping import SYSTEM
    from vuonlen.campaign.models import CRITERIA_FIELDS, Assessment
    from vuonlen.campaign.services import assessment_record
    from vuonlen.geo.models import AdministrativeUnit, Era, Level
    from vuonlen.indicators import rollups
    from vuonlen.indicators.evaluation import Evaluation

    vendor = connection.vendor
    households, reviews, assessments = _sizes()
    print(f"demo data (built once, copied for this script): {households:,} households, {reviews:,} reviews, "
          f"{assessments:,} assessments")

    _, times = timed(rollups.recompute_all, repeat=5)
    rows = rollups.recompute_all()
    print(f"full recompute (every unit, both eras, {len(rollups.data_years())} years, {rows:,} rows): "
          f"{summary(times)}")

    # Through the service the assessment page calls (validation, row lock, audit row, and the
    # roll-ups scheduled in its transaction and refreshed when it commits).
    sample = list(Assessment.objects.filter(year=2024).select_related("household").order_by("pk")[:25])
    edit_times, edit_cpu = [], []
    for assessment in sample:
        data = {f: getattr(assessment, f) for f in CRITERIA_FIELDS} | {
            "assessed_on": assessment.assessed_on, "told_topics": assessment.told_topics, "note": assessment.note,
            "changed_thinking": not assessment.changed_thinking}
        start, start_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as statements, transaction.atomic():
            assessment_record(actor=SYSTEM, household=assessment.household, year=assessment.year, data=data,
                              expected_version=assessment.version, source="bench")
        edit_times.append(time.perf_counter() - start)
        edit_cpu.append(time.process_time() - start_cpu)
    print(f"one assessment saved (assessment_record) + its roll-ups refreshed on commit: {summary(edit_times)}, "
          f"CPU median {statistics.median(edit_cpu) * 1000:.1f} ms, {len(statements)} statements")
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE, era=Era.PRE_2025)
    refresh_times = timed(lambda: rollups.refresh(2024, [sample[0].unit_id]), repeat=25)[1]
    print(f"refresh alone (village → commune → district → province, and the new era): {summary(refresh_times)}")
    full = {(r.unit_id, r.year, r.indicator_id): (r.numerator, r.denominator)
            for r in rollups.Rollup.objects.all() if r.numerator or r.denominator}
    rollups.recompute_all()
    again = {(r.unit_id, r.year, r.indicator_id): (r.numerator, r.denominator)
             for r in rollups.Rollup.objects.all() if r.numerator or r.denominator}
    print(f"incremental result equals a full recompute: {full == again}")

    districts = list(AdministrativeUnit.objects.filter(parent=province).values_list("pk", flat=True))
    for cutoff in (dt.date(2024, 12, 31), dt.date(2023, 6, 30)):
        times = timed(lambda: Evaluation(cutoff=cutoff).rows([province.pk, *districts]), repeat=7)[1]
        print(f"evaluation of the province and its {len(districts)} districts at {cutoff:%d/%m/%Y}: {summary(times)}")

    viewer = User.objects.filter(username="lanhdao.tinh").first()
    try:
        url_name, args = "indicators:dashboard", [province.pk]
        path = reverse(url_name, args=args)
    except Exception:  # noqa: BLE001 - the dashboard may be named otherwise
        path = reverse("indicators:home")
    if viewer is not None:
        client = Client()
        client.force_login(viewer)
        first = client.get(path, {"year": 2024}, follow=True)
        page_times = []
        for _ in range(30):
            start = time.perf_counter()
            response = client.get(path, {"year": 2024}, follow=True)
            page_times.append(time.perf_counter() - start)
        print(f"province dashboard {path} (status {first.status_code}, {len(response.content):,} bytes): "
              f"{summary(page_times)}")
        # The goal's hard case: the first load after an assessment saved anywhere in the province.
        after_times, after_cpu = [], []
        for assessment in sample[:10]:
            assessment.refresh_from_db()
            data = {f: getattr(assessment, f) for f in CRITERIA_FIELDS} | {
                "assessed_on": assessment.assessed_on, "told_topics": assessment.told_topics,
                "note": assessment.note, "changed_thinking": not assessment.changed_thinking}
            with transaction.atomic():
                assessment_record(actor=SYSTEM, household=assessment.household, year=assessment.year, data=data,
                                  expected_version=assessment.version, source="bench")
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(path, {"year": 2024}, follow=True)
            after_times.append(time.perf_counter() - start)
            after_cpu.append(time.process_time() - start_cpu)
        print(f"province dashboard, first load after a saved assessment: {summary(after_times)}, "
              f"CPU median {statistics.median(after_cpu) * 1000:.1f} ms")

    print("synthetic growth (demo copied; same units):")
    for copies in COPIES:
        for k in range(1, copies):
            if not _has_copy(k):
                _copy(k)
        households, reviews, assessments = _sizes()
        ours = timed(rollups.recompute_all, repeat=3)[1]
        base = timed(lambda: _baseline(vendor), repeat=3)[1]
        ratio = statistics.median(ours) / statistics.median(base)
        print(f"  ×{copies}: {households:,} households, {reviews:,} reviews, {assessments:,} assessments — "
              f"recompute median {statistics.median(ours):.2f} s, hand-written GROUP BY "
              f"{statistics.median(base):.2f} s, ratio {ratio:.2f}", flush=True)
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (ru_maxrss): {peak:.0f} MiB")


def _has_copy(k: int) -> bool:
    from vuonlen.households.models import Household

    return Household.objects.filter(pk__gte=k * 10_000_000, pk__lt=(k + 1) * 10_000_000).exists()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--inner":
        inner(sys.argv[2])
    else:
        run_per_backend(Path(__file__).resolve(), demo=True)
