"""The five official review tables (biểu 01–05) for the whole province from the demo data
(~39,000 households, ~180,000 reviews 2021–2025), beside a hand-written SQL baseline doing the
same work on the same data in the same run, as a ratio. Target: the five tables under 1 s.

What is timed (median of several runs, each from scratch: no cache between runs):
- tables, system: ``ReviewReport(unit=province, year=2023)`` and ``rows()`` of all five tables
  (unit layout, the grouped queries, the sums per district and the rates);
- tables, province viewer: the same through a reader's scope (the households' units joined in);
- baseline: raw SQL — the GROUP BY behind table 01 (reviews by commune and status, population
  base), the two sides of the dynamics self-join behind tables 02–03 (N-1 joined to N, and N
  joined to N-1 with the earlier history), and the per-indicator count behind 04–05
  (``json_each`` / ``jsonb_array_elements_text``); the baseline's province totals are checked
  against the tables';
- and, for information, writing the five sheets as .xlsx and rendering the five HTML tables.

Run: `make bench` (or `.venv/bin/python bench/bench_households_tables.py`).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from _harness import run_per_backend, setup_django, summary, timed

YEAR = 2023
RUNS = 7


def _baseline_sql(vendor: str, communes: list[int]) -> dict:
    """The same figures by hand: one statement per table family, grouped by commune."""
    from django.db import connection

    marks = ",".join(["%s"] * len(communes))
    out = {}
    with connection.cursor() as cursor:
        # Table 01: reviews of the year by commune and status, and the population base.
        cursor.execute(f"""
            SELECT commune_id,
                   SUM(CASE WHEN status = 'poor' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'poor' THEN persons ELSE 0 END),
                   SUM(CASE WHEN status = 'near_poor' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN status = 'near_poor' THEN persons ELSE 0 END),
                   SUM(CASE WHEN status = 'average' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN status = 'average' THEN persons ELSE 0 END)
            FROM households_review WHERE year = %s AND is_current AND commune_id IN ({marks})
              AND status IN ('poor', 'near_poor', 'average')
            GROUP BY commune_id""", [YEAR, *communes])
        out["summary"] = cursor.fetchall()
        cursor.execute(f"""SELECT commune_id, households_total, persons_total FROM households_populationbase
                           WHERE year = %s AND commune_id IN ({marks})""", [YEAR, *communes])
        out["bases"] = cursor.fetchall()
        # Tables 02–03, start side: N-1 on a list, joined to N.
        cursor.execute(f"""
            SELECT p.commune_id, p.status, COUNT(*), SUM(p.persons),
                   SUM(CASE WHEN n.commune_id = p.commune_id AND n.status = 'near_poor' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN n.commune_id = p.commune_id AND n.status = 'poor' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN n.commune_id = p.commune_id AND n.status NOT IN ('poor', 'near_poor')
                            THEN 1 ELSE 0 END),
                   SUM(CASE WHEN n.commune_id = p.commune_id AND n.status = p.status
                            THEN CASE WHEN n.persons < p.persons THEN n.persons ELSE p.persons END ELSE 0 END)
            FROM households_review p
            LEFT JOIN households_review n ON n.household_id = p.household_id AND n.year = %s AND n.is_current
            WHERE p.year = %s AND p.is_current AND p.status IN ('poor', 'near_poor') AND p.commune_id IN ({marks})
            GROUP BY p.commune_id, p.status""", [YEAR, YEAR - 1, *communes])
        out["start"] = cursor.fetchall()
        # End side: N on a list, joined to N-1, with the history and arrivals.
        cursor.execute(f"""
            SELECT n.commune_id, n.status, COUNT(*), SUM(n.persons),
                   SUM(CASE WHEN p.commune_id = n.commune_id AND p.status IN ('poor', 'near_poor')
                            AND p.status <> n.status THEN 1 ELSE 0 END),
                   SUM(CASE WHEN (p.commune_id = n.commune_id AND p.status NOT IN ('poor', 'near_poor'))
                                  OR (p.id IS NULL AND (h.started_on IS NULL OR NOT (h.started_on BETWEEN %s AND %s AND (h.split_from_id IS NOT NULL
                                      OR EXISTS (SELECT 1 FROM households_membership m WHERE m.household_id = h.id
                                                 AND m.relation = 'head' AND m.start_reason = 'moved_in')))))
                            THEN CASE WHEN EXISTS (SELECT 1 FROM households_review e WHERE e.household_id = n.household_id
                                                   AND e.is_current AND e.year < %s AND e.status = n.status)
                                      THEN 1 ELSE 0 END
                            ELSE 0 END)
            FROM households_review n
            JOIN households_household h ON h.id = n.household_id
            LEFT JOIN households_review p ON p.household_id = n.household_id AND p.year = %s AND p.is_current
            WHERE n.year = %s AND n.is_current AND n.status IN ('poor', 'near_poor') AND n.commune_id IN ({marks})
            GROUP BY n.commune_id, n.status""",
                       [dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), YEAR - 1, YEAR - 1, YEAR, *communes])
        out["end"] = cursor.fetchall()
        # Tables 04–05: poor households lacking each indicator.
        lacking = ("json_each(r.lacking) j" if vendor == "sqlite"
                   else "LATERAL jsonb_array_elements_text(r.lacking) AS j(value)")
        cursor.execute(f"""
            SELECT r.commune_id, j.value, COUNT(*) FROM households_review r, {lacking}
            WHERE r.year = %s AND r.is_current AND r.status = 'poor' AND r.commune_id IN ({marks})
            GROUP BY r.commune_id, j.value""", [YEAR, *communes])
        out["lacking"] = cursor.fetchall()
        cursor.execute(f"""SELECT commune_id, COUNT(*) FROM households_review
                           WHERE year = %s AND is_current AND status = 'poor' AND commune_id IN ({marks})
                           GROUP BY commune_id""", [YEAR, *communes])
        out["poor"] = cursor.fetchall()
    return out


def _check(report, base: dict) -> None:
    """The baseline computes the same province totals as the tables."""
    t01 = report.table("01").rows()[0].values
    assert t01["poor_h"] == sum(r[1] for r in base["summary"]), "table 01 poor households"
    assert t01["near_p"] == sum(r[4] for r in base["summary"]), "table 01 near-poor persons"
    assert t01["households_total"] == sum(r[1] for r in base["bases"]), "table 01 population base"
    t02 = report.table("02").rows()[0].values
    poor_start = [r for r in base["start"] if r[1] == "poor"]
    assert t02["c1"] == sum(r[2] for r in poor_start), "table 02 col 1"
    assert t02["c2"] == sum(r[4] for r in poor_start), "table 02 col 2"
    assert t02["c3"] == sum(r[6] for r in poor_start), "table 02 col 3"
    poor_end = [r for r in base["end"] if r[1] == "poor"]
    assert t02["c9"] == sum(r[2] for r in poor_end), "table 02 col 9"
    assert t02["c5"] == sum(r[4] for r in poor_end), "table 02 col 5"
    assert t02["c6"] == sum(r[5] for r in poor_end), "table 02 col 6"
    t04 = report.table("04").rows()[0].values
    assert t04["lack_total"] == sum(r[2] for r in base["lacking"]), "table 04 deprivations"


def inner(database_url: str) -> None:
    setup_django(database_url)
    from django.db import connection

    from vuonlen.accounts.models import User
    from vuonlen.geo.models import AdministrativeUnit, Level
    from vuonlen.households.models import Household, Review
    from vuonlen.households.movements import source_communes
    from vuonlen.households.official_tables import ReviewReport

    print(f"demo data (built once, copied for this script): {Household.objects.count():,} households, "
          f"{Review.objects.filter(is_current=True).count():,} current reviews")
    province = AdministrativeUnit.objects.get(era="pre2025", level=Level.PROVINCE, code="62")
    viewer = User.objects.get(username="lanhdao.tinh")
    vendor = connection.vendor
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    from vuonlen.accounts.scoping import SYSTEM

    def tables(user=SYSTEM):  # no user sees nothing (the access layer): the system sees all
        report = ReviewReport(unit=province, year=YEAR, user=user)
        for table in report.tables():
            table.rows()
        return report

    report = tables()  # warm-up: imports, connection, template loading
    communes = source_communes(province)
    base = _baseline_sql(vendor, communes)
    _check(report, base)

    _, t_tables = timed(tables, repeat=RUNS)
    _, t_viewer = timed(lambda: tables(viewer), repeat=RUNS)
    _, t_sql = timed(lambda: _baseline_sql(vendor, communes), repeat=RUNS)
    med = statistics.median
    print(f"five tables, province {YEAR}, system: {summary(t_tables)}")
    print(f"five tables, province {YEAR}, province viewer (scoped): {summary(t_viewer)}")
    print(f"hand-written SQL baseline (same figures): {summary(t_sql)}")
    print(f"ratio tables / SQL: {med(t_tables) / med(t_sql):.2f}× (system), "
          f"{med(t_viewer) / med(t_sql):.2f}× (scoped)")
    verdict = "OK" if med(t_tables) < 1.0 and med(t_viewer) < 1.0 else "OVER TARGET"
    print(f"target: five tables under 1 s — {verdict}")

    def xlsx():
        return len(tables().workbook().worksheets)

    def html():
        return sum(len(table.html()) for table in tables().tables())

    _, t_xlsx = timed(xlsx, repeat=3)
    _, t_html = timed(html, repeat=3)
    print(f"(for information) five tables computed and written as .xlsx: {summary(t_xlsx)}; "
          f"as HTML: {summary(t_html)}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        started = time.perf_counter()
        inner(sys.argv[2])
        print(f"(backend run took {time.perf_counter() - started:.0f} s)")
    else:
        run_per_backend(Path(__file__).resolve(), demo=True)
