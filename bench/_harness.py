"""Shared set-up for benchmarks: a throw-away database on SQLite (file, WAL) and, when one
answers, on PostgreSQL; timing helpers that report medians and p95."""

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
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
    os.environ["DJANGO_SETTINGS_MODULE"] = "vuonlen.config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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


def run_per_backend(script: Path) -> None:
    """Re-run `script` once per backend in a fresh process (Django configures once per process)."""
    import subprocess

    for label, url in backends():
        print(f"--- {label} ---", flush=True)
        subprocess.run([sys.executable, str(script), "--inner", url], check=True)
