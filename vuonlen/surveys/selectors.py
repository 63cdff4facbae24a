"""Reads of village surveys, always through the reader's scope (``surveys_visible_to``).

A survey belongs to its village: a person sees the surveys of the villages in their area for
``SURVEY_VIEW`` (a new-era commune's people also read the surveys of the old villages that
merged into it, through the lineage in ``accounts.scoping``). Outside the area: 404.
The cause summary — the table a plan is written from — counts only visible surveys.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum
from django.http import Http404

from vuonlen.accounts import roles, scoping
from vuonlen.geo.models import AdministrativeUnit, Level

from .models import PovertyCause, SurveyCause, SurveyFile, VillageSurvey


def surveys_visible_to(user, perm: str = roles.SURVEY_VIEW) -> QuerySet[VillageSurvey]:
    """THE way in to the surveys: every page, export, summary and API reads through it."""
    if not getattr(user, "is_authenticated", False):
        return VillageSurvey.objects.none()
    return scoping.scoped(user, VillageSurvey.objects.all(), perm, unit_field="village")


def get_survey_for_user_or_404(user, pk, perm: str = roles.SURVEY_VIEW) -> VillageSurvey:
    try:
        return surveys_visible_to(user, perm).select_related("village__parent__parent").get(pk=pk)
    except (VillageSurvey.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def get_survey_file_for_user_or_404(user, pk) -> SurveyFile:
    try:
        return SurveyFile.objects.get(pk=pk, survey__in=surveys_visible_to(user))
    except (SurveyFile.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def active_causes() -> list[PovertyCause]:
    return list(PovertyCause.objects.filter(is_active=True).order_by("order", "code"))


def can_edit(user, village: AdministrativeUnit | None = None) -> bool:
    return user is scoping.SYSTEM or scoping.can(user, roles.SURVEY_EDIT, village)


def villages_for_survey(user) -> QuerySet[AdministrativeUnit]:
    """Villages where the person may enter a survey (both eras)."""
    return scoping.scoped(user, AdministrativeUnit.objects.filter(level=Level.VILLAGE), roles.SURVEY_EDIT,
                          unit_field="").select_related("parent").order_by("era", "parent__name_sort", "name_sort")


def survey_list(user, *, year: int | None = None, unit: AdministrativeUnit | None = None,
                especially_difficult: bool = False) -> QuerySet[VillageSurvey]:
    qs = surveys_visible_to(user).select_related("village__parent")
    if year:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(village__path__startswith=unit.path)
    if especially_difficult:
        qs = qs.filter(especially_difficult=True)
    return qs.order_by("-year", "village__parent__name_sort", "village__name_sort", "pk")


def cause_counts(survey: VillageSurvey) -> list[tuple[PovertyCause, int]]:
    return [(row.cause, row.households) for row in survey.cause_counts.select_related("cause")]


# --- the summary a plan is written from ------------------------------------------------------

@dataclass
class SummaryRow:
    unit: AdministrativeUnit
    surveys: int = 0
    especially_difficult: int = 0
    new_rural_area: int = 0
    households_total: int = 0
    poor: int = 0
    near_poor: int = 0
    causes: dict[int, int] = field(default_factory=dict)

    def cells(self, causes: list[PovertyCause]) -> list[int]:
        return [self.causes.get(c.pk, 0) for c in causes]


@dataclass
class Summary:
    unit: AdministrativeUnit | None
    year: int
    causes: list[PovertyCause]
    rows: list[SummaryRow]
    total: SummaryRow

    @property
    def ranked_causes(self) -> list[tuple[PovertyCause, int]]:
        """Causes by the number of households, most first (the plan's priorities)."""
        pairs = [(c, self.total.causes.get(c.pk, 0)) for c in self.causes]
        return sorted([p for p in pairs if p[1]], key=lambda p: (-p[1], p[0].order))


def units_under(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The rows of a summary for ``unit``: the units directly under it and, for a new-era unit,
    the old units that merged into it (their villages' records stay under them: both eras
    report)."""
    from vuonlen.geo.models import UnitLineage

    children = list(AdministrativeUnit.objects.filter(parent=unit).order_by("name_sort"))
    old = AdministrativeUnit.objects.filter(pk__in=UnitLineage.objects.filter(new_unit=unit)
                                            .values("old_unit_id")).order_by("name_sort")
    return children + [u for u in old if u.pk != unit.pk]


def area_q(unit: AdministrativeUnit, field_path: str):
    """A filter for records under ``unit`` or under an old unit that merged into it."""
    from django.db.models import Q

    from vuonlen.geo.models import UnitLineage

    query = Q(**{f"{field_path}__startswith": unit.path})
    for path in UnitLineage.objects.filter(new_unit=unit).values_list("old_unit__path", flat=True):
        query |= Q(**{f"{field_path}__startswith": path})
    return query


def cause_summary(user, *, year: int, unit: AdministrativeUnit | None) -> Summary:
    """One row per unit directly under ``unit`` (the villages of a commune, the communes of a
    province or district), summing the surveys of ``year`` the reader may see."""
    surveys = surveys_visible_to(user).filter(year=year)
    if unit is not None:
        surveys = surveys.filter(area_q(unit, "village__path"))
    if unit is None:
        children = list(scoping.scope_roots(user, roles.SURVEY_VIEW))
    else:
        children = units_under(unit)
    rows = {c.pk: SummaryRow(c) for c in children}
    by_path = sorted(children, key=lambda c: -len(c.path))
    owner: dict[int, int] = {}
    survey_rows = list(surveys.select_related("village").values(
        "pk", "village__path", "especially_difficult", "new_rural_area", "households_total", "poor_households",
        "near_poor_households"))
    for item in survey_rows:
        parent = next((c for c in by_path if item["village__path"].startswith(c.path)), None)
        if parent is None:
            continue
        row = rows[parent.pk]
        owner[item["pk"]] = parent.pk
        row.surveys += 1
        row.especially_difficult += int(item["especially_difficult"])
        row.new_rural_area += int(item["new_rural_area"])
        row.households_total += item["households_total"] or 0
        row.poor += item["poor_households"] or 0
        row.near_poor += item["near_poor_households"] or 0
    counts = (SurveyCause.objects.filter(survey_id__in=list(owner)).values("survey_id", "cause_id")
              .annotate(n=Sum("households")))
    for item in counts:
        causes = rows[owner[item["survey_id"]]].causes
        causes[item["cause_id"]] = causes.get(item["cause_id"], 0) + (item["n"] or 0)
    total = SummaryRow(unit) if unit is not None else SummaryRow(children[0] if children else None)
    total_causes: dict[int, int] = defaultdict(int)
    for row in rows.values():
        for name in ("surveys", "especially_difficult", "new_rural_area", "households_total", "poor", "near_poor"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        for key, value in row.causes.items():
            total_causes[key] += value
    total.causes = dict(total_causes)
    return Summary(unit=unit, year=year, causes=list(PovertyCause.objects.order_by("order", "code")),
                   rows=[rows[c.pk] for c in children], total=total)
