"""`vuonlen demo`: a deterministic demonstration data set, built room by room.

Each room that has demo data lists a module here with a ``run(ctx)`` function; later rooms
append theirs. Every step must be deterministic for a given seed and safe to re-run
(it skips what already exists).
"""

from __future__ import annotations

import importlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import import_string
from django.utils.translation import gettext

DEMO_STEPS = [
    "vuonlen.geo.demo",
    "vuonlen.accounts.demo",
    "vuonlen.households.demo_data",
    "vuonlen.initiatives.demo",
    "vuonlen.outreach.demo",
    "vuonlen.campaign.demo",
    "vuonlen.indicators.demo",
    "vuonlen.twinning.demo",
    "vuonlen.support.demo",
    "vuonlen.reporting.demo",
    "vuonlen.directives.demo",
    "vuonlen.surveys.demo",
    "vuonlen.plans.demo",
    "vuonlen.accounts.demo_today",  # last: the 1 July 2025 switch-over and 2026 in the new structure
]
DEMO_PROVINCE = 62  # former Kon Tum
# Rooms hook into the whole run by dotted name, as the steps do, so core imports no room: a
# context manager entered around all the steps (the indicator roll-ups wait: thousands of small
# refreshes would cost minutes), and what runs once at the end when any step ran (they are
# rebuilt once).
AROUND_STEPS = "vuonlen.indicators.rollups.paused"
AFTER_STEPS = "vuonlen.indicators.rollups.recompute_all"


@dataclass
class DemoContext:
    seed: int
    say: Callable[[str], None]
    rng: random.Random = field(init=False)
    data: dict = field(default_factory=dict)

    def __post_init__(self):
        self.rng = random.Random(self.seed)


def _marker(module_name: str) -> str:
    return f"Hoàn tất dữ liệu mẫu: {module_name}"


def run_demo(*, seed: int = 2021, say: Callable[[str], None] = print, only_missing: bool = False,
             timings: bool = False) -> DemoContext:
    """Run every demo step; with ``only_missing``, skip the steps already completed once
    (so `make run` adds a new room's demo data to an existing database, and nothing else).
    With ``timings``, say each step's CPU and elapsed seconds (issue 17: the machine may be
    loaded, so CPU time is the figure to compare)."""
    from .models import AuditLog

    ctx = DemoContext(seed=seed, say=say)
    done = set(AuditLog.objects.filter(source="demo", note__startswith="Hoàn tất dữ liệu mẫu: ")
               .values_list("note", flat=True))
    ran = False
    with import_string(AROUND_STEPS)():
        for module_name in DEMO_STEPS:
            if only_missing and _marker(module_name) in done:
                continue
            ran = True
            module = importlib.import_module(module_name)
            # Each step draws from its own generator, so a step's data never depends on whether
            # the steps before it ran (they skip what exists).
            ctx.rng = random.Random(f"{seed}:{module_name}")
            cpu, wall = time.process_time(), time.perf_counter()
            module.run(ctx)
            if timings:
                say(_timing_line(module_name, time.process_time() - cpu, time.perf_counter() - wall))
            if _marker(module_name) not in done:
                AuditLog.objects.create(action="import", source="demo", actor_name="hệ thống",
                                        object_repr="Dữ liệu mẫu", note=_marker(module_name))
    if ran:
        cpu, wall = time.process_time(), time.perf_counter()
        _analyze()
        import_string(AFTER_STEPS)()
        if timings:
            say(_timing_line(AFTER_STEPS, time.process_time() - cpu,
                             time.perf_counter() - wall))
    return ctx


def _timing_line(step: str, cpu: float, wall: float) -> str:
    return gettext("Thời gian bước %(step)s: %(cpu)s giây CPU, %(wall)s giây thực") % {
        "step": step, "cpu": f"{cpu:.1f}", "wall": f"{wall:.1f}"}


def _analyze() -> None:
    """PostgreSQL plans from table statistics, which bulk-loaded tables lack until autovacuum
    comes by: without them the first edits' roll-up refresh took three times as long (296 ms
    against 94 ms after ANALYZE, issue 17). The demo has just written most of its rows."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
