"""The years the system speaks of, one rule for every room.

``FIRST_YEAR`` is the campaign's first year (Cuộc vận động, 2021): the first review year, the
first year a visit, an assessment or an entered figure may belong to. ``YEAR_MIN``–``YEAR_MAX``
bound any year a form, a file, the admin or the API may name, so that a typo such as 20266 is
refused before it reaches the database.
"""

from __future__ import annotations

FIRST_YEAR = 2021
YEAR_MIN, YEAR_MAX = 2000, 2100


def year_in_bounds(year: int) -> bool:
    return YEAR_MIN <= year <= YEAR_MAX


def year_from_text(raw: str | None, default: int | None = None) -> int | None:
    """A year from a query string ("nam=2024"); anything else, out of bounds included, is ``default``."""
    raw = (raw or "").strip()
    if raw.isdigit() and len(raw) <= 4 and year_in_bounds(int(raw)):
        return int(raw)
    return default
