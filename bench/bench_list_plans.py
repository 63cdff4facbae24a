"""The household list's count and first page at scale, with and without the open-household
indexes (households migrations 0009 and 0011, issue 17). PostgreSQL only.

The demo province is grown server-side to ``BENCH_PLANS_SIZE`` households (default 300,000;
the copying is ``bench_scale``'s) and vacuumed (as autovacuum leaves a table in use); the list's
count and first page, as the ORM writes them for a province, a district and a commune reader,
are run under ``EXPLAIN ANALYZE`` twice: with the indexes, and inside a transaction that drops
them and is rolled back ("before"). Prints the plans and the execution times; no pass/fail.

Run: `.venv/bin/python bench/bench_list_plans.py` (VUONLEN_BENCH_POSTGRES points at the server).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from _harness import PG_URL, demo_database, setup_django

SIZE = int(os.environ.get("BENCH_PLANS_SIZE", "300000"))
INDEXES = ("households_open_unit", "households_open_head_sort", "households_open_unit_ids")


class _Rollback(Exception):
    pass


def _explain(sql: str, params: list) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql, params)
        return "\n".join("      " + row[0] for row in cursor.fetchall())


def _queries(viewer):
    from vuonlen.households.selectors import households_visible_to

    qs = households_visible_to(viewer).filter(ended_on__isnull=True)
    count_sql, count_params = qs.order_by().values("pk").query.sql_with_params()
    page_sql, page_params = qs.order_by("head_sort", "code", "pk")[:25].query.sql_with_params()
    return [("count", f"SELECT COUNT(*) FROM ({count_sql}) s", list(count_params)),
            ("first page (25)", page_sql, list(page_params))]


def _show(label: str, viewers) -> None:
    for viewer in viewers:
        for name, sql, params in _queries(viewer):
            _explain(sql, params)  # warm the cache: compare plans, not disk reads
            print(f"  {label}, {viewer.username}, {name}:\n{_explain(sql, params)}", flush=True)


def inner(url: str) -> None:
    setup_django(url)
    from django.db import connection, transaction

    from vuonlen.accounts.models import User
    from vuonlen.households.models import Household

    assert connection.vendor == "postgresql", "bench_list_plans runs on PostgreSQL"
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_scale import _grow_to

    _grow_to(SIZE)
    # A table in use has its visibility map set by autovacuum (index-only scans depend on it);
    # the freshly copied rows get theirs here.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) households_household")
    viewers = [User.objects.get(username=name) for name in ("lanhdao.tinh", "lanhdao.huyen", "canbo.xa")]
    print(f"== {Household.objects.count():,} households (load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores)", flush=True)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for name in INDEXES:
                cursor.execute(f"DROP INDEX {name}")
            _show("before (no open-household indexes)", viewers)
            raise _Rollback
    except _Rollback:
        pass
    _show(f"after ({', '.join(INDEXES)})", viewers)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        inner(sys.argv[2])
    else:
        import subprocess

        try:
            url = demo_database("postgresql", PG_URL)
        except Exception as exc:  # noqa: BLE001 - no server: nothing to measure
            print(f"(PostgreSQL not reachable: {exc}; bench_list_plans skipped)")
            sys.exit(0)
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--inner", url], check=True)
