"""Assessment import through the page's synchronous path: 5,000 rows of one commune's households.

Goal (issue 4): the page imports synchronously, so 5,000 rows must go in within a few seconds
(< 15 s on this 2-core machine). This used to be a timed unit test; speed is measured here.

Run: `make bench` (or `.venv/bin/python bench/bench_assessment_import.py`). Prints wall and CPU
seconds per backend; each backend runs in its own process on an empty database.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time

from _harness import backends, setup_django

ROWS = 5000


def inner(database_url: str) -> None:
    setup_django(database_url)
    import openpyxl

    from vuonlen.accounts.models import RoleAssignment, User
    from vuonlen.accounts.roles import Role
    from vuonlen.accounts.scoping import SYSTEM
    from vuonlen.campaign import imports
    from vuonlen.geo.loaders import load_province
    from vuonlen.geo.models import AdministrativeUnit, Level, UnitType
    from vuonlen.geo.services import village_create
    from vuonlen.households.models import Household

    load_province(62)
    commune = AdministrativeUnit.objects.get(era="pre2025", level=Level.COMMUNE, code="23485")
    village = village_create(actor=SYSTEM, commune=commune, name="Thôn 4", unit_type=UnitType.THON)
    officer = User.objects.create_user(username="bench.officer", password="Bench-mat-khau-2026")
    RoleAssignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    Household.objects.bulk_create(
        Household(commune=commune, unit=village, code=f"B-{i:05d}", head_name=f"A Blong {i}", area="rural",
                  ethnicity="14", is_ethnic_minority=True) for i in range(ROWS))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([c.name for c in imports.COLUMNS])
    for i in range(ROWS):
        sheet.append([commune.code, f"B-{i:05d}", "A Blong", "20/11/2023", "1", "x", "x", *[""] * 9, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    wall, cpu = time.perf_counter(), time.process_time()
    result = imports.import_assessments(actor=officer, file=data, filename="lon.xlsx", year=2023)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert result.ok and result.counts["assessments"] == ROWS, result.errors[:3]
    print(f"  {ROWS:,} rows: {wall:.1f} s wall, {cpu:.1f} s CPU in this process (goal < 15 s)".replace(",", "."))


def main() -> None:
    for label, url in backends():
        print(f"== {label} ==", flush=True)
        subprocess.run([sys.executable, __file__, "--inner", url], check=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        inner(sys.argv[2])
    else:
        main()
