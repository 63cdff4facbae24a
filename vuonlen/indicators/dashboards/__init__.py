"""What a dashboard shows, composed from the engine (``evaluation``, ``rollups``, ``tree``) for
one unit, year and cut-off: the indicator cards, the trend over the phase, the poverty
dynamics, the mentors' reach, the child units ranked for one indicator, who is behind, and the
households behind a village's number.

Four modules, imported here so ``from vuonlen.indicators import dashboards`` keeps every name:

- ``formatting``: how a figure prints (81,1% · 1.500.000 · 5,6 điểm %), no queries;
- ``viewmodel``: the plain objects the page and the files draw (``Figure``, ``Dashboard``, …);
- ``selectors``: the queries, ``dashboard()`` and ``households_behind()`` above all; the
  evaluated figures of a unit are cached per roll-up version (``cache``);
- ``exports``: the .xlsx files, drawn from the same objects as the page, so the screen and the
  file never disagree.

Selectors only: the caller has proved the reader may see the unit (``scoping.get_unit_or_404``
with ``INDICATOR_VIEW``); the households behind a number are narrowed again through the
reader's household scope (``households.selectors.households_visible_to``).

Percentages are numerator sums over denominator sums (the roll-ups keep both); nothing here
averages percentages.
"""

from __future__ import annotations

from .exports import *  # noqa: F401,F403
from .exports import _WRITERS  # noqa: F401
from .formatting import *  # noqa: F401,F403
from .selectors import *  # noqa: F401,F403
from .viewmodel import *  # noqa: F401,F403
from .viewmodel import _ranking_key, _with_last_known  # noqa: F401

__all__ = ["Dashboard", "Figure", "HouseholdsBehind", "Period", "dashboard", "households_behind", "home_unit",
           "era_links", "unit_options", "period_for", "data_years", "format_value", "source_units",
           "dashboard_workbook", "households_workbook"]
