"""Household import at province scale: 30,000 households with 130,000 members from one .xlsx.

Goal (issue 3): under 20 s and under 1 GB peak memory; issue 17: under 10 s and 500 MB on
SQLite and PostgreSQL alike. CPU time (this process's, the parsing child's and, when the
PostgreSQL server runs on this machine, its backend's) is printed beside the wall time, which a
shared machine inflates. Beside it, in the same run and on the same
file, a hand-written baseline doing the raw work only: read the cells with calamine and
insert the same households, persons and memberships with executemany (no checks, no audit).

Run: `make bench` (or `.venv/bin/python bench/bench_households_import.py`). The file is made
in a separate process first, so the import's process peak memory is the import's own.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import backends, setup_django

HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", 30_000))
REVIEW_YEAR = 2023
PERSONS = HOUSEHOLDS // 3 * 13  # two households of 4 for each of 5: 130,000 members for 30,000

FAMILY = ["A", "Y", "Đinh", "Nguyễn", "Hồ", "Lê", "Trần", "Rơ Châm", "Ksor", "Siu"]
GIVEN = ["Bình", "Hùng", "Lan", "Mai", "Thương", "Blong", "Hiên", "Tuấn", "Đơm", "Rin", "Ngọc", "Phúc",
         "Hoa", "Sơn", "Nhung", "Kiên", "Dũng", "Thảo", "Xuân", "Hằng"]
ETHNIC = ["Xơ Đăng", "Ba Na", "Giẻ Triêng", "Gia Rai", "Hrê", "Kinh"]


def make_file(database_url: str, path: str) -> None:
    """Write the province-sized file (run in its own process), over Kon Tum's communes."""
    setup_django(database_url)
    import openpyxl

    from vuonlen.geo.loaders import load_province
    from vuonlen.geo.models import AdministrativeUnit, Level
    from vuonlen.households.imports import HOUSEHOLD_TEMPLATE_COLUMNS, H

    load_province(62)
    communes = list(AdministrativeUnit.objects.filter(era="pre2025", level=Level.COMMUNE)
                    .order_by("code").values_list("code", flat=True))
    rng = random.Random(2023)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Hộ và nhân khẩu")
    sheet.append(["DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU"])
    sheet.append([])
    columns = list(HOUSEHOLD_TEMPLATE_COLUMNS)
    sheet.append(columns)
    serial = 0
    persons = 0
    for number in range(HOUSEHOLDS):
        size = 5 if number % 3 == 0 else 4
        ethnic = ETHNIC[number % len(ETHNIC)]
        for index in range(size):
            serial += 1
            persons += 1
            if index == 0:
                relation, sex, year = "Chủ hộ", "Nam", 1950 + rng.randrange(40)
            elif index == 1:
                relation, sex, year = "Vợ/chồng", "Nữ", 1955 + rng.randrange(40)
            else:
                relation, sex, year = "Con", rng.choice(["Nam", "Nữ"]), 1995 + rng.randrange(25)
            century = 0 if year < 2000 else 2
            cid = f"062{century + (sex == 'Nữ')}{year % 100:02d}{serial:06d}"
            birth = dt.date(year, 1 + serial % 12, 1 + serial % 28) if serial % 2 else year
            values = {
                H.COMMUNE: communes[number % len(communes)] if index == 0 else "",
                H.VILLAGE: "", H.CODE: f"B{number:06d}", H.AREA: "",
                H.PHONE: f"09{number:08d}" if index == 0 else "", H.ADDRESS: "Thôn 1" if index == 0 else "",
                H.NOTES: "", H.NAME: f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}", H.SEX: sex, H.BIRTH: birth,
                H.RELATION: relation, H.ETHNICITY: ethnic if index == 0 else "", H.CITIZEN_ID: cid,
                H.INSURANCE: "Có", H.SCHOOL: "Đang đi học" if year > 2005 else "Đã thôi học",
                H.EDUCATION: "Tiểu học", H.OCCUPATION: "Làm nông" if year < 2005 else "",
            }
            sheet.append([values[c] for c in columns])
    assert persons == PERSONS, persons
    workbook.save(path)

    # The year's review of every household: income in both groupings, a few indicators lacking.
    from vuonlen.households.imports import R, review_columns_for

    columns = [c.name for c in review_columns_for(REVIEW_YEAR)]
    indicators = [c for c in columns if c not in vars(R).values()]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(f"Rà soát {REVIEW_YEAR}")
    sheet.append(columns)
    for number in range(HOUSEHOLDS):
        income = 900_000 + rng.randrange(2_000_000)
        values = {R.COMMUNE: communes[number % len(communes)], R.CODE: f"B{number:06d}", R.HEAD: "",
                  R.INCOME: f"{income:,}".replace(",", ".") if number % 2 else income, R.SCORE_A: "",
                  R.KIND: "định kỳ", R.REVIEWED_ON: dt.date(REVIEW_YEAR, 10, 1 + number % 28),
                  R.DECISION_NUMBER: "12/QĐ-UBND" if number % 3 == 0 else "",
                  R.DECISION_DATE: dt.date(REVIEW_YEAR, 12, 20) if number % 3 == 0 else "",
                  R.FARMING: "có" if number % 10 else "không"}
        for name in indicators:
            values[name] = "x" if rng.random() < 0.2 else ""
        sheet.append([values[c] for c in columns])
    workbook.save(path.replace(".xlsx", "-ra-soat.xlsx"))


def _backend_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far, when the server runs on this
    machine (read from /proc); None on SQLite (its work is this process's) or a remote server."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server(before: float | None) -> str:
    after = _backend_cpu()
    return "" if before is None or after is None else f", {after - before:.1f} s of CPU in the PostgreSQL backend"


def _wal_position() -> int | None:
    """PostgreSQL's write-ahead log position in bytes (None on SQLite): what a write costs the
    server's disk, and what a commit waits for it to flush."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")
        return int(cursor.fetchone()[0])


def _wal(before: int | None) -> str:
    after = _wal_position()
    return "" if before is None or after is None else f"; {(after - before) / 2**20:.0f} MiB of write-ahead log"


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes (the file's parse)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def baseline(data: bytes, communes: dict[str, int], user_id: int) -> tuple[int, int]:
    """The raw work: read the cells with calamine, insert the rows with executemany."""
    import io

    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    now = dt.datetime.now(dt.UTC)
    households, persons, memberships = [], [], []
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM households_household")
        household_id = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM households_person")
        person_id = cursor.fetchone()[0]
    commune = None
    for row in rows[3:]:
        (commune_code, _village, code, _area, phone, address, _notes, name, sex, birth, relation, _ethnic, cid,
         _insurance, _school, _education, occupation) = row[:17]
        if commune_code:
            commune = communes[str(commune_code)]
            household_id += 1
            households.append((household_id, now, now, 1, commune, commune, code, name, name.lower(), name.lower(),
                               name.lower(), "urban", False, "14", True, phone, address, "", "", "", user_id))
        person_id += 1
        year = birth if isinstance(birth, (int, float)) else None
        date = birth if isinstance(birth, dt.date) else None
        persons.append((person_id, now, now, 1, name, name.lower(), name.lower(), "M" if sex == "Nam" else "F", date,
                        int(year) if year else None, "14", cid, True, "attending", "primary", occupation))
        memberships.append((now, now, 1, household_id, person_id, "head" if relation == "Chủ hộ" else "child",
                            "founding", ""))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO households_household (id, created_at, updated_at, version, commune_id, unit_id, code,"
            " head_name, head_search, head_sort, names_search, area, area_overridden, ethnicity, is_ethnic_minority,"
            " phone, address, notes, current_status, end_reason, created_by_id)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", households)
        cursor.executemany(
            "INSERT INTO households_person (id, created_at, updated_at, version, full_name, name_search, name_sort,"
            " sex, birth_date, birth_year, ethnicity, citizen_id, health_insurance, school_status, education_level,"
            " occupation) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", persons)
        cursor.executemany(
            "INSERT INTO households_membership (created_at, updated_at, version, household_id, person_id, relation,"
            " start_reason, end_reason) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", memberships)
    return len(households), len(persons)


def _wipe() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("core_auditlog", "households_review", "households_membership", "households_person",
                      "households_household"):
            cursor.execute(f"DELETE FROM {table}")


def inner(database_url: str, path: str) -> None:
    # Load on a shared machine makes wall time wander: the load average is printed beside it.
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    setup_django(database_url)
    from vuonlen.accounts.models import User
    from vuonlen.geo.loaders import load_province
    from vuonlen.geo.models import AdministrativeUnit, Level
    from vuonlen.households.imports import import_households
    from vuonlen.households.models import Household, Membership, Person

    load_province(62)
    admin = User.objects.create_superuser(username="bench", password="bench-only-Pa55word")
    data = Path(path).read_bytes()
    phases = []
    last = {"phase": None}

    def progress(done, total, phase):
        if phase != last["phase"]:
            phases.append((phase, time.perf_counter()))
            last["phase"] = phase

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_cpu = _children_cpu()
    backend = _backend_cpu()
    wal = _wal_position()
    start, cpu = time.perf_counter(), time.process_time()
    result = import_households(actor=admin, file=data, filename="tinh.xlsx", progress=progress)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    child_cpu = _children_cpu() - child_cpu
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert result.ok, result.errors[:5]
    assert (Household.objects.count(), Person.objects.count(), Membership.objects.count()) == (
        HOUSEHOLDS, PERSONS, PERSONS)
    steps = ", ".join(f"{p} from {t - start:.1f} s" for p, t in phases)
    print(f"household import, {HOUSEHOLDS:,} households / {PERSONS:,} members, .xlsx of {len(data) / 2**20:.1f} MiB: "
          f"{seconds:.1f} s ({PERSONS / seconds:,.0f} rows/s; {cpu:.1f} s of CPU in this process, "
          f"{child_cpu:.1f} s in the child that parses the file, {cpu + child_cpu:.1f} s in all{_server(backend)}"
          f"{_wal(wal)}); "
          f"process peak RSS {peak / 2**20:.0f} MiB "
          f"(before the import {rss_before / 1024:.0f} MiB; the parsing child's {child_peak / 2**20:.0f} MiB); "
          f"phases: {steps}")

    backend = _backend_cpu()
    start, cpu = time.perf_counter(), time.process_time()
    again = import_households(actor=admin, file=data, filename="tinh.xlsx")
    again_seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert again.ok and again.counts["unchanged"] == HOUSEHOLDS, again.counts
    print(f"the same file again (every household recognised, nothing written): {again_seconds:.1f} s "
          f"({cpu:.1f} s CPU{_server(backend)})")

    from vuonlen.households.imports import import_reviews
    from vuonlen.households.models import Review

    review_data = Path(path.replace(".xlsx", "-ra-soat.xlsx")).read_bytes()
    backend = _backend_cpu()
    start, cpu = time.perf_counter(), time.process_time()
    reviews = import_reviews(actor=admin, file=review_data, filename="ra-soat.xlsx", year=REVIEW_YEAR)
    review_seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert reviews.ok, reviews.errors[:5]
    assert Review.objects.filter(year=REVIEW_YEAR).count() == HOUSEHOLDS
    print(f"review import {REVIEW_YEAR}, {HOUSEHOLDS:,} households (each classified, a third recognised): "
          f"{review_seconds:.1f} s ({cpu:.1f} s CPU{_server(backend)})")

    communes = dict(AdministrativeUnit.objects.filter(era="pre2025", level=Level.COMMUNE).values_list("code", "id"))
    _wipe()
    backend = _backend_cpu()
    start, base_cpu = time.perf_counter(), time.process_time()
    counted = baseline(data, communes, admin.pk)
    base_seconds, base_cpu = time.perf_counter() - start, time.process_time() - base_cpu
    assert counted == (HOUSEHOLDS, PERSONS), counted
    print(f"baseline (calamine read + executemany of the same rows, no checks, no audit): {base_seconds:.1f} s "
          f"({base_cpu:.1f} s CPU{_server(backend)}); import / baseline = {seconds / base_seconds:.1f}×")


def main() -> None:
    # The file is written once (30 s) and imported on each database.
    with tempfile.TemporaryDirectory(prefix="vuonlen-bench-") as tmp:
        path = f"{tmp}/tinh.xlsx"
        start = time.perf_counter()
        scratch = f"sqlite:///{tmp}/scratch.sqlite3"
        subprocess.run([sys.executable, __file__, "--make-file", scratch, path], check=True)
        print(f"(test file written in {time.perf_counter() - start:.0f} s)", flush=True)
        for label, url in backends():
            print(f"--- {label} ---", flush=True)
            subprocess.run([sys.executable, __file__, "--inner", backends_fresh(label, url), path], check=True)


def backends_fresh(label: str, url: str) -> str:
    """The same kind of database, empty."""
    if label == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='vuonlen-bench-')}/import.sqlite3"
    import psycopg

    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--make-file":
        make_file(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "--inner":
        inner(sys.argv[2], sys.argv[3])
    else:
        main()
