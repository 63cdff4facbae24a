"""Foundation benchmarks: loading real units, the demo, scope resolution, village import.

Run: `make bench` (or `.venv/bin/python bench/bench_foundation.py`). Prints figures per database.
"""

from __future__ import annotations

import io
import resource
import sys
from pathlib import Path

from _harness import run_per_backend, setup_django, summary, timed


def inner(database_url: str) -> None:
    setup_django(database_url)
    import openpyxl
    from django.db import connection, reset_queries

    from vuonlen.accounts import scoping
    from vuonlen.accounts.models import User
    from vuonlen.core.demo import run_demo
    from vuonlen.core.text import sort_key
    from vuonlen.geo.imports import village_import
    from vuonlen.geo.loaders import load_province
    from vuonlen.geo.models import AdministrativeUnit, Level
    from vuonlen.households.models import Household

    _, t = timed(lambda: load_province(62))
    print(f"geo load --province 62 (154 units, 103 lineage rows), fresh DB: {summary(t)}")
    _, t = timed(lambda: load_province(62))
    print(f"geo load again (no change): {summary(t)}")
    _, t = timed(lambda: run_demo(seed=2021, say=lambda _m: None))
    villages = AdministrativeUnit.objects.filter(level=Level.VILLAGE).count()
    households = Household.objects.count()
    print(f"full demo, every room ({villages} villages, {households} households and their reviews, "
          f"reports, notices, models, ledger…): {summary(t)}")

    officer = User.objects.get(username="canbo.xa")
    viewer = User.objects.get(username="lanhdao.tinh")

    def visible_for(user):
        scoping.forget_scope(user)
        return len(list(scoping.visible_units(user).values_list("pk", flat=True)))

    for label, user in [("commune officer", officer), ("province viewer", viewer)]:
        visible_for(user)
        n, t = timed(lambda u=user: visible_for(u), repeat=200)
        # The scope is a set of paths: a commune officer's commune also reaches, through the
        # lineage, the new-era units that took its villages over.
        paths = scoping.scope_for(user).paths

        def raw(ps=paths):
            where = " OR ".join(["path LIKE %s"] * len(ps)) or "TRUE"  # no paths: everything
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT id FROM geo_administrativeunit WHERE {where}", [p + "%" for p in ps])
                return len(cursor.fetchall())

        raw_n, raw_t = timed(raw, repeat=200)
        assert raw_n == n, (raw_n, n)
        ratio = sorted(t)[len(t) // 2] / sorted(raw_t)[len(raw_t) // 2]
        print(f"scope + visible units, {label} ({n} units): {summary(t)}; raw SQL {summary(raw_t)}; ratio {ratio:.1f}×")

    names = list(AdministrativeUnit.objects.values_list("name", flat=True)) * 50
    _, t = timed(lambda: [sort_key(n) for n in names])
    print(f"sort_key: {len(names)} names in {summary(t)} ({len(names) / t[0]:,.0f} names/s)")

    communes = list(AdministrativeUnit.objects.filter(level=Level.COMMUNE, era="pre2025").order_by("code"))
    rows = 5000
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Mã xã", "Tên thôn", "Loại"])
    for i in range(rows):
        sheet.append([communes[i % len(communes)].code, f"Thôn thử nghiệm {i // len(communes) + 1}", "thôn"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    admin = User.objects.get(username="quantri")
    result, t = timed(lambda: village_import(actor=admin, file=data, filename="thon.xlsx"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # the whole process's peak
    assert not result.errors, result.errors[:3]
    print(f"village import, {rows} rows .xlsx ({len(data) // 1024} KiB): {summary(t)}, "
          f"{rows / t[0]:,.0f} rows/s, process peak RSS {peak / 2**20:.0f} MiB")
    reset_queries()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        inner(sys.argv[2])
    else:
        run_per_backend(Path(__file__).resolve())
