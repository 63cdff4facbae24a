"""Reads of the resource ledger, always through the reader's scope, and its totals.

Who sees which entries:
- over an area (``SUPPORT_VIEW_AREA``: commune officers, secretariat, leaders): everything
  given to households, models and villages of the area;
- a reporting unit (``SUPPORT_RECORD_OWN``): what its own organisation gave, wherever.
Anything else is "not found" (404).

The totals answer "how much, from where, to how many households" in one page: by source,
kind, year and unit (rolled up the unit tree by ``path``), with the number of distinct
households reached. The same ``LedgerTotals`` feeds the page and the .xlsx file, so the two
never disagree.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.periods import today_vn
from vuonlen.geo.models import AdministrativeUnit

from .models import Kind, LoanStatus, Repayment, Source, SupportEntry


def own_giver_ids(user) -> frozenset[int]:
    return scoping.acting_organisation_ids(user, roles.SUPPORT_RECORD_OWN)


def entries_visible_to(user) -> QuerySet[SupportEntry]:
    """Every ledger entry ``user`` may read: the area's (``SUPPORT_VIEW_AREA``) and what their own
    organisation gave. ``SYSTEM`` reads all; ``None`` nothing."""
    if not getattr(user, "is_authenticated", False):
        return SupportEntry.objects.none()
    area = scoping.scope_for(user, roles.SUPPORT_VIEW_AREA)
    if area.everything:
        return SupportEntry.objects.all()
    query = Q(pk__in=[])
    if not area.empty:
        query |= area.q("unit")
    own = own_giver_ids(user)
    if own:
        query |= Q(giver_id__in=own)
    return SupportEntry.objects.filter(query)


def get_entry_for_user_or_404(user, pk) -> SupportEntry:
    try:
        return entries_visible_to(user).select_related(
            "giver__unit", "household__commune", "initiative", "unit__parent", "twinning_activity__pair").get(pk=pk)
    except (SupportEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def can_edit(user, unit: AdministrativeUnit | None = None, giver: Organisation | None = None) -> bool:
    """Record in ``unit``: the area's officers, or a reporting unit for what it gives itself."""
    if user is SYSTEM:
        return True
    if scoping.can(user, roles.SUPPORT_EDIT, unit):
        return True
    own = own_giver_ids(user)
    if not own:
        return False
    if giver is not None and giver.pk not in own:
        return False
    return scoping.can(user, roles.SUPPORT_RECORD_OWN, unit)


def can_edit_entry(user, entry: SupportEntry) -> bool:
    return can_edit(user, entry.unit, entry.giver) if entry.giver_id or user is SYSTEM \
        else scoping.can(user, roles.SUPPORT_EDIT, entry.unit)


# --- filters and lists ----------------------------------------------------------------------

@dataclass
class LedgerFilters:
    year: int | None = None
    source: str = ""
    kind: str = ""
    unit: AdministrativeUnit | None = None
    giver: Organisation | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    recipient_kind: str = ""
    include_void: bool = False  # voided entries (corrections) stay out of lists and totals by default

    def describe(self) -> str:
        parts = []
        if self.year:
            parts.append(f"năm {self.year}")
        if self.date_from or self.date_to:
            start = self.date_from.strftime("%d/%m/%Y") if self.date_from else "…"
            end = self.date_to.strftime("%d/%m/%Y") if self.date_to else "…"
            parts.append(f"từ {start} đến {end}")
        if self.source:
            parts.append(f"nguồn: {Source(self.source).label}")
        if self.kind:
            parts.append(f"hình thức: {Kind(self.kind).label}")
        if self.unit:
            parts.append(f"địa bàn: {self.unit.name}")
        if self.giver:
            parts.append(f"đơn vị hỗ trợ: {self.giver.name}")
        return "; ".join(parts) or "toàn bộ"


def filtered_entries(user, filters: LedgerFilters | None = None) -> QuerySet[SupportEntry]:
    filters = filters or LedgerFilters()
    qs = entries_visible_to(user)
    if not filters.include_void:
        qs = qs.filter(voided_at__isnull=True)
    if filters.year:
        qs = qs.filter(date__year=filters.year)
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.unit is not None:
        qs = qs.filter(unit__path__startswith=filters.unit.path)
    if filters.giver is not None:
        qs = qs.filter(giver=filters.giver)
    if filters.recipient_kind:
        qs = qs.filter(recipient_kind=filters.recipient_kind)
    return qs


def entry_list(user, filters: LedgerFilters | None = None) -> QuerySet[SupportEntry]:
    """The reader's entries; each carries ``household_shown``: whether the reader may see the
    household it went to (``households_visible_to``). The page and the file name a household only
    then; an entry of the reader's area or organisation to a household they may not read stays
    listed, as "a household"."""
    from vuonlen.households.selectors import households_visible_to

    visible = households_visible_to(user).filter(pk=OuterRef("household_id"))
    return (filtered_entries(user, filters)
            .select_related("giver", "household", "initiative", "unit__parent")
            .annotate(household_shown=Exists(visible))
            .order_by("-date", "-pk"))


# --- totals ---------------------------------------------------------------------------------

@dataclass
class TotalRow:
    key: str
    label: str
    value_vnd: int = 0
    entries: int = 0
    households: int = 0
    unit: AdministrativeUnit | None = None


@dataclass
class LedgerTotals:
    filters: LedgerFilters
    value_vnd: int = 0
    entries: int = 0
    households: int = 0
    by_source: list[TotalRow] = field(default_factory=list)
    by_kind: list[TotalRow] = field(default_factory=list)
    by_year: list[TotalRow] = field(default_factory=list)
    by_unit: list[TotalRow] = field(default_factory=list)
    unit_base: AdministrativeUnit | None = None
    loans: dict = field(default_factory=dict)

    @property
    def billions(self) -> float:
        return self.value_vnd / 1_000_000_000


def _rows_by(qs: QuerySet, key: str, labels: dict[str, str]) -> list[TotalRow]:
    data = {row[key]: row for row in qs.values(key).annotate(
        value=Sum("value_vnd"), n=Count("pk"), hh=Count("household", distinct=True))}
    rows = []
    for code, label in labels.items():
        row = data.get(code)
        if row is None:
            continue
        rows.append(TotalRow(str(code), label, row["value"] or 0, row["n"], row["hh"]))
    return rows


def _unit_groups(user, filters: LedgerFilters) -> tuple[AdministrativeUnit | None, list[AdministrativeUnit]]:
    """The units to break the totals down by: the chosen unit's children, else the children
    of the reader's single scope root, else their scope roots (a province's districts, say)."""
    if filters.unit is not None:
        return filters.unit, list(filters.unit.children.order_by("name_sort"))
    if scoping.scope_for(user, roles.SUPPORT_VIEW_AREA).everything:
        roots = list(AdministrativeUnit.objects.filter(parent__isnull=True).order_by("era", "name_sort"))
    else:
        roots = scoping.scope_roots(user, roles.SUPPORT_VIEW_AREA)
    if len(roots) == 1:
        return roots[0], list(roots[0].children.order_by("name_sort"))
    return None, roots


def _group_of(path: str, groups_by_path: dict[str, AdministrativeUnit], depths: list[int]) -> str | None:
    parts = path.strip("/").split("/")
    for depth in depths:
        if len(parts) >= depth:
            key = "/" + "/".join(parts[:depth]) + "/"
            if key in groups_by_path:
                return key
    return None


def _by_unit(user, qs: QuerySet, filters: LedgerFilters) -> tuple[AdministrativeUnit | None, list[TotalRow]]:
    """Totals per unit of the next level down, summed over each unit's whole sub-tree (its
    communes and villages): one grouped query per unit, rolled up by path in Python."""
    base, groups = _unit_groups(user, filters)
    groups_by_path = {g.path: g for g in groups}
    depths = sorted({len(g.path.strip("/").split("/")) for g in groups})
    rows = {g.path: TotalRow(str(g.pk), g.name, unit=g) for g in groups}
    direct = TotalRow("", f"Trực tiếp tại {base.name}" if base else "Khác", unit=base)
    households: dict[str, set[int]] = defaultdict(set)
    for row in qs.values("unit__path").annotate(value=Sum("value_vnd"), n=Count("pk")):
        key = _group_of(row["unit__path"], groups_by_path, depths)
        target = rows[key] if key else direct
        target.value_vnd += row["value"] or 0
        target.entries += row["n"]
    for path, household_id in qs.filter(household__isnull=False).values_list("unit__path", "household_id") \
            .distinct():
        households[_group_of(path, groups_by_path, depths) or ""].add(household_id)
    for key, ids in households.items():
        (rows[key] if key else direct).households = len(ids)
    result = list(rows.values())
    if direct.entries:
        result.append(direct)
    return base, result


def _loan_summary(qs: QuerySet) -> dict:
    loans = qs.filter(kind=Kind.LOAN)
    by_status = {row["loan_status"]: row for row in loans.values("loan_status").annotate(
        value=Sum("value_vnd"), n=Count("pk"))}
    repaid = Repayment.objects.filter(entry__in=loans).aggregate(s=Sum("amount_vnd"))["s"] or 0
    lent = sum(row["value"] or 0 for row in by_status.values())
    return {
        "count": sum(row["n"] for row in by_status.values()), "lent_vnd": lent, "repaid_vnd": repaid,
        "outstanding_vnd": lent - repaid,
        "statuses": [(code, label, by_status.get(code, {}).get("n", 0), by_status.get(code, {}).get("value") or 0)
                     for code, label in LoanStatus.choices],
    }


def ledger_totals(user, filters: LedgerFilters | None = None) -> LedgerTotals:
    filters = filters or LedgerFilters()
    qs = filtered_entries(user, filters)
    head = qs.aggregate(value=Sum("value_vnd"), n=Count("pk"), hh=Count("household", distinct=True))
    totals = LedgerTotals(filters=filters, value_vnd=head["value"] or 0, entries=head["n"], households=head["hh"])
    totals.by_source = _rows_by(qs, "source", dict(Source.choices))
    totals.by_kind = _rows_by(qs, "kind", dict(Kind.choices))
    years = qs.annotate(y=ExtractYear("date")).values("y").annotate(
        value=Sum("value_vnd"), n=Count("pk"), hh=Count("household", distinct=True)).order_by("y")
    totals.by_year = [TotalRow(str(r["y"]), str(r["y"]), r["value"] or 0, r["n"], r["hh"]) for r in years]
    totals.unit_base, totals.by_unit = _by_unit(user, qs, filters)
    totals.loans = _loan_summary(qs)
    return totals


def year_choices(user) -> list[int]:
    years = (entries_visible_to(user).filter(voided_at__isnull=True).annotate(y=ExtractYear("date"))
             .values_list("y", flat=True).distinct())
    return sorted({y for y in years if y}, reverse=True)


def units_for_filter(user) -> QuerySet[AdministrativeUnit]:
    """Province, districts and communes the reader may filter by (villages would make the
    list thousands long; a village is reached from its commune's row)."""
    return scoping.visible_units(user, roles.SUPPORT_VIEW_AREA).filter(level__lte=3).order_by(
        "era", "level", "name_sort")


# --- loans ----------------------------------------------------------------------------------

def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def loan_maturity(entry: SupportEntry) -> dt.date | None:
    if not entry.is_loan or not entry.loan_term_months:
        return None
    return add_months(entry.date, entry.loan_term_months)


def loan_repaid_vnd(entry: SupportEntry) -> int:
    return entry.repayments.aggregate(s=Sum("amount_vnd"))["s"] or 0


def loan_status_for(*, value_vnd: int, repaid_vnd: int, maturity: dt.date | None, marked_overdue: bool,
                    today: dt.date | None = None) -> str:
    """Repaid once the repayments cover the amount; overdue once past maturity unpaid, or when
    the bank reported an overdue instalment; current otherwise."""
    today = today or today_vn()
    if repaid_vnd >= value_vnd:
        return LoanStatus.REPAID
    if marked_overdue or (maturity is not None and maturity < today):
        return LoanStatus.OVERDUE
    return LoanStatus.CURRENT


# --- a household's page ---------------------------------------------------------------------

@dataclass
class HouseholdSupport:
    entries: list[SupportEntry]
    value_vnd: int
    can_add: bool

    def __bool__(self) -> bool:
        return bool(self.entries) or self.can_add


def support_for_household(user, household) -> HouseholdSupport:
    """What the household received, as far as the reader may see; empty for readers without
    the ledger (a mentor), so the household page shows nothing rather than an error."""
    if not scoping.can(user, roles.SUPPORT_VIEW):
        return HouseholdSupport([], 0, False)
    entries = list(entries_visible_to(user).filter(household=household, voided_at__isnull=True)
                   .select_related("giver").prefetch_related("repayments").order_by("-date", "-pk"))
    for entry in entries:
        if entry.is_loan:
            entry.repaid_vnd = sum(r.amount_vnd for r in entry.repayments.all())
    return HouseholdSupport(entries, sum(e.value_vnd for e in entries),
                            scoping.can(user, roles.SUPPORT_EDIT, household.unit))
