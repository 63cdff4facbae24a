"""Every write of the resource ledger: validate, check scope, write, audit — in one transaction.

Bad input raises ``ValidationError`` with every problem at once, keyed by form field, and
writes nothing. Out of the person's scope raises ``Http404``; in scope but without the right
raises ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.formats import format_date, format_number, parse_vnd
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import nfc
from vuonlen.core.versioning import check_version, model_update, stale_message_lazy
from vuonlen.geo.models import AdministrativeUnit, Level

from . import selectors
from .models import Kind, LoanStatus, RecipientKind, Repayment, Source, SupportEntry

EARLIEST = dt.date(2000, 1, 1)
MAX_TERM_MONTHS = 240
# Sources that name who gave: an enterprise's or a partner's gift without the giver cannot be
# credited to it in the twinning evaluation or the emulation ranking.
GIVER_REQUIRED = {Source.ENTERPRISE, Source.TWINNING}


def _add(errors: dict, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _require_edit(actor, unit: AdministrativeUnit, giver: Organisation | None) -> None:
    if actor is SYSTEM:
        return
    if selectors.can_edit(actor, unit, giver):
        return
    if scoping.can(actor, roles.SUPPORT_VIEW_AREA, unit) or (giver is not None and
                                                             giver.pk in selectors.own_giver_ids(actor)):
        raise PermissionDenied(gettext("Bạn không có quyền ghi nguồn lực cho địa bàn này"))
    raise Http404("Không tìm thấy")


def _recipient(household, initiative, unit, errors: dict) -> tuple[str, AdministrativeUnit | None]:
    given = [x for x in (household, initiative, unit) if x is not None]
    if not given:
        _add(errors, "recipient", gettext("Chưa chọn đối tượng nhận (một hộ, một mô hình hoặc một thôn, xã)"))
        return "", None
    if len(given) > 1:
        _add(errors, "recipient", gettext("Mỗi khoản chỉ ghi cho một đối tượng nhận: một hộ, một mô hình hoặc một thôn, xã"))
        return "", None
    if household is not None:
        return RecipientKind.HOUSEHOLD, household.unit
    if initiative is not None:
        return RecipientKind.INITIATIVE, initiative.unit
    if unit.level not in (Level.COMMUNE, Level.VILLAGE):
        _add(errors, "recipient", gettext("%(name)s không phải thôn hay xã") % {"name": unit.name})
    return RecipientKind.UNIT, unit


def _check_fields(errors: dict, *, source, kind, value_vnd, date, giver, household, recipient_kind,
                  loan_term_months, twinning_activity) -> int | None:
    """The ledger's rules for one entry, shared by recording and correcting it; adds every
    problem to ``errors`` and returns the parsed value (None when it does not parse)."""
    if source not in Source.values:
        _add(errors, "source", gettext("Chưa chọn nguồn"))
    if kind not in Kind.values:
        _add(errors, "kind", gettext("Chưa chọn hình thức hỗ trợ"))
    value = None
    try:
        value = parse_vnd(value_vnd)
    except ValueError as exc:
        _add(errors, "value_vnd", str(exc))
    if date is None:
        _add(errors, "date", gettext("Chưa nhập ngày hỗ trợ"))
    elif date > today_vn():
        _add(errors, "date", gettext("Ngày hỗ trợ ở tương lai"))
    elif date < EARLIEST:
        _add(errors, "date", gettext("Ngày %(date)s quá xa (trước năm %(year)s)") % {"date": format_date(date), "year": EARLIEST.year})
    if source in GIVER_REQUIRED and giver is None:
        _add(errors, "giver", gettext("Nguồn “%(label)s” cần ghi rõ đơn vị hỗ trợ") % {"label": Source(source).label})
    if household is not None:
        if date is not None and household.ended_on and date > household.ended_on:
            _add(errors, "recipient", gettext("%(household)s đã kết thúc theo dõi từ %(ended_on)s") % {"household": household, "ended_on": format_date(household.ended_on)})
    if kind == Kind.LOAN:
        if loan_term_months in (None, ""):
            _add(errors, "loan_term_months", gettext("Khoản vay cần thời hạn vay (số tháng)"))
        elif not 1 <= int(loan_term_months) <= MAX_TERM_MONTHS:
            _add(errors, "loan_term_months", gettext("Thời hạn vay phải từ 1 đến %(MAX_TERM_MONTHS)s tháng") % {"MAX_TERM_MONTHS": MAX_TERM_MONTHS})
        if recipient_kind == RecipientKind.UNIT:
            _add(errors, "recipient", gettext("Khoản vay phải ghi cho một hộ (hoặc một mô hình), không cho cả thôn, xã"))
    else:
        if loan_term_months not in (None, ""):
            _add(errors, "loan_term_months", gettext("Chỉ khoản vay mới có thời hạn vay"))
        if source == Source.POLICY_BANK:
            _add(errors, "kind", gettext("Vốn Ngân hàng Chính sách xã hội là vốn vay: hãy chọn hình thức “Vốn vay”"))
    if twinning_activity is not None and giver is not None and giver.pk != twinning_activity.pair.organisation_id:
        _add(errors, "giver", gettext("Hoạt động kết nghĩa đã chọn là của %(name)s") % {"name": twinning_activity.pair.organisation.name})
    return value


@transaction.atomic
def entry_record(*, actor, source: str, kind: str, value_vnd, date: dt.date | None,
                 giver: Organisation | None = None, household=None, initiative=None,
                 unit: AdministrativeUnit | None = None, description: str = "", quantity: str = "",
                 twinning_activity=None, loan_term_months: int | None = None, loan_interest: str = "",
                 channel: str = "web") -> SupportEntry:
    """One gift or loan to exactly one recipient: a household, a model or a village/commune."""
    errors: dict[str, list[str]] = {}
    recipient_kind, target = _recipient(household, initiative, unit, errors)
    if twinning_activity is not None and giver is None:
        giver = twinning_activity.pair.organisation
    if target is not None:
        _require_edit(actor, target, giver)
    if actor is not SYSTEM and twinning_activity is not None:
        from vuonlen.twinning.selectors import pairs_visible_to

        if not pairs_visible_to(actor).filter(pk=twinning_activity.pair_id).exists():
            raise Http404("Không tìm thấy")
    value = _check_fields(errors, source=source, kind=kind, value_vnd=value_vnd, date=date, giver=giver,
                          household=household, recipient_kind=recipient_kind,
                          loan_term_months=loan_term_months, twinning_activity=twinning_activity)
    if errors:
        raise ValidationError(errors)
    entry = SupportEntry.objects.create(
        source=source, kind=kind, giver=giver, value_vnd=value, date=date, recipient_kind=recipient_kind,
        household=household, initiative=initiative, unit=target, description=nfc(description)[:500],
        quantity=nfc(quantity)[:100], twinning_activity=twinning_activity,
        loan_term_months=int(loan_term_months) if kind == Kind.LOAN else None,
        loan_interest=nfc(loan_interest)[:100] if kind == Kind.LOAN else "",
        loan_status=LoanStatus.CURRENT if kind == Kind.LOAN else "",
        created_by=actor if getattr(actor, "pk", None) else None)
    if entry.is_loan:
        entry.loan_status = selectors.loan_status_for(value_vnd=value, repaid_vnd=0,
                                                      maturity=selectors.loan_maturity(entry), marked_overdue=False)
        entry.save(update_fields=["loan_status"])
    audit_record(actor=actor, action=AuditAction.CREATE, instance=entry, source=channel)
    return entry


STALE_MESSAGE = stale_message_lazy(gettext_lazy("Khoản này"))
VOIDED_MESSAGE = gettext_lazy("Khoản này đã bị huỷ nên không sửa được")
EDITABLE_FIELDS = ("source", "kind", "giver", "value_vnd", "date", "description", "quantity", "loan_term_months",
                   "loan_interest")


def _locked_entry(actor, entry: SupportEntry) -> SupportEntry:
    """The entry locked for a correction: 404 outside the reader's ledger, 403 read-only."""
    if actor is not SYSTEM:
        if not selectors.entries_visible_to(actor).filter(pk=entry.pk).exists():
            raise Http404("Không tìm thấy")
        if not selectors.can_edit_entry(actor, entry):
            raise PermissionDenied(gettext("Bạn không có quyền sửa khoản này"))
    return SupportEntry.objects.select_for_update(of=("self",)).select_related(
        "giver", "household", "twinning_activity__pair__organisation").get(pk=entry.pk)


@transaction.atomic
def entry_update(*, actor, entry: SupportEntry, expected_version: int, channel: str = "web",
                 **fields) -> SupportEntry:
    """Correct an entry's source, kind, giver, value, date, wording or loan terms (the recipient
    stays: a gift recorded for the wrong recipient is voided and recorded again). Same rules as
    ``entry_record``; a different ``expected_version`` means someone saved in between."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"entry_update() got unexpected fields: {', '.join(sorted(unknown))}")
    current = _locked_entry(actor, entry)
    if current.is_void:
        raise ValidationError({"__all__": [VOIDED_MESSAGE]})
    check_version(current, expected_version, message=STALE_MESSAGE)
    data = {name: getattr(current, name) for name in EDITABLE_FIELDS}
    data.update(fields)
    giver = data["giver"]
    if giver is not None and giver.pk != current.giver_id:
        _require_edit(actor, current.unit, giver)
    errors: dict[str, list[str]] = {}
    value = _check_fields(errors, source=data["source"], kind=data["kind"], value_vnd=data["value_vnd"],
                          date=data["date"], giver=giver, household=current.household,
                          recipient_kind=current.recipient_kind, loan_term_months=data["loan_term_months"],
                          twinning_activity=current.twinning_activity)
    repaid = selectors.loan_repaid_vnd(current) if current.is_loan else 0
    if current.is_loan and current.repayments.exists():
        if data["kind"] != Kind.LOAN:
            _add(errors, "kind", gettext("Khoản vay đã có lần trả nợ nên không đổi được hình thức"))
        if value is not None and value < repaid:
            _add(errors, "value_vnd", gettext("Nhỏ hơn số đã trả (%(repaid)s đồng)") % {"repaid": format_number(repaid)})
        if data["date"] is not None and current.repayments.filter(date__lt=data["date"]).exists():
            _add(errors, "date", gettext("Có lần trả nợ trước ngày vay này"))
    if errors:
        raise ValidationError(errors)
    is_loan = data["kind"] == Kind.LOAN
    new = {
        "source": data["source"], "kind": data["kind"], "giver": giver, "value_vnd": value, "date": data["date"],
        "description": nfc(data["description"] or "")[:500], "quantity": nfc(data["quantity"] or "")[:100],
        "loan_term_months": int(data["loan_term_months"]) if is_loan else None,
        "loan_interest": nfc(data["loan_interest"] or "")[:100] if is_loan else "",
    }
    # The loan's status follows the new amount and term (the maturity of the entry as it will be).
    new["loan_status"] = selectors.loan_status_for(
        value_vnd=value, repaid_vnd=repaid,
        maturity=selectors.loan_maturity(SupportEntry(kind=new["kind"], date=new["date"],
                                                      loan_term_months=new["loan_term_months"])),
        marked_overdue=current.loan_status == LoanStatus.OVERDUE) if is_loan else ""
    model_update(actor=actor, instance=current, data=new, source=channel)
    return current


@transaction.atomic
def entry_void(*, actor, entry: SupportEntry, reason: str, channel: str = "web") -> SupportEntry:
    """Void a wrong entry: it stays in the book (and its history) with the reason, but leaves
    the lists and the totals. Nothing is ever deleted."""
    current = _locked_entry(actor, entry)
    errors: dict[str, list[str]] = {}
    reason = nfc(reason or "").strip()
    if current.is_void:
        _add(errors, "__all__", gettext("Khoản này đã bị huỷ"))
    if not reason:
        _add(errors, "reason", gettext("Chưa ghi lý do huỷ"))
    if errors:
        raise ValidationError(errors)
    model_update(actor=actor, instance=current, data={"voided_at": timezone.now(), "void_reason": reason[:500]},
                 source=channel, note=f"Huỷ khoản: {reason[:500]}")
    return current


def _locked_loan(actor, entry: SupportEntry) -> SupportEntry:
    if actor is not SYSTEM:
        visible = selectors.entries_visible_to(actor).filter(pk=entry.pk).exists()
        if not visible:
            raise Http404("Không tìm thấy")
        if not selectors.can_edit_entry(actor, entry):
            raise PermissionDenied(gettext("Bạn không có quyền cập nhật khoản vay này"))
    locked = SupportEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.is_void:
        raise ValidationError({"__all__": [gettext("Khoản này đã bị huỷ")]})
    return locked


@transaction.atomic
def repayment_record(*, actor, entry: SupportEntry, date: dt.date | None, amount_vnd, note: str = "",
                     channel: str = "web") -> Repayment:
    locked = _locked_loan(actor, entry)
    errors: dict[str, list[str]] = {}
    if not locked.is_loan:
        raise ValidationError({"__all__": [gettext("Khoản này không phải khoản vay")]})
    repaid = selectors.loan_repaid_vnd(locked)
    outstanding = locked.value_vnd - repaid
    if locked.loan_status == LoanStatus.REPAID or outstanding <= 0:
        _add(errors, "__all__", gettext("Khoản vay đã trả hết"))
    amount = None
    try:
        amount = parse_vnd(amount_vnd)
    except ValueError as exc:
        _add(errors, "amount_vnd", str(exc))
    if amount is not None and outstanding > 0 and amount > outstanding:
        _add(errors, "amount_vnd", gettext("Lớn hơn số còn nợ (%(outstanding)s đồng)") % {"outstanding": format_number(outstanding)})
    if date is None:
        _add(errors, "date", gettext("Chưa nhập ngày trả"))
    elif date > today_vn():
        _add(errors, "date", gettext("Ngày trả ở tương lai"))
    elif date < locked.date:
        _add(errors, "date", gettext("Ngày trả trước ngày vay (%(date)s)") % {"date": format_date(locked.date)})
    if errors:
        raise ValidationError(errors)
    repayment = Repayment.objects.create(entry=locked, date=date, amount_vnd=amount, note=nfc(note)[:300],
                                         created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=repayment, source=channel,
                 note=f"Trả nợ khoản vay #{locked.pk}")
    _refresh_status(actor, locked, repaid + amount, channel)
    return repayment


def _refresh_status(actor, entry: SupportEntry, repaid: int, channel: str) -> None:
    status = selectors.loan_status_for(value_vnd=entry.value_vnd, repaid_vnd=repaid,
                                       maturity=selectors.loan_maturity(entry),
                                       marked_overdue=entry.loan_status == LoanStatus.OVERDUE)
    model_update(actor=actor, instance=entry, data={"loan_status": status}, source=channel)


@transaction.atomic
def loan_set_status(*, actor, entry: SupportEntry, status: str, channel: str = "web") -> SupportEntry:
    """Mark a loan overdue (the bank reported a missed instalment) or back to current. "Repaid"
    is reached only by recording repayments, so the ledger's sums always explain it."""
    locked = _locked_loan(actor, entry)
    errors: dict[str, list[str]] = {}
    if not locked.is_loan:
        _add(errors, "__all__", gettext("Khoản này không phải khoản vay"))
    elif status not in (LoanStatus.CURRENT, LoanStatus.OVERDUE):
        _add(errors, "status", gettext("Chỉ chuyển được giữa “Trong hạn” và “Quá hạn”; “Đã trả hết” tự có khi ghi đủ "
                               "các lần trả nợ"))
    elif locked.loan_status == LoanStatus.REPAID:
        _add(errors, "status", gettext("Khoản vay đã trả hết"))
    elif status == LoanStatus.CURRENT and (maturity := selectors.loan_maturity(locked)) and maturity < today_vn():
        _add(errors, "status", gettext("Khoản vay đã quá hạn từ %(maturity)s") % {"maturity": format_date(maturity)})
    if errors:
        raise ValidationError(errors)
    model_update(actor=actor, instance=locked, data={"loan_status": status}, source=channel)
    return locked


@transaction.atomic
def loans_refresh_overdue(*, actor, today: dt.date | None = None, channel: str = "command") -> int:
    """Loans past maturity and not repaid become overdue (run daily, and by the demo)."""
    today = today or today_vn()
    changed = 0
    for entry in SupportEntry.objects.select_for_update().filter(kind=Kind.LOAN, loan_status=LoanStatus.CURRENT,
                                                                 voided_at__isnull=True):
        maturity = selectors.loan_maturity(entry)
        if maturity is not None and maturity < today:
            model_update(actor=actor, instance=entry, data={"loan_status": LoanStatus.OVERDUE}, source=channel,
                         note="Quá hạn trả nợ")
            changed += 1
    return changed
