"""What one request of the load test costs the server, per endpoint: Python CPU, queries and
database time (issue 17: 100 users at ≈ 50 req/s on 2 cores leaves ≤ 40 ms of CPU a request).

A load test on a shared machine measures the neighbours; CPU time does not. This runs every
endpoint of ``bench/load/locustfile.py`` as the account of each load-test role, in this one
process, through Django's test client with production settings (``DEBUG=0``, the file cache as
``make load`` uses it, the same middleware and session backend), on a copy of the demo data set
in PostgreSQL (``_harness.demo_database``, built once per code version). For each endpoint it
prints, per request:

- **cpu ms**: ``time.process_time`` of this process — the application's Python, the template
  rendering and psycopg's side of the queries (what a gunicorn worker spends);
- **queries**, and **db ms**: the wall time of the queries as the client saw them (PostgreSQL's
  own work plus the round trip; on a loaded machine this waits for the CPU too);
- the median over ``BENCH_REPEAT`` requests (default 15) after one warm-up request, with the
  parameters the locust users vary (pages, search words, households, units) cycling.

Redirects are followed as locust follows them (the search posts its words and is sent to a
token URL: two requests, counted as one endpoint). ``--locust`` also measures locust's own CPU
per request (``HttpUser`` and ``FastHttpUser``) against a static server, since on the load
machine the tool's CPU is taken from the server's.

Run: ``VUONLEN_BENCH_POSTGRES=postgresql://postgres@127.0.0.1:5432/<yours> .venv/bin/python
bench/bench_request_cpu.py [--only <endpoint words>] [--locust]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import PG_URL, ROOT, SECRET, _ensure_static, demo_database  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
SEARCHES = ("nguyen", "a", "y", "thi", "đinh", "kon", "xa")  # as the locust users search

# role → (account, [(endpoint, path or a callable of the state giving a path)]), as locustfile.py
PROVINCE = ["dashboard (own unit)", "dashboard (a unit below)", "official tables", "compliance board",
            "household list", "household search", "api households", "api reviews", "models list", "documents list",
            "household detail"]
ROLES = [
    ("province", "lanhdao.tinh", PROVINCE),
    ("province (new)", "thuongtruc.quangngai", PROVINCE),
    ("district", "thuongtruc.huyen", PROVINCE),
    ("commune", "canbo.xa", ["household list", "household detail", "household search", "dashboard (own unit)",
                             "dashboard (a unit below)", "campaign households", "outreach list", "ledger list",
                             "api households"]),
    ("commune (new)", "canbo.xamoi", ["household list", "household search", "dashboard (own unit)"]),
    ("mentor", "phutrach.ho", ["my households", "household detail", "mentor app data", "api households"]),
    ("reporting", "donvi.hoinongdan", ["my reports", "report calendar", "my tasks", "dashboard (own unit)"]),
]


class Endpoints:
    """The paths of each endpoint for one reader, varying as the locust users vary them."""

    def __init__(self, client):
        self.client = client
        self.pages = cycle(range(1, 6))
        self.api_pages = cycle(range(1, 21))
        self.searches = cycle(SEARCHES)
        ids = client.get("/api/v1/households?page_size=50")
        self.households = cycle([h["id"] for h in ids.json().get("items", [])] or [0])
        self.client_units = None
        self.units = cycle([0])

    def _units(self):
        """The units below the reader's dashboard, as the locust user collects them."""
        import re

        if self.client_units is None:
            own = self.client.get("/chi-tieu/", follow=True)
            found = list(dict.fromkeys(int(pk) for pk in re.findall(r"/chi-tieu/bang-dieu-khien/(\d+)/",
                                                                     own.content.decode())))[:40]
            self.client_units = found
            self.units = cycle(found or [0])
        return self.units

    def path(self, name: str) -> str:
        return {
            "dashboard (own unit)": lambda: "/chi-tieu/",
            "dashboard (a unit below)": lambda: f"/chi-tieu/bang-dieu-khien/{next(self._units())}/",
            "official tables": lambda: "/bao-cao-ra-soat/",
            "compliance board": lambda: "/bao-cao-dinh-ky/theo-doi/",
            "household list": lambda: f"/ho-gia-dinh/?page={next(self.pages)}",
            "household search": lambda: f"/ho-gia-dinh/?q={next(self.searches)}",
            "household detail": lambda: f"/ho-gia-dinh/{next(self.households)}/",
            "api households": lambda: f"/api/v1/households?page={next(self.api_pages)}",
            "api reviews": lambda: f"/api/v1/reviews?page={next(self.api_pages)}",
            "models list": lambda: "/mo-hinh/",
            "documents list": lambda: "/chi-dao/van-ban/",
            "campaign households": lambda: "/cuoc-van-dong/ho/",
            "outreach list": lambda: "/tuyen-truyen/",
            "ledger list": lambda: "/nguon-luc/so/",
            "my households": lambda: "/cuoc-van-dong/ho-toi-phu-trach/",
            "mentor app data": lambda: "/cuoc-van-dong/ung-dung/du-lieu/",
            "my reports": lambda: "/bao-cao-dinh-ky/cua-toi/",
            "report calendar": lambda: "/bao-cao-dinh-ky/lich/",
            "my tasks": lambda: "/chi-dao/nhiem-vu-cua-toi/",
        }[name]()


class QueryTimer:
    """Counts the queries and sums their wall time (an ``execute_wrapper``)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def measure(only: list[str], profile: bool = False) -> None:
    from django.db import connection
    from django.test import Client

    from vuonlen.accounts.models import User

    rows: dict[str, list[tuple[float, float, int]]] = {}
    for role, username, names in ROLES:
        names = [n for n in names if not only or any(word in f"{n} [{role}]" for word in only)]
        if not names:
            continue
        client = Client()
        client.force_login(User.objects.get(username=username))
        endpoints = Endpoints(client)
        for name in names:
            samples = []
            profiler = None
            for i in range(REPEAT + 1):
                if profile and i == 1:
                    import cProfile

                    profiler = cProfile.Profile(time.process_time)  # CPU, not the waits
                    profiler.enable()
                path = endpoints.path(name)
                timer = QueryTimer()
                with connection.execute_wrapper(timer):
                    cpu = time.process_time()
                    response = client.get(path, follow=True)
                    cpu = time.process_time() - cpu
                assert response.status_code == 200, (username, path, response.status_code)
                if i:  # the first is the warm-up
                    samples.append((cpu * 1000, timer.seconds * 1000, timer.count))
            key = f"{name} [{role}]"
            if profiler is not None:
                import pstats

                profiler.disable()
                print(f"--- profile of {key} ({REPEAT} requests)")
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
                pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            rows[key] = samples
            cpu_ms, db_ms, queries = (statistics.median(s[k] for s in samples) for k in range(3))
            print(f"{key:<48}{cpu_ms:>9.1f}{db_ms:>9.1f}{queries:>9.0f}", flush=True)
    everything = [s for samples in rows.values() for s in samples]
    if everything:
        print(f"{'ALL (median of every request)':<48}{statistics.median(s[0] for s in everything):>9.1f}"
              f"{statistics.median(s[1] for s in everything):>9.1f}{statistics.median(s[2] for s in everything):>9.0f}")
        print(f"{'ALL (mean of every request)':<48}{statistics.fmean(s[0] for s in everything):>9.1f}"
              f"{statistics.fmean(s[1] for s in everything):>9.1f}{statistics.fmean(s[2] for s in everything):>9.1f}")


def inner(url: str, only: list[str], profile: bool = False) -> None:
    var_dir = ROOT / "var" / "bench-cpu"  # kept: its collected static files and file cache
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update({
        "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": SECRET, "VUONLEN_VAR_DIR": str(var_dir),
        "ALLOWED_HOSTS": "testserver", "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "vuonlen.config.settings",
    })
    os.environ.pop("VUONLEN_TESTING", None)
    import django

    django.setup()
    from django.core.cache import cache

    _ensure_static()  # the manifest production serves through, collected when a static file changed
    cache.clear()  # the figures of the last run are not this run's
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; median of {REPEAT} requests each)")
    print(f"{'endpoint [role]':<48}{'cpu ms':>9}{'db ms':>9}{'queries':>9}", flush=True)
    measure(only, profile)


# --- locust's own cost --------------------------------------------------------------------

LOCUSTFILE = '''
from locust import HttpUser, FastHttpUser, constant, task

class Plain(HttpUser):
    wait_time = constant(0)
    @task
    def page(self):
        self.client.get("/page", name="page")

class Fast(FastHttpUser):
    wait_time = constant(0)
    @task
    def page(self):
        self.client.get("/page", name="page")
'''


def locust_cost(seconds: int = 20, users: int = 20) -> None:
    """Locust's CPU per request, HttpUser against FastHttpUser, on a static 40 KB page served by
    a separate process (its CPU is not counted)."""
    import csv
    import resource

    work = Path(tempfile.mkdtemp(prefix="vuonlen-locust-"))
    (work / "page").write_bytes(b"<html>" + b"x" * 40_000 + b"</html>")
    (work / "locustfile.py").write_text(LOCUSTFILE)
    server = subprocess.Popen([sys.executable, "-m", "http.server", "8799", "--bind", "127.0.0.1"], cwd=work,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        for user_class in ("Plain", "Fast"):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            prefix = work / user_class
            subprocess.run([str(ROOT / ".venv" / "bin" / "locust"), "-f", str(work / "locustfile.py"), user_class,
                            "--headless", "--host", "http://127.0.0.1:8799", "--users", str(users),
                            "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--csv", str(prefix),
                            "--only-summary", "--loglevel", "ERROR"],
                           check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            with open(f"{prefix}_stats.csv", newline="") as f:
                total = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
            count = int(total["Request Count"])
            label = "HttpUser" if user_class == "Plain" else "FastHttpUser"
            print(f"locust {label:<13} {count:>7} requests, {cpu:6.1f} s CPU: {cpu * 1000 / max(count, 1):.2f} ms "
                  "of locust CPU a request (start-up included)", flush=True)
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=[], help="endpoints whose \"name [role]\" holds one of these words")
    parser.add_argument("--locust", action="store_true", help="also measure locust's own CPU per request")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each endpoint's requests")
    parser.add_argument("--reuse", action="store_true", help="the database as it is (no fresh copy of the demo)")
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.inner, args.only, args.profile)
        return
    if not PG_URL.startswith("postgres"):
        raise SystemExit("VUONLEN_BENCH_POSTGRES must name a PostgreSQL database")
    url = PG_URL if args.reuse else demo_database("postgresql", PG_URL)
    subprocess.run([sys.executable, str(Path(__file__)), "--inner", url, *(["--profile"] if args.profile else []),
                    "--only", *args.only], check=True)
    if args.locust:
        locust_cost()


if __name__ == "__main__":
    main()
