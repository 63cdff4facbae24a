"""Figures a report form may ask for, each keyed by a code, with the provider that pre-fills it
from the system's data for the reporting organisation's area and period.

A provider is ``fn(organisation, period) -> Prefill | None``; None means the system has no
figure to offer (the unit types it). Rooms that own data (households, campaign, initiatives)
register their own figures with ``register_figure``; a figure without a provider is typed by
the unit. A unit may change a pre-filled figure, but must then say why (the note).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vuonlen.core.periods import Period

Provider = Callable[["object", Period], "Prefill | None"]


@dataclass(frozen=True)
class Prefill:
    value: int
    source: str = ""


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    unit_label: str = ""
    provider: Provider | None = None

    def prefill(self, organisation, period: Period) -> Prefill | None:
        if self.provider is None:
            return None
        return self.provider(organisation, period)


_registry: dict[str, Figure] = {}


def register_figure(code: str, label: str, provider: Provider | None = None, *, unit_label: str = "") -> Figure:
    figure = Figure(code=code, label=label, unit_label=unit_label, provider=provider)
    _registry[code] = figure
    return figure


def get(code: str) -> Figure:
    """The figure for ``code``; an unknown code (a form configured before its provider was
    removed) still shows, as a figure the unit types."""
    return _registry.get(code) or Figure(code=code, label=code)


def known_codes() -> list[str]:
    return sorted(_registry)


def choices() -> list[tuple[str, str]]:
    return [(code, f"{figure.label} ({code})") for code, figure in sorted(_registry.items())]


def prefill_all(codes, organisation, period: Period) -> dict[str, dict]:
    """The ``Submission.values`` a new report starts with."""
    values = {}
    for code in codes:
        found = get(code).prefill(organisation, period)
        values[code] = {
            "prefilled": found.value if found else None,
            "value": found.value if found else None,
            "note": "",
            "source": found.source if found else "",
        }
    return values


# --- built-in providers --------------------------------------------------------------------

def _villages(organisation, period: Period) -> Prefill:
    from vuonlen.geo.models import AdministrativeUnit, Level

    unit = organisation.unit
    count = AdministrativeUnit.objects.filter(path__startswith=unit.path, level=Level.VILLAGE).count()
    return Prefill(count, f"Danh mục thôn, làng của {unit.name}")


def _communes(organisation, period: Period) -> Prefill | None:
    from vuonlen.geo.models import AdministrativeUnit, Level

    unit = organisation.unit
    if unit.level >= Level.COMMUNE:
        return None
    count = AdministrativeUnit.objects.filter(path__startswith=unit.path, level=Level.COMMUNE).count()
    return Prefill(count, f"Danh mục đơn vị hành chính của {unit.name}")


def _organisations(organisation, period: Period) -> Prefill:
    from vuonlen.accounts.models import Organisation

    unit = organisation.unit
    count = Organisation.objects.filter(unit__path__startswith=unit.path, is_active=True).count()
    return Prefill(count, f"Danh sách tổ chức trên địa bàn {unit.name}")


def _household_count(status: str):
    """Ethnic-minority households of a status in the area, from the current reviews of the
    period's year (or, before that year's review, the year before: the list in force)."""

    def provider(organisation, period: Period) -> Prefill | None:
        try:
            from vuonlen.households.models import Review
        except ImportError:  # the registry room is not installed
            return None
        from vuonlen.geo.models import AdministrativeUnit

        unit = organisation.unit
        area = Review.objects.filter(unit__in=AdministrativeUnit.objects.filter(path__startswith=unit.path).values("pk"))
        # An area with no review at all (a commune of the new era before its first review) is
        # answered through the reviews' unit index; the year filter below would otherwise read
        # every current review of the year to find none (issue 17: 45 s of the demo's last step).
        if not area.exists():
            return None
        reviews = area.filter(is_current=True, is_ethnic_minority=True)
        for year in (period.year, period.year - 1):
            in_year = reviews.filter(year=year)
            if in_year.exists():
                return Prefill(in_year.filter(status=status).count(), f"Kết quả rà soát năm {year}")
        return None

    return provider


_BUILTIN = [
    ("villages", "Số thôn, làng, tổ dân phố trên địa bàn", _villages, "thôn"),
    ("communes", "Số xã, phường, thị trấn trên địa bàn", _communes, "xã"),
    ("organisations", "Số cơ quan, đơn vị, tổ chức tham gia trên địa bàn", _organisations, "tổ chức"),
    ("poor_households", "Số hộ nghèo đồng bào DTTS", _household_count("poor"), "hộ"),
    ("near_poor_households", "Số hộ cận nghèo đồng bào DTTS", _household_count("near_poor"), "hộ"),
    # Typed by the unit until the rooms that hold these data register a provider.
    ("propaganda_sessions", "Số buổi tuyên truyền, vận động", None, "buổi"),
    ("propaganda_participants", "Số lượt người tham dự tuyên truyền", None, "lượt"),
    ("models_active", "Số mô hình đang duy trì, nhân rộng", None, "mô hình"),
    ("households_escaped", "Số hộ DTTS thoát nghèo trong kỳ", None, "hộ"),
]


def register_builtin() -> None:
    for code, label, provider, unit_label in _BUILTIN:
        if code not in _registry:
            register_figure(code, label, provider, unit_label=unit_label)
