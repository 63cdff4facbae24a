"""Every read of the models room, through the reader's scope; the public showcase's reads,
which return plain strings and counts only; and the plan's indicator 5.

A model's scope follows ``Initiative.unit`` (where it stands). Out of scope is "not found".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext

from vuonlen.accounts import roles, scoping
from vuonlen.core.formats import format_number
from vuonlen.core.text import fold
from vuonlen.geo.models import AdministrativeUnit, Era, Level

from .models import (
    Exemplar,
    Initiative,
    InitiativeFile,
    InitiativeLevel,
    Participation,
    Status,
    StatusChange,
)

# Counts smaller than this are shown as "< 5" on public pages: in a village of a few dozen
# households, "2 households" may be enough to tell who they are.
SMALL_COUNT = 5
VN = ZoneInfo("Asia/Ho_Chi_Minh")
SHOWABLE_STATUSES = frozenset({Status.RUNNING, Status.EFFECTIVE})
POOR_STATUSES = ("poor", "near_poor")


# --- scoped reads --------------------------------------------------------------------------

def initiatives_visible_to(user, perm: str = roles.INITIATIVE_VIEW) -> QuerySet[Initiative]:
    return scoping.scoped(user, Initiative.objects.all(), perm, unit_field="unit")


def get_initiative_for_user_or_404(user, pk, perm: str = roles.INITIATIVE_VIEW) -> Initiative:
    qs = Initiative.objects.select_related("unit", "unit__parent", "organisation", "replicated_from",
                                          "converted_into")
    return scoping.get_scoped_or_404(user, qs, perm, unit_field="unit", pk=pk)


def get_file_for_user_or_404(user, initiative_pk, file_pk) -> InitiativeFile:
    initiative = get_initiative_for_user_or_404(user, initiative_pk)
    try:
        return initiative.files.get(pk=file_pk)
    except (InitiativeFile.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


@dataclass
class InitiativeFilters:
    q: str = ""
    kind: str = ""
    status: str = ""
    level: str = ""
    year: int | None = None
    unit: int | None = None


def initiative_list(user, filters: InitiativeFilters | None = None) -> QuerySet[Initiative]:
    """The list page: one query with the participant count and fund total as subqueries."""
    filters = filters or InitiativeFilters()
    qs = initiatives_visible_to(user).select_related("unit", "organisation")
    if filters.q:
        qs = qs.filter(name_search__contains=fold(filters.q))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.year:
        qs = qs.filter(start_year=filters.year)
    if filters.unit:
        unit = AdministrativeUnit.objects.filter(pk=filters.unit).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    return qs.annotate(
        participant_count=Count("participations__household", filter=Q(participations__ended_on__isnull=True),
                                distinct=True),
    ).order_by("-start_year", "name_sort")


def fund_totals(initiative: Initiative) -> dict:
    rows = initiative.funds.values("source").annotate(total=Sum("amount")).order_by("source")
    return {"rows": list(rows), "total": sum((r["total"] for r in rows), Decimal(0))}


def participants_out_of_poverty(initiative: Initiative, year: int) -> tuple[int, int]:
    """(participants, of whom out of poverty) for ``year``, from the registry reviews.

    A participant is a household taking part at some time during ``year``; it is out of
    poverty when it was poor or near-poor in a review up to its joining year and its current
    review of ``year`` says neither — so a household that was never poor does not count.
    """
    from vuonlen.households.models import Review

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    parts = initiative.participations.filter(started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    household_ids = set(parts.values_list("household_id", flat=True))
    if not household_ids:
        return 0, 0
    joined = {}
    for hid, started in parts.values_list("household_id", "started_on"):
        joined[hid] = min(joined.get(hid, started), started)
    was_poor = set()
    for hid, review_year in Review.objects.filter(household_id__in=household_ids, is_current=True,
                                                  status__in=POOR_STATUSES).values_list("household_id", "year"):
        if review_year <= joined[hid].year:
            was_poor.add(hid)
    now_ok = set(Review.objects.filter(household_id__in=was_poor, year=year, is_current=True)
                 .exclude(status__in=POOR_STATUSES).values_list("household_id", flat=True))
    return len(household_ids), len(now_ok)


def status_history(initiative: Initiative) -> QuerySet[StatusChange]:
    return initiative.status_changes.select_related("actor")


def exemplars_visible_to(user, perm: str = roles.INITIATIVE_VIEW) -> QuerySet[Exemplar]:
    return scoping.scoped(user, Exemplar.objects.select_related("commune", "initiative"), perm,
                          unit_field="commune")


def exemplar_list(user) -> list[Exemplar]:
    """The exemplary households of the reader's area; each names its household (``shown_household``)
    only when the reader may see that household, else the story stands without a code."""
    from vuonlen.households.selectors import households_visible_to

    exemplars = list(exemplars_visible_to(user).select_related("household").order_by("-year", "pk")[:300])
    ids = {e.household_id for e in exemplars if e.household_id}
    visible = set(households_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    from vuonlen.plans.selectors import plans_for_households

    plans = plans_for_households(user, visible, achieved_first=True)
    for exemplar in exemplars:
        exemplar.shown_household = exemplar.household if exemplar.household_id in visible else None
        # The household plan that got it there (plans.selectors: the reader's scope applies).
        exemplar.plan = plans.get(exemplar.household_id)
    return exemplars


def get_exemplar_for_user_or_404(user, pk, perm: str = roles.INITIATIVE_VIEW) -> Exemplar:
    return scoping.get_scoped_or_404(user, Exemplar.objects.select_related("commune", "household", "initiative"),
                                     perm, unit_field="commune", pk=pk)


# --- indicator 5 -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Indicator5Row:
    unit: AdministrativeUnit
    year: int
    count: int
    minimum: int
    maximum: int | None  # the plan's "from 1 to 3" for a district; None: no ceiling

    @property
    def met(self) -> bool:
        return self.count >= self.minimum

    @property
    def label(self) -> str:
        if self.maximum and self.count > self.maximum:
            return gettext("Vượt chỉ tiêu")
        return gettext("Đạt") if self.met else gettext("Chưa đạt")


# Indicator 5 of the district plan (seed 002, III.2): a district builds or keeps 1–3 models a
# year, a commune at least one.
INDICATOR5_TARGETS = {Level.DISTRICT: (InitiativeLevel.DISTRICT, 1, 3), Level.COMMUNE: (InitiativeLevel.COMMUNE, 1, None)}


def counted_in_year(year: int) -> QuerySet[Initiative]:
    """Models "built or kept" in ``year``: started by then, and not closed or converted before
    the year began (a model closed during the year was still kept part of it)."""
    ended_before = StatusChange.objects.filter(initiative=OuterRef("pk"),
                                               to_status__in=[Status.CLOSED, Status.CONVERTED],
                                               at__lt=dt.datetime(year, 1, 1, tzinfo=VN))
    return Initiative.objects.filter(start_year__lte=year).exclude(Exists(ended_before))


def indicator5(*, parent: AdministrativeUnit, year: int, user) -> list[Indicator5Row]:
    """One row per district and commune (pre-2025 era, as the plan's units) under ``parent``
    (itself included), optionally narrowed to what ``user`` may see."""
    units = AdministrativeUnit.objects.filter(parent.subtree_q(), level__in=[Level.DISTRICT, Level.COMMUNE],
                                              era=Era.PRE_2025)
    units = units.filter(scoping.scope_for(user, roles.INITIATIVE_VIEW).q(""))
    units = list(units.order_by("level", "path"))
    built = list(counted_in_year(year).filter(unit__path__startswith=parent.path)
                 .values_list("level", "unit__path"))
    rows = []
    for unit in units:
        level_value, minimum, maximum = INDICATOR5_TARGETS[unit.level]
        count = sum(1 for lvl, path in built if lvl == level_value and path.startswith(unit.path))
        rows.append(Indicator5Row(unit=unit, year=year, count=count, minimum=minimum, maximum=maximum))
    return rows


def indicator5_for_unit(unit: AdministrativeUnit, year: int) -> Indicator5Row:
    return next(r for r in indicator5(parent=unit, year=year, user=scoping.SYSTEM) if r.unit.pk == unit.pk)


# --- the public showcase ---------------------------------------------------------------------

def public_count(value: int) -> str:
    """A count as the public page shows it: small numbers suppressed."""
    return f"< {SMALL_COUNT}" if value < SMALL_COUNT else format_number(value)


@dataclass(frozen=True)
class PublicItem:
    """What the public page may show of a model: strings and counts, no registry object, so a
    template cannot reach a household by accident."""

    pk: int
    name: str
    commune: str
    kind: str
    summary: str
    start_year: int
    participants: str
    funds: str
    photo_ids: tuple[int, ...] = field(default_factory=tuple)


def showcase_initiatives() -> QuerySet[Initiative]:
    return Initiative.objects.filter(showcase__approved=True, status__in=SHOWABLE_STATUSES)


def showcase_items() -> list[PublicItem]:
    qs = (showcase_initiatives().select_related("unit", "showcase")
          .annotate(participant_count=Count("participations__household", distinct=True))
          .order_by("-showcase__approved_at", "name_sort"))
    items = list(qs)
    funds = dict(Initiative.objects.filter(pk__in=[i.pk for i in items]).annotate(t=Sum("funds__amount"))
                 .values_list("pk", "t"))
    photos: dict[int, list[int]] = {}
    for file_pk, init_pk in InitiativeFile.objects.filter(initiative__in=items, is_photo=True, public=True) \
            .values_list("pk", "initiative_id"):
        photos.setdefault(init_pk, []).append(file_pk)
    result = []
    for item in items:
        total = funds.get(item.pk) or 0
        result.append(PublicItem(
            pk=item.pk, name=item.name, commune=item.unit.name, kind=item.get_kind_display(),
            summary=item.showcase.summary or "", start_year=item.start_year,
            participants=public_count(item.participant_count),
            funds=gettext("%(amount)s đồng") % {"amount": format_number(total)} if total else "—",
            photo_ids=tuple(photos.get(item.pk, ())),
        ))
    return result


@dataclass(frozen=True)
class PublicStory:
    pk: int
    title: str
    commune: str
    year: int
    story: str
    has_photo: bool


def showcase_stories() -> list[PublicStory]:
    """Exemplary stories with consent and approval; the name only where the family agreed to it."""
    qs = Exemplar.objects.filter(consent_to_publish=True, approved_at__isnull=False).select_related("commune")
    return [PublicStory(pk=e.pk, title=(e.display_name if e.publish_name and e.display_name
                                        else gettext("Một gia đình ở %(commune)s") % {"commune": e.commune.name}),
                        commune=e.commune.name, year=e.year, story=e.story, has_photo=bool(e.photo_name))
            for e in qs.order_by("-year", "pk")]


def public_photo_or_404(file_pk) -> InitiativeFile:
    try:
        return InitiativeFile.objects.get(pk=file_pk, is_photo=True, public=True,
                                          initiative__in=showcase_initiatives())
    except (InitiativeFile.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def public_story_photo_or_404(pk) -> Exemplar:
    try:
        return Exemplar.objects.exclude(photo_name="").get(pk=pk, consent_to_publish=True, approved_at__isnull=False)
    except (Exemplar.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def participations_visible_to(user, initiative: Initiative) -> QuerySet[Participation]:
    """The model's participations whose household ``user`` may see (``households_visible_to``):
    the model's page lists only those, by code, head's name and village."""
    from vuonlen.households.selectors import households_visible_to

    return (Participation.objects.filter(initiative=initiative, household__in=households_visible_to(user))
            .select_related("household", "household__unit").order_by("household__code", "started_on", "pk"))


def participations_with_plans(user, initiative: Initiative, year: int | None = None) -> list[Participation]:
    """``participations_visible_to``, each with ``plan``: its household's plan of ``year`` (else
    the newest) that the reader may see (``plans.selectors.plans_visible_to``), for its goal."""
    from vuonlen.plans.selectors import plans_for_households

    participations = list(participations_visible_to(user, initiative))
    ids = {p.household_id for p in participations}
    plans = plans_for_households(user, ids, year) if year else {}
    newest = plans_for_households(user, ids - set(plans))
    for participation in participations:
        participation.plan = plans.get(participation.household_id) or newest.get(participation.household_id)
    return participations


def get_participation_for_user_or_404(user, initiative: Initiative, pk) -> Participation:
    try:
        return participations_visible_to(user, initiative).select_related("initiative__unit").get(pk=pk)
    except (Participation.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None

