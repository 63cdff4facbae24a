"""Dashboard pages' server time and queries on the demo data, on SQLite and PostgreSQL, in
three states (issue 17):

- **after a change**: the unit's figures made stale before every load, as a saved assessment
  anywhere below it does (``figures_cache.bump_units``: what ``rollups.refresh`` does for the
  units it rewrote) — the first load after a roll-up change, the state the goal is about;
- **cold**: the whole cache emptied before every load (the mentors' reach too: a server just
  started);
- **warm**: the figures cached, as every load after the first until the unit's figures change.

For the province, a district, a commune and a village of the old era and the new province and
a new commune: wall median and p95 over ``BENCH_REPEAT`` loads (20), the CPU time of this
process (median; PostgreSQL's own work is not in it) and the queries of one load.
Target (issue 17): p95 < 100 ms and a fixed number of queries.

Run: ``.venv/bin/python bench/bench_dashboard_pages.py`` (also part of ``make bench``: a copy
of the demo data set per backend, ``_harness.demo_database``), or
``bench/bench_dashboard_pages.py --inner DATABASE_URL`` on a database that holds the demo.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from _harness import run_per_backend, setup_django, summary

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def inner(url: str) -> None:
    os.environ["CACHE_URL"] = "locmem://"  # this process only
    os.environ["ALLOWED_HOSTS"] = "testserver"
    setup_django(url)
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from vuonlen.accounts.models import User
    from vuonlen.geo.models import AdministrativeUnit, Era, Level
    from vuonlen.indicators import figures_cache, rollups

    rollups.recompute_all()  # the totals as this code stores them (a data set built before may lack some)

    def pick(era, level):
        return AdministrativeUnit.objects.filter(era=era, level=level).order_by("code").first()

    old_province = pick(Era.PRE_2025, Level.PROVINCE)
    district = AdministrativeUnit.objects.filter(parent=old_province, level=Level.DISTRICT).order_by("code").last()
    commune = AdministrativeUnit.objects.filter(parent=district, level=Level.COMMUNE).order_by("code").first()
    village = AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("code").first()
    new_province = pick(Era.POST_2025, Level.PROVINCE)
    new_commune = AdministrativeUnit.objects.filter(parent=new_province, level=Level.COMMUNE).order_by("code").first()
    pages = [("lanhdao.tinh", old_province, "2024"), ("lanhdao.tinh", district, "2024"),
             ("lanhdao.tinh", commune, "2024"), ("lanhdao.tinh", village, "2024"),
             ("lanhdao.quangngai", new_province, ""), ("lanhdao.quangngai", new_commune, "")]
    # (``bump`` where the code measured has no per-unit versions: the state before issue 17's change)
    bump = getattr(figures_cache, "bump_units", None) or (lambda _units: figures_cache.bump())
    states = {"after a change": lambda unit: bump([unit.pk]),
              "cold": lambda unit: cache.clear(),
              "warm": lambda unit: None}
    for username, unit, year in pages:
        if unit is None:
            continue
        client = Client()
        client.force_login(User.objects.get(username=username))
        path = reverse("indicators:dashboard", args=[unit.pk]) + (f"?year={year}" if year else "")
        client.get(path)
        label = f"{Level(unit.level).label} {unit.name} ({unit.era}{', ' + year if year else ''})"
        for state, before in states.items():
            times, cpu = [], []
            for _ in range(REPEAT):
                before(unit)
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            assert response.status_code == 200, (path, response.status_code)
            before(unit)
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            print(f"{label}, {state}: {summary(times)}, CPU median {statistics.median(cpu) * 1000:.1f} ms, "
                  f"{len(queries)} queries", flush=True)
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--inner":
        inner(sys.argv[2])
    else:
        run_per_backend(Path(__file__).resolve(), demo=True)
