"""`vuonlen demo`: a deterministic demonstration data set, built room by room.

Each room that has demo data lists a module here with a ``run(ctx)`` function; later rooms
append theirs. Every step must be deterministic for a given seed and safe to re-run
(it skips what already exists).
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from typing import Callable

DEMO_STEPS = [
    "vuonlen.geo.demo",
    "vuonlen.accounts.demo",
]
DEMO_PROVINCE = 62  # former Kon Tum


@dataclass
class DemoContext:
    seed: int
    say: Callable[[str], None]
    rng: random.Random = field(init=False)
    data: dict = field(default_factory=dict)

    def __post_init__(self):
        self.rng = random.Random(self.seed)


def run_demo(*, seed: int = 2021, say: Callable[[str], None] = print) -> DemoContext:
    ctx = DemoContext(seed=seed, say=say)
    for module_name in DEMO_STEPS:
        module = importlib.import_module(module_name)
        module.run(ctx)
    return ctx
