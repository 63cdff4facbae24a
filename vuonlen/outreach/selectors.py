"""Every read of the outreach room, through the reader's scope, and the plan's indicator 1."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet

from vuonlen.accounts import roles, scoping
from vuonlen.geo.models import AdministrativeUnit

from .models import Activity, ActivityKind, Topic

POOR_STATUSES = ("poor", "near_poor")
# Every kind of activity that reaches a household tells it about the campaign: a training
# course or a launch ceremony informs as much as a village meeting does.
INFORMING_KINDS = tuple(ActivityKind.values)


def activities_visible_to(user, perm: str = roles.OUTREACH_VIEW) -> QuerySet[Activity]:
    return scoping.scoped(user, Activity.objects.all(), perm, unit_field="unit")


def get_activity_for_user_or_404(user, pk, perm: str = roles.OUTREACH_VIEW) -> Activity:
    qs = Activity.objects.select_related("unit", "organisation", "visited_initiative")
    return scoping.get_scoped_or_404(user, qs, perm, unit_field="unit", pk=pk)


def households_reached_visible_to(user, activity: Activity):
    """The households an activity reached that ``user`` may see (``households_visible_to``)."""
    from vuonlen.households.selectors import households_visible_to

    return households_visible_to(user).filter(pk__in=activity.households.values("pk"))


def activity_list(user, *, kind: str = "", year: int | None = None, q: str = "", unit: int | None = None):
    qs = activities_visible_to(user).select_related("unit", "organisation", "visited_initiative")
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(date__year=year)
    if unit:
        target = AdministrativeUnit.objects.filter(pk=unit).first()
        qs = qs.filter(unit__path__startswith=target.path) if target else qs.none()
    if q:
        qs = qs.filter(title__icontains=q)
    return qs.annotate(household_count=Count("households", distinct=True)).order_by("-date", "-pk")


def active_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(is_active=True)


@dataclass(frozen=True)
class Indicator1:
    unit: AdministrativeUnit
    year: int
    numerator: int  # poor and near-poor EM households reached by an activity that year
    denominator: int  # poor and near-poor EM households (current reviews of the year)

    @property
    def share(self) -> float | None:
        return None if not self.denominator else self.numerator / self.denominator

    @property
    def percent_label(self) -> str:
        if self.share is None:
            return "—"
        return f"{self.share * 100:.1f}%".replace(".", ",")

    @property
    def met(self) -> bool:
        return self.denominator > 0 and self.numerator >= self.denominator


def indicator1(*, unit: AdministrativeUnit, year: int) -> Indicator1:
    """Indicator 1 of the plan: "100% of poor and near-poor EM households told about the
    campaign" in ``year`` under ``unit``. The households are those whose current review of
    that year says poor or near-poor and ethnic minority (the review's own snapshot, so a
    later move or status change never shifts a past year); reached means linked to at least
    one outreach activity dated that year."""
    from vuonlen.households.models import Review

    base = Review.objects.filter(year=year, is_current=True, status__in=POOR_STATUSES, is_ethnic_minority=True,
                                 unit__path__startswith=unit.path)
    reached = Activity.households.through.objects.filter(
        household_id=OuterRef("household_id"), activity__date__year=year, activity__kind__in=INFORMING_KINDS)
    denominator = base.values("household_id").distinct().count()
    numerator = base.filter(Exists(reached)).values("household_id").distinct().count()
    return Indicator1(unit=unit, year=year, numerator=numerator, denominator=denominator)


def indicator1_by_child(*, parent: AdministrativeUnit, year: int, user) -> list[Indicator1]:
    children = AdministrativeUnit.objects.filter(parent=parent)
    children = children.filter(scoping.scope_for(user, roles.OUTREACH_VIEW).q(""))
    return [indicator1(unit=child, year=year) for child in children.order_by("name_sort")]
