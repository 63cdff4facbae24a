"""The load test (issue 17): gunicorn + PostgreSQL with the demo data, driven by locust users of
five roles (``bench/load/locustfile.py``), bounded in users and time. Prints, per endpoint,
p50/p95/p99 in milliseconds, requests a second and errors, and the machine's load.

Sets itself up from a fresh clone: creates the database when missing (by default
``vuonlen_load`` on the local PostgreSQL), migrates, builds the demo once (``demo --once``: the
first run takes minutes, later runs none), collects the static files, starts gunicorn and stops
it at the end.

    make load                           # 20, 50 and 100 users, 120 s each
    make load LOAD_USERS=50 LOAD_TIME=120
    .venv/bin/python bench/load.py --users 20 50 --time 30s --workers 4

Each step starts its users afresh (each logs in: PBKDF2, slow by design) and the statistics are
reset once every user has logged in (``locustfile._logged_in``), so the figures are the pages,
not the logins; a step's time should leave room for the logins (a minute on a busy machine).

Environment: LOAD_DATABASE_URL (PostgreSQL), LOAD_PORT (8765), CACHE_URL (see settings).
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
MAX_USERS, MAX_SECONDS = 500, 3600  # the bounds: a typo must not melt the machine


def _seconds(text: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    value = int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)
    if not 1 <= value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"between 1 s and {MAX_SECONDS} s")
    return value


def _users(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_USERS:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_USERS} users")
    return value


def _env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "DEBUG": "0", "VUONLEN_VAR_DIR": str(var_dir),
        "SECRET_KEY": env.get("SECRET_KEY") or "load-test-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0",
    })
    env.pop("VUONLEN_TESTING", None)
    return env


def _ensure_database(database_url: str) -> None:
    import psycopg

    admin_url, name = database_url.rsplit("/", 1)
    with psycopg.connect(admin_url + "/postgres", autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"database {name} created")


def _prepare(env: dict[str, str]) -> None:
    vuonlen = str(BIN / "vuonlen")
    subprocess.run([vuonlen, "migrate", "--noinput", "-v0"], env=env, check=True)
    print("demo data (built once; later runs skip it)…", flush=True)
    started = time.monotonic()
    subprocess.run([vuonlen, "demo", "--once"], env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"  ready in {time.monotonic() - started:.0f} s")
    manifest = Path(env["VUONLEN_VAR_DIR"]) / "static" / "staticfiles.json"
    newest = max((f.stat().st_mtime for f in (ROOT / "vuonlen").glob("**/static/**/*") if f.is_file()), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:  # collected and unchanged since: skip
        subprocess.run([vuonlen, "collectstatic", "--noinput", "-v0"], env=env, check=True)


def _start_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "vuonlen.config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--timeout", "60", "--access-logfile", "-"],
        env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/tai-khoan/dang-nhap/", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start; see {log}")
            time.sleep(0.5)
    _stop(server)
    raise SystemExit(f"gunicorn did not answer within 60 s; see {log}")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # its own session: gunicorn and its workers only
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _report(prefix: Path, users: int, seconds: int) -> None:
    if not Path(f"{prefix}_stats.csv").exists():
        print(f"\n== {users} users: locust wrote no statistics (see {prefix.parent}/locust-u{users}.log) ==")
        return
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    print(f"\n== {users} users, {seconds} s (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores) ==")
    print(f"{'endpoint':<28}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        if row["Request Count"] == "0":
            continue  # the logins, left out once every user had logged in
        name = "ALL" if row["Name"] == "Aggregated" else row["Name"]
        print(f"{name[:27]:<28}{row['Request Count']:>9}{row['Failure Count']:>8}{float(row['Requests/s']):>8.1f}"
              f"{row['50%']:>9}{row['95%']:>9}{row['99%']:>9}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=_users, nargs="+", default=[20, 50, 100])
    parser.add_argument("--time", type=_seconds, default=60, help="per step, e.g. 60 or 2m (at most 1 h)")
    parser.add_argument("--workers", type=int, default=4, choices=range(1, 17), metavar="1-16")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8765")))
    parser.add_argument("--database", default=os.environ.get(
        "LOAD_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/vuonlen_load"))
    args = parser.parse_args()
    if not args.database.startswith("postgres"):
        parser.error("the load test runs on PostgreSQL (LOAD_DATABASE_URL=postgresql://…)")

    var_dir = ROOT / "var" / "load"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = _env(args.database, var_dir)
    _ensure_database(args.database)
    _prepare(env)
    out = Path(tempfile.mkdtemp(prefix="vuonlen-load-"))
    server = _start_server(env, args.port, args.workers, out / "gunicorn.log")
    try:
        for users in args.users:
            prefix = out / f"u{users}"
            subprocess.run(
                [str(BIN / "locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
                 "--host", f"http://127.0.0.1:{args.port}", "--users", str(users),
                 "--spawn-rate", str(max(1, users // 10)), "--run-time", f"{args.time}s", "--stop-timeout", "5",
                 "--csv", str(prefix), "--only-summary", "--reset-stats", "--loglevel", "WARNING"],
                cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=(out / f"locust-u{users}.log").open("w"))
            _report(prefix, users, args.time)
    finally:
        _stop(server)
    print(f"\n(locust CSV files and the server log: {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
