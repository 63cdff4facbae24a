"""Reads of twinning pairs, their activities and evaluations, always through the reader's scope.

Two ways to see a pair:
- as the partner: the pairs of the organisations one acts for (a province enterprise sees
  its own pairs, not every pair of the province);
- over an area (``TWINNING_VIEW_AREA``: secretariat, leaders, commune officers): the pairs
  touching the area, i.e. twinned with a unit in it or made by an organisation placed in it.
Anything else is "not found" (404).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.accounts.scoping import SYSTEM

from .models import CRITERIA, MAX_TOTAL, SUBSTANTIVE_KINDS, Activity, ActivityKind, Evaluation, TwinningPair


def own_organisation_ids(user) -> frozenset[int]:
    return scoping.acting_organisation_ids(user, roles.TWINNING_VIEW)


def _pair_filter(user) -> Q | None:
    """None: everything (``SYSTEM``, or a reader whose area is the whole country)."""
    area = scoping.scope_for(user, roles.TWINNING_VIEW_AREA)
    if area.everything:
        return None
    query = Q(pk__in=[])
    own = own_organisation_ids(user)
    if own:
        query |= Q(organisation_id__in=own)
    if not area.empty:
        query |= area.q("unit") | area.q("organisation__unit")
    return query


def pairs_visible_to(user) -> QuerySet[TwinningPair]:
    if not getattr(user, "is_authenticated", False):
        return TwinningPair.objects.none()
    query = _pair_filter(user)
    qs = TwinningPair.objects.all()
    return qs if query is None else qs.filter(query)


def get_pair_for_user_or_404(user, pk) -> TwinningPair:
    try:
        return pairs_visible_to(user).select_related("organisation__unit", "unit__parent").get(pk=pk)
    except (TwinningPair.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def can_manage(user, pair: TwinningPair | None = None) -> bool:
    """Create pairs and evaluate them: the secretariat over the twinned unit or the partner."""
    if user is SYSTEM:
        return True
    if pair is None:
        return scoping.can(user, roles.TWINNING_MANAGE)
    return (scoping.can(user, roles.TWINNING_MANAGE, pair.unit)
            or scoping.can(user, roles.TWINNING_MANAGE, pair.organisation.unit))


def can_record_activity(user, pair: TwinningPair) -> bool:
    """The partner itself reports what it did; the secretariat may record it for them."""
    if user is SYSTEM:
        return True
    return (pair.organisation_id in scoping.acting_organisation_ids(user, roles.TWINNING_RECORD_OWN)
            or can_manage(user, pair))


def pair_list(user, *, year: int | None = None, search: str = "") -> QuerySet[TwinningPair]:
    qs = pairs_visible_to(user).select_related("organisation__unit", "unit__parent")
    if year:
        qs = qs.filter(started_on__year__lte=year).filter(Q(ended_on__isnull=True) | Q(ended_on__year__gte=year))
    if search:
        from vuonlen.core.text import fold

        key = fold(search)
        qs = qs.filter(Q(organisation__name_search__contains=key) | Q(unit__name_search__contains=key))
    return qs.order_by("organisation__name_sort", "unit__name_sort", "pk")


def pair_activities(pair: TwinningPair, *, year: int | None = None) -> QuerySet[Activity]:
    qs = pair.activities.annotate(household_count=Count("households"))
    if year:
        qs = qs.filter(date__year=year)
    return qs.order_by("-date", "-pk")


def get_activity_for_user_or_404(user, pk) -> Activity:
    try:
        return Activity.objects.select_related("pair__organisation__unit", "pair__unit").get(
            pk=pk, pair__in=pairs_visible_to(user))
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def get_agreement_for_user_or_404(user, pk):
    from .models import AgreementFile

    try:
        return AgreementFile.objects.select_related("pair").get(pk=pk, pair__in=pairs_visible_to(user))
    except (AgreementFile.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


# --- the year's picture of each pair ---------------------------------------------------------

@dataclass
class PairYear:
    """What a pair did in a year, from its activities."""

    pair_id: int
    activities: int = 0
    substantive: int = 0
    value_vnd: int = 0
    substantive_value_vnd: int = 0
    beneficiaries: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def visits_only(self) -> bool:
        """The flag the directive asks for: help this year, but only visits and gifts."""
        return self.activities > 0 and self.substantive == 0

    @property
    def idle(self) -> bool:
        return self.activities == 0


def year_summaries(pair_ids, year: int) -> dict[int, PairYear]:
    """One PairYear per pair id (pairs with no activity get an empty one), in two queries."""
    pair_ids = list(pair_ids)
    result = {pk: PairYear(pk) for pk in pair_ids}
    substantive = Q(kind__in=SUBSTANTIVE_KINDS)
    rows = (Activity.objects.filter(pair_id__in=pair_ids, date__year=year).values("pair_id")
            .annotate(n=Count("pk"), n_sub=Count("pk", filter=substantive), value=Sum("value_vnd"),
                      value_sub=Sum("value_vnd", filter=substantive), people=Sum("beneficiary_count")))
    for row in rows:
        item = result[row["pair_id"]]
        item.activities, item.substantive = row["n"], row["n_sub"]
        item.value_vnd, item.substantive_value_vnd = row["value"] or 0, row["value_sub"] or 0
        item.beneficiaries = row["people"] or 0
    for row in (Activity.objects.filter(pair_id__in=pair_ids, date__year=year).values("pair_id", "kind")
                .annotate(n=Count("pk"))):
        result[row["pair_id"]].kinds[row["kind"]] = row["n"]
    return result


def year_summary(pair: TwinningPair, year: int) -> PairYear:
    return year_summaries([pair.pk], year)[pair.pk]


def visits_only_pairs(user, year: int) -> list[TwinningPair]:
    """Pairs active in ``year`` whose help that year was only visits and gifts."""
    pairs = list(pair_list(user, year=year))
    summaries = year_summaries([p.pk for p in pairs], year)
    return [p for p in pairs if summaries[p.pk].visits_only]


def evaluations_for(pair: TwinningPair) -> QuerySet[Evaluation]:
    return pair.evaluations.select_related("evaluated_by").order_by("-year")


# --- ranking for emulation and commendation --------------------------------------------------

@dataclass
class RankRow:
    rank: int
    organisation: Organisation
    pairs: int
    average: float
    best: int
    substantive_value_vnd: int
    visits_only_pairs: int

    @property
    def average_percent(self) -> float:
        return round(100 * self.average / MAX_TOTAL, 1)


def ranking(user, year: int) -> list[RankRow]:
    """Organisations ranked by the average total of their pairs' evaluations in ``year``; ties
    by the value of substantive help, then by name. Equal average and value share a rank."""
    evaluations = list(Evaluation.objects.filter(year=year, pair__in=pairs_visible_to(user))
                       .select_related("pair__organisation__unit"))
    by_org: dict[int, list[Evaluation]] = defaultdict(list)
    for evaluation in evaluations:
        by_org[evaluation.pair.organisation_id].append(evaluation)
    summaries = year_summaries([e.pair_id for e in evaluations], year)
    rows = []
    for items in by_org.values():
        organisation = items[0].pair.organisation
        rows.append(RankRow(
            rank=0, organisation=organisation, pairs=len(items),
            average=round(sum(e.total for e in items) / len(items), 2), best=max(e.total for e in items),
            substantive_value_vnd=sum(summaries[e.pair_id].substantive_value_vnd for e in items),
            visits_only_pairs=sum(1 for e in items if e.visits_only)))
    rows.sort(key=lambda r: (-r.average, -r.substantive_value_vnd, r.organisation.name_sort))
    previous = None
    for index, row in enumerate(rows, start=1):
        key = (row.average, row.substantive_value_vnd)
        row.rank = previous[1] if previous and previous[0] == key else index
        previous = (key, row.rank)
    return rows


def criteria_labels() -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in CRITERIA]


def kind_labels() -> dict[str, str]:
    return dict(ActivityKind.choices)
