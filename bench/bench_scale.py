"""National scale (issue 17 item 4), PostgreSQL only: the demo province grown to 300,000 and
1,000,000 households with five years of reviews, and at each size the household list p50/p95
(province reader and commune officer; first page and a search), the province dashboard (cold
and warm), the full recompute of the roll-ups and a 5,000-household import.

The generator. The demo data set (≈ 39,000 households, their persons and memberships, the
2021–2025 reviews, assessments, outreach links) is copied server-side, copy ``k`` with ids
shifted by ``k × SHIFT`` and household codes suffixed ``-k``, under the same units: one
``INSERT … SELECT`` per table and copy from a snapshot of the originals (temporary tables, so
a copy never rescans the grown table), no row through Python. While copying, the tables' plain
secondary indexes are dropped and rebuilt at the end (primary keys and unique constraints stay
and are checked), foreign-key triggers are off (``session_replication_role = replica``: the
copies of consistent rows are consistent) and commits are asynchronous; then ``VACUUM
(ANALYZE)`` of the grown tables (statistics for the planner, visibility maps for index-only
scans, as autovacuum leaves a table in use). Each copy commits on its own.

At each size (printed with the load average and the CPU time of both sides: this process, and
the PostgreSQL backend serving it, read from /proc when the server runs on this machine):
- the household list ``/ho-gia-dinh/``: province reader and commune officer, first page and a
  search by name (the search posted once; the timed requests are its token URL), p50/p95 of 20;
- the province dashboard: cold (the figures cache bumped before each of 5 loads) and warm (20);
- ``rollups.recompute_all()`` (every unit, both eras, every year): one run;
- importing a 5,000-household file (≈ 21,700 rows) into the grown registry;
- the heaviest statement of the list, the search, the cold dashboard and the recompute (by time, as the ORM sends
  them) under ``EXPLAIN (ANALYZE, BUFFERS)``: the summary printed, the whole plans written to
  ``BENCH_SCALE_PLANS`` (a file, e.g. ``docs/scale-plans.md``) for the last size (every size
  when the name holds ``{size}``).
The timed runs are without parallel workers (``max_parallel_workers_per_gather = 0``): the
server CPU read is the backend's own, and a parallel worker's would be missed; the EXPLAINs run
with the server's setting.

Environment:
- ``VUONLEN_BENCH_POSTGRES``: the database to grow (re-created from the demo template unless
  ``BENCH_SCALE_KEEP=1`` and it already holds a grown demo, which is then grown on; a size
  smaller than the kept database is skipped, not measured on the larger one).
- ``BENCH_SCALE_SIZES``: households, comma-separated (default ``39000,300000``; add
  ``1000000`` for the national figure: 26 copies).
- ``BENCH_SCALE_ONLY=grow``: grow to the last size and stop (no measuring).
- ``BENCH_SCALE_RUNS``: timed requests per page case (default 20).

Run: ``nice -n 10 .venv/bin/python bench/bench_scale.py``.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from _harness import PG_URL, _pg_admin, demo_database, setup_django

SIZES = [int(s) for s in os.environ.get("BENCH_SCALE_SIZES", "39000,300000").split(",") if s.strip()]
KEEP = os.environ.get("BENCH_SCALE_KEEP") == "1"
ONLY = os.environ.get("BENCH_SCALE_ONLY", "")
PLANS = os.environ.get("BENCH_SCALE_PLANS", "")
RUNS = int(os.environ.get("BENCH_SCALE_RUNS", "20"))
COLD_RUNS = 5
IMPORT_HOUSEHOLDS = 5_000
SHIFT = 10_000_000  # ids of copy k = original id + k × SHIFT (the demo's ids are far below)
WRITTEN_FROM = 1000 * SHIFT  # ids of rows the bench writes (imports): above every copy
PROVINCE_READER, COMMUNE_OFFICER = "lanhdao.tinh", "canbo.xamoi"


# --- the generator ----------------------------------------------------------------------------

def _copied():
    """(model or through table, {column: expression of the original row and the copy number k})."""
    from vuonlen.campaign.models import Assessment
    from vuonlen.households.models import Household, Membership, Person, Review
    from vuonlen.outreach.models import Activity

    return [
        (Household, {"id": f"id + g.k * {SHIFT}", "code": "code || '-' || g.k",
                     "split_from_id": f"split_from_id + g.k * {SHIFT}", "merged_into_id": f"merged_into_id + g.k * {SHIFT}"}),
        (Person, {"id": f"id + g.k * {SHIFT}", "citizen_id": "NULL"}),
        (Membership, {"id": f"id + g.k * {SHIFT}", "household_id": f"household_id + g.k * {SHIFT}",
                      "person_id": f"person_id + g.k * {SHIFT}"}),
        (Review, {"id": f"id + g.k * {SHIFT}", "household_id": f"household_id + g.k * {SHIFT}",
                  "supersedes_id": f"supersedes_id + g.k * {SHIFT}"}),
        (Assessment, {"id": f"id + g.k * {SHIFT}", "household_id": f"household_id + g.k * {SHIFT}",
                      "client_uuid": "NULL"}),
        (Activity.households.through, {"id": f"id + g.k * {SHIFT}", "household_id": f"household_id + g.k * {SHIFT}"}),
    ]


def _secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the plain indexes of ``tables``: not a primary key, not behind a
    constraint (those stay: they are what the copies are checked against)."""
    cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
                   "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
                   "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) ORDER BY 1", [tables])
    return cursor.fetchall()


def _grow_to(households: int) -> bool:
    """Copy the demo's registry until it holds about ``households`` (never fewer than 98%).
    False when it already holds more copies than that size needs (a kept, larger database)."""
    from django.db import connection

    from vuonlen.households.models import Household

    original = Household.objects.filter(pk__lt=SHIFT).count()
    copies = (Household.objects.filter(pk__gte=SHIFT, pk__lt=WRITTEN_FROM).order_by("-pk")
              .values_list("pk", flat=True).first() or 0) // SHIFT + 1
    wanted = 1
    while wanted * original < households * 0.98:
        wanted += 1
    if wanted < copies:
        return False
    if wanted == copies:
        return True
    copied = _copied()
    tables = [m._meta.db_table for m, _c in copied]
    start, cpu = time.perf_counter(), time.process_time()
    server = _ServerCpu()
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(cursor, tables)
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET session_replication_role = replica")  # no FK triggers: copies of consistent rows
        for model, _changes in copied:
            table = model._meta.db_table
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.src_{table}")
            cursor.execute(f"CREATE TEMP TABLE src_{table} AS SELECT * FROM {table} WHERE id < {SHIFT}")
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        try:
            for k in range(copies, wanted):
                for model, changes in copied:
                    table = model._meta.db_table
                    columns = [f.column for f in model._meta.concrete_fields]
                    select = ", ".join(changes.get(c, c) for c in columns)
                    cursor.execute(f'INSERT INTO {table} ({", ".join(columns)}) SELECT {select} '
                                   f"FROM src_{table} CROSS JOIN (SELECT {k} AS k) g")
                print(f"  (copy {k}: {time.perf_counter() - start:.0f} s)", flush=True)
        finally:
            built = time.perf_counter()
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute("SET max_parallel_maintenance_workers = 1")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("SET session_replication_role = origin")
            for model, _changes in copied:
                table = model._meta.db_table
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.src_{table}")
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        indexed = time.perf_counter()
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("ANALYZE")
    print(f"(grown to {Household.objects.count():,} households: copies {copies}–{wanted - 1}; rows "
          f"{built - start:.0f} s, {len(indexes)} indexes rebuilt {indexed - built:.0f} s, vacuum and analyse "
          f"{time.perf_counter() - indexed:.0f} s; CPU here {time.process_time() - cpu:.1f} s, "
          f"server {server.used():.0f} s)", flush=True)
    return True


# --- measuring --------------------------------------------------------------------------------

class _ServerCpu:
    """CPU seconds used by the PostgreSQL backend of this connection, from /proc (the server on
    this machine); ``nan`` when it cannot be read or the connection changed."""

    def __init__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.pid = cursor.fetchone()[0]
        self.start = self._read()

    def _read(self) -> float:
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def used(self) -> float:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            if cursor.fetchone()[0] != self.pid:
                return float("nan")
        return self._read() - self.start


@contextmanager
def _cpu():
    """Wall, CPU of this process and of the server backend over the block: a dict filled on exit."""
    got = {}
    server = _ServerCpu()
    wall, here = time.perf_counter(), time.process_time()
    yield got
    got.update(wall=time.perf_counter() - wall, here=time.process_time() - here, server=server.used())


def _say_cpu(got: dict) -> str:
    return f"{got['wall']:.1f} s wall, CPU {got['here']:.1f} s here + {got['server']:.1f} s server"


def _sizes() -> str:
    from vuonlen.campaign.models import Assessment
    from vuonlen.households.models import Household, Membership, Review

    return (f"{Household.objects.count():,} households, {Membership.objects.count():,} members, "
            f"{Review.objects.count():,} reviews ({Review.objects.order_by().values('year').distinct().count()} "
            f"years), {Assessment.objects.count():,} assessments")


def _requests(client, url: str, runs: int, before=None) -> dict:
    """``runs`` timed GETs of ``url`` (after one untimed): wall times, CPU per request."""
    response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    walls = []
    with _cpu() as got:
        for _ in range(runs):
            if before:
                before()
            start = time.perf_counter()
            assert client.get(url, secure=True).status_code == 200
            walls.append(time.perf_counter() - start)
    return {"walls": walls, **got}


def _say(result: dict) -> str:
    walls, n = result["walls"], len(result["walls"])
    p95 = statistics.quantiles(walls, n=20)[18] if n >= 2 else walls[0]
    return (f"p50 {statistics.median(walls) * 1000:,.0f} ms, p95 {p95 * 1000:,.0f} ms; CPU per request "
            f"{result['here'] / n * 1000:,.0f} ms here + {result['server'] / n * 1000:,.0f} ms server (n={n})")


def _search_url(client, words: str) -> str:
    """The list's URL for a search: posted once, the words become a token of this session."""
    response = client.post("/ho-gia-dinh/", {"q": words}, secure=True)
    assert response.status_code == 303, response.status_code
    return response["Location"]


@contextmanager
def _statements():
    """Every statement sent in the block, with its time: [(seconds, sql, params)]."""
    from django.db import connection

    got = []

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if not many:
                got.append((time.perf_counter() - start, sql, params))

    with connection.execute_wrapper(wrapper):
        yield got


def _explain(sql: str, params) -> list[str]:
    """The plan under the server's own settings (parallel workers allowed again)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("RESET max_parallel_workers_per_gather")
        try:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            return [row[0] for row in cursor.fetchall()]
        finally:
            cursor.execute("SET max_parallel_workers_per_gather = 0")


def _heaviest(label: str, statements, plans: list) -> None:
    """EXPLAIN the slowest SELECT of ``statements``; print its summary, keep the whole plan."""
    seconds, sql, params = max((s for s in statements if s[1].lstrip().upper().startswith("SELECT")),
                               key=lambda s: s[0])
    lines = _explain(sql, params)
    print(f"    heaviest statement of {label}: {seconds * 1000:,.1f} ms; EXPLAIN: {lines[0].strip()} … "
          f"{lines[-1].strip()}", flush=True)
    plans.append((label, seconds, sql % tuple(_literal(p) for p in params or ()), lines))


def _literal(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_literal(v) for v in value) + ")"
    return "NULL" if value is None else str(value)


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
            values = {H.COMMUNE: communes[number % len(communes)] if index == 0 else "", H.CODE: f"S{tag}-{number:05d}",
                      H.NAME: f"{rng.choice(['A', 'Y', 'Đinh', 'Rơ Châm'])} {rng.choice(['Blong', 'Hiên', 'Đơm'])}",
                      H.SEX: sex, H.BIRTH: year, H.RELATION: relation, H.ETHNICITY: "Xơ Đăng" if index == 0 else ""}
            sheet.append([values.get(c, "") for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_plans(path: str, label: str, plans: list) -> None:
    out = [f"# Plans at {label} (written by bench/bench_scale.py)", "",
           "`EXPLAIN (ANALYZE, BUFFERS)` of the heaviest statement (by time, as the ORM sends it) of each "
           "measured operation, run right after it (warm cache). See docs/scale.md for what they say.", ""]
    for name, seconds, sql, lines in plans:
        out += [f"## {name} ({seconds * 1000:,.1f} ms when measured)", "", "```sql", sql, "```", "", "```",
                *lines, "```", ""]
    Path(path).write_text("\n".join(out), encoding="utf-8")
    print(f"  (plans written to {path})", flush=True)


def measure(label: str, *, last: bool) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from vuonlen.accounts.models import User
    from vuonlen.geo.models import AdministrativeUnit, Era, Level
    from vuonlen.households.imports import import_households
    from vuonlen.indicators import figures_cache, rollups

    print(f"== {label}: {_sizes()} (load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} cores)", flush=True)
    override_settings(ALLOWED_HOSTS=["testserver"], STORAGES={
        **settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()
    with connection.cursor() as cursor:
        # The CPU read from /proc is the backend's own: parallel workers' would be missed.
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    plans: list = []
    for username in (PROVINCE_READER, COMMUNE_OFFICER):
        client = Client()
        client.force_login(User.objects.get(username=username))
        cases = [("first page", "/ho-gia-dinh/"), ("search 'hien'", _search_url(client, "hien"))]
        if username == PROVINCE_READER:
            cases.insert(1, ("poor in 2024, 100 a page", "/ho-gia-dinh/?status=poor&year=2024&per_page=100"))
        for case, url in cases:
            print(f"  household list, {username}, {case}: {_say(_requests(client, url, RUNS))}", flush=True)
            if case != "poor in 2024, 100 a page":
                with _statements() as statements:
                    client.get(url, secure=True)
                _heaviest(f"household list, {username}, {case}", statements, plans)
    client = Client()
    client.force_login(User.objects.get(username=PROVINCE_READER))
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE, era=Era.PRE_2025, code="62")
    url = reverse("indicators:dashboard", args=[province.pk]) + "?year=2024"
    print(f"  province dashboard {url}, cold: {_say(_requests(client, url, COLD_RUNS, before=figures_cache.bump))}",
          flush=True)
    figures_cache.bump()
    with _statements() as statements:
        client.get(url, secure=True)
    _heaviest("province dashboard, cold", statements, plans)
    print(f"  province dashboard {url}, warm: {_say(_requests(client, url, RUNS))}", flush=True)
    with _statements() as statements, _cpu() as got:
        rows = rollups.recompute_all()
    print(f"  full recompute ({rows:,} roll-up rows, {len(statements)} statements): {_say_cpu(got)}", flush=True)
    _heaviest("full recompute", statements, plans)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        username="bench-admin", password="bench-only-Pa55word")
    data = _import_file(IMPORT_HOUSEHOLDS, tag=f"{label.replace(',', '')[:7]}{int(time.time()) % 100000}")
    with _cpu() as got:
        result = import_households(actor=admin, file=data, filename="them.xlsx")
    assert result.ok, result.errors[:3]
    print(f"  import of {IMPORT_HOUSEHOLDS:,} households ({result.counts['persons']:,} members) into it: "
          f"{_say_cpu(got)}", flush=True)
    if PLANS and (last or "{size}" in PLANS):
        _write_plans(PLANS.replace("{size}", label.replace(",", "")), f"{label} households", plans)


def inner(url: str) -> None:
    setup_django(url)
    from django.db import connection

    assert connection.vendor == "postgresql", "bench_scale runs on PostgreSQL"
    connection.settings_dict["CONN_MAX_AGE"] = None  # one backend throughout: its CPU is read from /proc
    with connection.cursor() as cursor:
        # What the bench writes itself (the imports) goes above every copy's ids, so that only the
        # demo's rows (ids below SHIFT) are ever copied.
        for model, _changes in _copied():
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"GREATEST((SELECT MAX(id) FROM {table}), {WRITTEN_FROM}))")
        cursor.execute("ANALYZE")
    for index, size in enumerate(SIZES):
        if not _grow_to(size):
            print(f"(size {size:,} skipped: the kept database is larger already)", flush=True)
            continue
        if ONLY != "grow":
            measure(f"{size:,}", last=index == len(SIZES) - 1)


def _kept(url: str) -> bool:
    """The target database exists and holds the demo (grown or not)."""
    name = url.rsplit("/", 1)[1]
    with _pg_admin(url) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
    import psycopg

    with psycopg.connect(url, connect_timeout=3) as conn:
        return bool(conn.execute("SELECT to_regclass('households_household') IS NOT NULL").fetchone()[0])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        inner(sys.argv[2])
    else:
        import subprocess

        try:
            url = PG_URL if KEEP and _kept(PG_URL) else demo_database("postgresql", PG_URL)
        except Exception as exc:  # noqa: BLE001 - no server: nothing to measure
            print(f"(PostgreSQL not reachable: {exc}; bench_scale skipped)")
            sys.exit(0)
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--inner", url], check=True)
