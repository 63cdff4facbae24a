"""Villages continue under the new communes (1 July 2025).

**A new village record, not a re-parented one.** Households, reviews and assessments recorded
before the reform point at the old village, and every old-era report finds them through the old
village's place in the tree (``path``). Moving the old village under a new commune would pull
that history out of its old commune and district and change the 2021–2025 figures already
recognised. So the old village stays where it was (valid until 30/06/2025) and a new village of
the same name and type is created under the new commune (valid from 01/07/2025), linked to the
old one by a ``UnitLineage`` row: history is read through the lineage, never copied.
(Roll-ups sum only commune-to-commune links, so a village link never counts a figure twice.)

Where the old commune went wholly into one new commune, its villages continue there at once
(``villages_continue_all``). Where it was split among several, the village **waits** until an
administrator gives it to one of them, on the page or by ``.xlsx`` (``village_continue``,
``continuation_import``); a new commune outside the old commune's lineage is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from vuonlen.accounts import roles, scoping
from vuonlen.core import spreadsheets, xlsx
from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.spreadsheets import Column, RowError
from vuonlen.core.text import fold, nfc

from .models import REFORM_DATE, AdministrativeUnit, Era, Level, UnitLineage
from .services import place_village
from .versions import cached_by_tree, units_changed

COL_VILLAGE, COL_COMMUNE = "Mã thôn cũ", "Mã xã mới"
_COLUMNS = (
    Column.of(COL_VILLAGE, "ma thon", "ma thon cu", "village code", prefixes=("ma thon",)),
    Column.of(COL_COMMUNE, "ma xa moi", "ma xa", "new commune code", prefixes=("ma xa",)),
)
MAX_ROWS = 20_000


def successor_communes(old_commune: AdministrativeUnit) -> list[AdministrativeUnit]:
    return list(AdministrativeUnit.objects.filter(
        predecessor_links__old_unit=old_commune, level=Level.COMMUNE, era=Era.POST_2025).order_by("name_sort"))


def successors_by_commune(old_commune_ids) -> dict[int, list[AdministrativeUnit]]:
    """``successor_communes`` for many old communes in one query: old commune id → new communes."""
    found: dict[int, list[AdministrativeUnit]] = {pk: [] for pk in old_commune_ids}
    links = (UnitLineage.objects.filter(old_unit_id__in=found, new_unit__level=Level.COMMUNE,
                                        new_unit__era=Era.POST_2025)
             .select_related("new_unit").order_by("new_unit__name_sort"))
    for link in links:
        found[link.old_unit_id].append(link.new_unit)
    return found


def _waiting_q() -> Q:
    return Q(era=Era.PRE_2025, level=Level.VILLAGE, successor_links__isnull=True)


def villages_waiting(user) -> QuerySet[AdministrativeUnit]:
    """Old villages in the person's scope not yet continued under a new commune."""
    return (scoping.visible_units(user).filter(_waiting_q()).select_related("parent__parent")
            .annotate(heirs=Count("parent__successor_links", distinct=True))
            .order_by("parent__parent__name_sort", "parent__name_sort", "name_sort"))


def waiting_count_for(unit: AdministrativeUnit) -> int:
    """How many old villages that belong in ``unit`` (a new-era province or commune) still wait:
    their old commune went (wholly or in part) into a new commune of ``unit``'s sub-tree. Drawn
    from the units and their lineage alone, so kept under the tree's version (``versions``: any
    unit or lineage row written): the new-era dashboards ask on every view (issue 17)."""
    if unit.era != Era.POST_2025:
        return 0

    def count() -> int:
        old_communes = UnitLineage.objects.filter(new_unit__path__startswith=unit.path,
                                                  old_unit__level=Level.COMMUNE).values("old_unit_id")
        return AdministrativeUnit.objects.filter(_waiting_q(), parent_id__in=old_communes).count()

    return cached_by_tree("waiting-villages", (unit.pk, unit.path), count, 600)


def _free_name(commune: AdministrativeUnit, village: AdministrativeUnit) -> str:
    """The village's own name, or — when another old commune's village of the same name is
    already there ("Thôn 1" of two merged communes) — the name followed by its old commune."""
    taken = set(AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE)
                .values_list("name_search", flat=True))
    if fold(village.name) not in taken:
        return village.name
    return f"{village.name} ({village.parent.name})"


@transaction.atomic
def village_continue(*, actor, village: AdministrativeUnit, commune: AdministrativeUnit,
                     source: str = "web") -> AdministrativeUnit:
    """Continue old ``village`` under new ``commune``: a new village record and its lineage row.
    Giving it to the commune it already continues under changes nothing."""
    scoping.require(actor, roles.UNIT_MANAGE_VILLAGES, commune,
                    message="Bạn không có quyền giao thôn cho xã này")
    scoping.require(actor, roles.UNIT_VIEW, village)
    village = AdministrativeUnit.objects.select_for_update(of=("self",)).select_related("parent").get(pk=village.pk)
    if village.level != Level.VILLAGE or village.era != Era.PRE_2025:
        raise ValidationError(gettext("Chỉ giao được thôn của thời kỳ trước 01/7/2025"))
    done = UnitLineage.objects.filter(old_unit=village).select_related("new_unit__parent").first()
    if done is not None:
        if done.new_unit.parent_id == commune.pk:
            return done.new_unit
        raise ValidationError(gettext("%(name)s (%(name2)s) đã được giao cho %(name3)s") % {"name": village.name, "name2": village.parent.name, "name3": done.new_unit.parent.name})
    heirs = successor_communes(village.parent)
    if commune.pk not in {c.pk for c in heirs}:
        allowed = ", ".join(c.name for c in heirs) or "không có xã mới nào"
        raise ValidationError(
            gettext("Không giao được %(name)s (%(name2)s) cho %(name3)s: %(name3)s không kế thừa %(name2)s. Chỉ giao được cho: %(allowed)s") % {"name": village.name, "name2": village.parent.name, "name3": commune.name, "allowed": allowed})
    commune = AdministrativeUnit.objects.select_for_update().get(pk=commune.pk)
    heir = place_village(commune, name=_free_name(commune, village), unit_type=village.unit_type,
                         valid_from=REFORM_DATE, valid_to=None, origin="kế thừa thôn cũ")
    UnitLineage.objects.create(old_unit=village, new_unit=heir, effective_date=REFORM_DATE,
                               source="chuyển thôn sang xã mới")
    audit_record(actor=actor, action=AuditAction.CREATE, instance=heir, source=source,
                 note=f"Kế thừa {village.name} ({village.parent.name}, mã {village.code})")
    return heir


@dataclass
class ContinueResult:
    continued: int = 0
    waiting: int = 0

    def __str__(self) -> str:
        return f"{self.continued} thôn chuyển sang xã mới, {self.waiting} thôn chờ giao"


@transaction.atomic
def villages_continue_all(*, actor, source: str = "web") -> ContinueResult:
    """Every waiting village in the actor's scope whose old commune went wholly into exactly one
    new commune continues there; the villages of split communes keep waiting. Running it again
    changes nothing."""
    result = ContinueResult()
    waiting = list(villages_waiting(actor))
    # The old communes' heirs and partial mergers in two queries, not two per village (issue 17).
    parents = {village.parent_id for village in waiting}
    successors = successors_by_commune(parents)
    partly_merged = set(UnitLineage.objects.filter(old_unit_id__in=parents, partly_merged=True)
                        .values_list("old_unit_id", flat=True))
    chosen = []
    for village in waiting:
        heirs = successors[village.parent_id]
        partly = village.parent_id in partly_merged
        if len(heirs) == 1 and not partly and scoping.can(actor, roles.UNIT_MANAGE_VILLAGES, heirs[0]):
            chosen.append((village, heirs[0]))
        else:
            result.waiting += 1
    result.continued = len(_continue_many(actor=actor, pairs=chosen, source=source))
    return result


def _continue_many(*, actor, pairs: list[tuple[AdministrativeUnit, AdministrativeUnit]],
                   source: str) -> list[AdministrativeUnit]:
    """``village_continue`` for many (old village, new commune) pairs the caller has checked,
    in a few statements instead of about fifteen per village (the demo's switch-over continues
    760 villages: issue 17). The same records as one call per village in the pairs' order: the
    same free names and next codes, a lineage row and an audit row per new village."""
    if not pairs:
        return []
    communes = {u.pk: u for u in AdministrativeUnit.objects.select_for_update()
                .filter(pk__in={commune.pk for _, commune in pairs}).order_by("pk")}
    villages = {u.pk: u for u in AdministrativeUnit.objects.select_for_update(of=("self",))
                .select_related("parent").filter(pk__in=[village.pk for village, _ in pairs]).order_by("pk")}
    # Continued meanwhile (another run, the page): left as they are, as village_continue would.
    done = set(UnitLineage.objects.filter(old_unit_id__in=villages).values_list("old_unit_id", flat=True))
    taken: dict[int, set[str]] = {pk: set() for pk in communes}
    for parent_id, name_search in AdministrativeUnit.objects.filter(
            parent_id__in=communes, level=Level.VILLAGE).values_list("parent_id", "name_search"):
        taken[parent_id].add(name_search)
    # The next free code of each commune, as ``services._next_code`` reads it.
    last: dict[int, int] = {}
    prefixes = {f"{commune.code}-": commune for commune in communes.values()}
    by_prefix = Q()
    for prefix, commune in prefixes.items():
        by_prefix |= Q(era=commune.era, code__startswith=prefix)
    for code in AdministrativeUnit.objects.filter(by_prefix, level=Level.VILLAGE).values_list("code", flat=True):
        prefix, _, number = code.rpartition("-")
        commune = prefixes.get(prefix + "-")
        if commune is not None and number.isdigit():
            last[commune.pk] = max(last.get(commune.pk, 0), int(number))
    made: list[tuple[AdministrativeUnit, AdministrativeUnit]] = []
    for village, commune in pairs:
        village, commune = villages[village.pk], communes[commune.pk]
        if village.pk in done or village.level != Level.VILLAGE or village.era != Era.PRE_2025:
            continue
        name = village.name if fold(village.name) not in taken[commune.pk] else f"{village.name} ({village.parent.name})"
        last[commune.pk] = last.get(commune.pk, 0) + 1
        heir = AdministrativeUnit(level=Level.VILLAGE, era=commune.era, code=f"{commune.code}-{last[commune.pk]:03d}",
                                  unit_type=village.unit_type, parent=commune, valid_from=REFORM_DATE, valid_to=None,
                                  source="kế thừa thôn cũ")
        heir.set_name(name)
        taken[commune.pk].add(heir.name_search)
        made.append((village, heir))
    heirs = AdministrativeUnit.objects.bulk_create([heir for _, heir in made], batch_size=500)
    for heir in heirs:
        heir.path = heir.compute_path()
    AdministrativeUnit.objects.bulk_update(heirs, ["path"], batch_size=500)
    UnitLineage.objects.bulk_create([UnitLineage(old_unit=village, new_unit=heir, effective_date=REFORM_DATE,
                                                 source="chuyển thôn sang xã mới") for village, heir in made],
                                    batch_size=500)
    units_changed()  # bulk writes send no signal; the scopes' lineage cache must know (geo.versions)
    for village, heir in made:
        audit_record(actor=actor, action=AuditAction.CREATE, instance=heir, source=source,
                     note=f"Kế thừa {village.name} ({village.parent.name}, mã {village.code})")
    return heirs


# --- by file -----------------------------------------------------------------------------------

@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    assigned: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def continuation_import(*, actor, file: BinaryIO | bytes, filename: str) -> ImportResult:
    """Columns "Mã thôn cũ" (e.g. 23485-001) and "Mã xã mới" (e.g. 23284). Every row is checked
    first; all problems are listed with row and column, and nothing is written if there is one."""
    try:
        rows = spreadsheets.read_table(file, filename, columns=_COLUMNS, max_rows=MAX_ROWS)
        header_index, positions = spreadsheets.locate_header(rows, _COLUMNS)
    except spreadsheets.FileRejected as exc:
        return ImportResult(errors=[RowError(None, "", str(exc))])
    checker = spreadsheets.RowChecker(positions)
    records = [(number, spreadsheets.cell_text(checker.cell(row, COL_VILLAGE)),
                spreadsheets.code_text(checker.cell(row, COL_COMMUNE)) if spreadsheets.cell_text(
                    checker.cell(row, COL_COMMUNE)) else "")
               for number, row in checker.data_rows(rows, header_index)]
    if not records:
        return ImportResult(errors=[RowError(None, "", "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề")])
    villages = {v.code: v for v in scoping.visible_units(actor).filter(
        era=Era.PRE_2025, level=Level.VILLAGE, code__in={r[1] for r in records}).select_related("parent")}
    communes = {c.code: c for c in scoping.visible_units(actor).filter(
        era=Era.POST_2025, level=Level.COMMUNE, code__in={r[2] for r in records})}
    heirs: dict[int, set[int]] = {}
    for old_id, new_id in UnitLineage.objects.filter(
            old_unit__in={v.parent_id for v in villages.values()}, new_unit__level=Level.COMMUNE
    ).values_list("old_unit_id", "new_unit_id"):
        heirs.setdefault(old_id, set()).add(new_id)
    done = dict(UnitLineage.objects.filter(old_unit__in=villages.values()).values_list(
        "old_unit_id", "new_unit__parent_id"))
    seen: dict[str, int] = {}
    pairs = []
    for number, village_code, commune_code in records:
        village = villages.get(nfc(village_code))
        commune = communes.get(commune_code)
        if not village_code:
            checker.error(number, COL_VILLAGE, gettext("Thiếu mã thôn cũ"))
        elif village is None:
            checker.error(number, COL_VILLAGE, gettext("Không tìm thấy thôn mã %(v1)s trong phạm vi của bạn") % {"v1": village_code[:30]})
        elif village_code in seen:
            checker.error(number, COL_VILLAGE, gettext("Thôn mã %(village_code)s đã có ở dòng %(v3)s") % {"village_code": village_code, "v3": seen[village_code]})
        if not commune_code:
            checker.error(number, COL_COMMUNE, gettext("Thiếu mã xã mới"))
        elif commune is None:
            checker.error(number, COL_COMMUNE, gettext("Không tìm thấy xã mới mã %(v1)s trong phạm vi của bạn") % {"v1": commune_code[:30]})
        elif not scoping.can(actor, roles.UNIT_MANAGE_VILLAGES, commune):
            checker.error(number, COL_COMMUNE, gettext("Bạn không có quyền giao thôn cho %(name)s") % {"name": commune.name})
        if village is None or commune is None:
            continue
        seen.setdefault(village_code, number)
        if commune.pk not in heirs.get(village.parent_id, set()):
            checker.error(number, COL_COMMUNE, gettext("%(name)s không kế thừa %(name2)s: không giao được %(name3)s cho xã này") % {"name": commune.name, "name2": village.parent.name, "name3": village.name})
        elif village.pk in done and done[village.pk] != commune.pk:
            checker.error(number, COL_VILLAGE, gettext("%(name)s (%(name2)s) đã được giao cho xã khác") % {"name": village.name, "name2": village.parent.name})
        else:
            pairs.append((village, commune))
    if checker.errors:
        return ImportResult(errors=checker.errors)
    with transaction.atomic():
        for village, commune in pairs:
            village_continue(actor=actor, village=village, commune=commune, source="import")
        audit_record(actor=actor, action=AuditAction.IMPORT, source="import",
                     object_repr=f"Giao thôn cho xã mới: {nfc(filename)}"[:300],
                     note=f"Giao {len(pairs)} thôn cho xã mới từ tệp {nfc(filename)}")
    return ImportResult(assigned=len(pairs))


def template_xlsx(waiting) -> bytes:
    """The waiting villages, each with the new communes it may go to: fill column B and upload."""
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = "Giao thôn"
    sheet.append([COL_VILLAGE, COL_COMMUNE, "Tên thôn", "Xã cũ", "Các xã mới được chọn (mã — tên)"])
    spreadsheets.bold_row(sheet, 1)
    for village in waiting:
        options = "; ".join(f"{c.code} — {c.name}" for c in successor_communes(village.parent))
        sheet.append([village.code, "", village.name, village.parent.name, options])
    for letter, width in zip("ABCDE", (14, 12, 28, 28, 80)):
        sheet.column_dimensions[letter].width = width
    return xlsx.workbook_bytes(workbook)
