"""Dashboard pages' server time and queries, cold (the figures cache emptied before every load:
what every load cost before issue 17's cache) and warm (the figures of the unit cached, as
every load after the first until the roll-ups change), on the demo data in PostgreSQL (the load
test's database, built once by ``bench/load.py``'s set-up when missing).

For the province, a district, a commune and a village of the old era and the new province and
a new commune: median and p95 over 20 loads each, and the queries of one load.
Target (issue 17): p95 < 100 ms and a fixed number of queries.

Run: ``.venv/bin/python bench/bench_dashboard_pages.py`` (also part of ``make bench``).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import summary  # noqa: E402
from load import ROOT, _ensure_database, _env, _prepare  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def main() -> None:
    url = os.environ.get("LOAD_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/vuonlen_load")
    var_dir = ROOT / "var" / "load"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = _env(url, var_dir)
    try:
        _ensure_database(url)
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL here: nothing to measure
        print(f"(PostgreSQL not reachable: {exc})")
        return
    _prepare(env)
    os.environ.update(env)
    os.environ["CACHE_URL"] = "locmem://"  # this process only
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "vuonlen.config.settings"
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from vuonlen.accounts.models import User
    from vuonlen.geo.models import AdministrativeUnit, Era, Level

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
    for username, unit, year in pages:
        if unit is None:
            continue
        client = Client()
        client.force_login(User.objects.get(username=username))
        path = reverse("indicators:dashboard", args=[unit.pk]) + (f"?year={year}" if year else "")
        client.get(path)
        label = f"{Level(unit.level).label} {unit.name} ({unit.era}{', ' + year if year else ''})"
        for state in ("cold", "warm"):
            times = []
            for _ in range(REPEAT):
                if state == "cold":
                    cache.clear()
                start = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
            if state == "cold":
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            print(f"{label}, {state}: {summary(times)}, {len(queries)} queries", flush=True)


if __name__ == "__main__":
    main()
