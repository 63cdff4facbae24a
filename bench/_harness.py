"""Shared set-up for benchmarks: a throw-away database on SQLite (file, WAL) and, when one
answers, on PostgreSQL; the demo data set built once and copied for each script that reads it
(``demo_database``); timing helpers that report medians and p95."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get("VUONLEN_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/vuonlen_bench")
# The built demo data sets: a SQLite file and a PostgreSQL template database per version of the
# code that makes them (migrations, the demo steps, the unit data). ``rm -r var/bench`` and
# ``DROP DATABASE vuonlen_bench_demo_…`` force a rebuild.
CACHE_DIR = ROOT / "var" / "bench"
SECRET = "bench-only-secret-key-not-for-production-use-0123456789"


def backends() -> list[tuple[str, str]]:
    """(label, DATABASE_URL) pairs to run on: SQLite always, PostgreSQL if reachable."""
    tmp = tempfile.mkdtemp(prefix="vuonlen-bench-")
    result = [("sqlite", f"sqlite:///{tmp}/bench.sqlite3")]
    try:
        import psycopg

        admin_url = PG_URL.rsplit("/", 1)[0] + "/postgres"
        dbname = PG_URL.rsplit("/", 1)[1]
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
            conn.execute(f'CREATE DATABASE "{dbname}"')
        result.append(("postgresql", PG_URL))
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        print(f"(PostgreSQL skipped: {exc})")
    return result


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    # Production settings: DEBUG off (no query logging), a throw-away secret.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", SECRET)
    os.environ["DJANGO_SETTINGS_MODULE"] = "vuonlen.config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    _ensure_static()
    call_command("migrate", verbosity=0)


def _ensure_static() -> None:
    """Production settings serve static files through the manifest ``collectstatic`` writes: on
    a fresh clone (or after a static file changed) collect them first, as a deployment does."""
    from django.conf import settings
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = [p for d in settings.STATICFILES_DIRS for p in Path(d).rglob("*") if p.is_file()]
    newest = max((p.stat().st_mtime for p in sources), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        call_command("collectstatic", interactive=False, verbosity=0)


# --- the demo data set, built once ------------------------------------------------------------

def _demo_key() -> str:
    """A digest of what the demo data depends on: migrations, demo modules, the unit data."""
    import hashlib

    digest = hashlib.sha1()
    package = ROOT / "vuonlen"
    files = sorted([*package.glob("*/migrations/*.py"), *package.rglob("*demo*.py"), package / "geo" / "loaders.py",
                    package / "core" / "bulk.py"])
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def build_demo(database_url: str) -> float:
    """In this process: migrate, load the demo province, run the whole demo, ANALYZE. Returns
    the seconds the demo took."""
    setup_django(database_url)
    from django.db import connection

    from vuonlen.core.demo import run_demo
    from vuonlen.geo.loaders import load_province

    start = time.perf_counter()
    load_province(62)
    run_demo(seed=2021, say=lambda _m: None)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return seconds


def _pg_admin(url: str):
    import psycopg

    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=3)


def demo_database(label: str, url: str) -> str:
    """A DATABASE_URL holding a fresh copy of the demo data set on this backend. The set is
    built once (``build_demo`` in a child process) and kept: a copied SQLite file, or a
    PostgreSQL database made from the built one as a template — seconds, not a demo build."""
    import shutil
    import subprocess

    key = _demo_key()
    if label == "sqlite":
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        built = CACHE_DIR / f"demo-{key}.sqlite3"
        if not built.exists():
            partial = CACHE_DIR / f"building-{key}-{os.getpid()}.sqlite3"
            print(f"(building the demo data set once: {built})", flush=True)
            subprocess.run([sys.executable, str(Path(__file__)), "--build-demo", f"sqlite:///{partial}"], check=True)
            partial.replace(built)
        copy = Path(tempfile.mkdtemp(prefix="vuonlen-bench-")) / "bench.sqlite3"
        shutil.copyfile(built, copy)
        return f"sqlite:///{copy}"
    template = f"vuonlen_bench_demo_{key}"
    target = url.rsplit("/", 1)[1]
    if target in ("postgres", "template0", "template1"):
        # The copy replaces the database named: never the server's own.
        raise SystemExit(f"VUONLEN_BENCH_POSTGRES names {target!r}: give a database of the bench's own")
    with _pg_admin(url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
    if not exists:
        print(f"(building the demo data set once: database {template})", flush=True)
        partial = f"{template}_building"
        with _pg_admin(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{partial}"')
            conn.execute(f'CREATE DATABASE "{partial}"')
        subprocess.run([sys.executable, str(Path(__file__)), "--build-demo", url.rsplit("/", 1)[0] + "/" + partial],
                       check=True)
        with _pg_admin(url) as conn:
            conn.execute(f'ALTER DATABASE "{partial}" RENAME TO "{template}"')
    with _pg_admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}"')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
    return url


def timed(fn, repeat: int = 1):
    """Run fn `repeat` times; return (last result, list of seconds)."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, times


def summary(times: list[float]) -> str:
    if len(times) == 1:
        return f"{times[0] * 1000:.1f} ms"
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(times) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms (n={len(times)})"


def run_per_backend(script: Path, *, demo: bool = False) -> None:
    """Re-run `script` once per backend in a fresh process (Django configures once per process);
    with ``demo``, on a copy of the demo data set (built once for every script)."""
    import subprocess

    for label, url in backends():
        print(f"--- {label} ---", flush=True)
        if demo:
            url = demo_database(label, url)
        subprocess.run([sys.executable, str(script), "--inner", url], check=True)


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--build-demo":
    print(f"(demo data set built in {build_demo(sys.argv[2]):.0f} s)", flush=True)
