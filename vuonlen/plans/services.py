"""Every write of household plans and of the organisations' households and goals: validate
(every problem at once), check scope, write, audit — in one transaction.

Outside the writer's reach ``Http404``; visible but not theirs to change ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from vuonlen.accounts.models import Organisation
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.formats import parse_vnd
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import nfc
from vuonlen.core.versioning import StaleVersion, lock_version, model_update, stale_message
from vuonlen.households.models import Household
from vuonlen.surveys.models import PovertyCause

from . import selectors
from .models import (
    LISTED_STATUSES,
    MASS_ORG_KINDS,
    Goal,
    HouseholdPlan,
    OrganisationGoal,
    OrganisationHousehold,
    Outcome,
    Solution,
)

YEAR_MIN = 2015


def _add(errors: dict, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _year_ok(year, errors: dict, name: str = "year") -> bool:
    high = today_vn().year + 1
    if not isinstance(year, int) or not YEAR_MIN <= year <= high:
        _add(errors, name, _("Năm phải từ %(low)s đến %(high)s") % {"low": YEAR_MIN, "high": high})
        return False
    return True


# --- household plans -------------------------------------------------------------------------

def _require_plan_edit(actor, household: Household) -> None:
    if actor is SYSTEM or selectors.can_edit_plan_for(actor, household):
        return
    from vuonlen.households.selectors import households_visible_to

    if (households_visible_to(actor).filter(pk=household.pk).exists()
            or selectors.plans_visible_to(actor).filter(household=household).exists()):
        raise PermissionDenied(_("Bạn không có quyền lập, sửa kế hoạch của hộ này"))
    raise Http404("Không tìm thấy")


def clean_plan(data: Mapping, *, household: Household) -> tuple[dict, list, dict[str, list[str]]]:
    """The plan's fields, the causes chosen and every problem (by field)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    goal = data.get("goal") or ""
    if goal not in Goal.values:
        _add(errors, "goal", _("Chưa chọn mục tiêu"))
    cleaned["goal"] = goal
    solutions = list(dict.fromkeys(data.get("solutions") or []))
    unknown = [s for s in solutions if s not in Solution.values]
    if unknown:
        _add(errors, "solutions", _("Giải pháp không có trong danh mục: %(list)s") % {"list": ", ".join(unknown)})
    if not solutions:
        _add(errors, "solutions", _("Chưa chọn giải pháp nào"))
    cleaned["solutions"] = [s for s in Solution.values if s in solutions]
    for name, limit in (("production_model", 300), ("training", 300), ("job", 300)):
        value = nfc(data.get(name) or "").strip()
        if len(value) > limit:
            _add(errors, name, _("Dài quá %(n)s ký tự") % {"n": limit})
        cleaned[name] = value[:limit]
    if Solution.PRODUCTION_MODEL in solutions and not cleaned["production_model"]:
        _add(errors, "production_model", _("Đã chọn giải pháp mô hình sản xuất: hãy ghi mô hình nào"))
    try:
        raw = data.get("loan_vnd")
        cleaned["loan_vnd"] = parse_vnd(raw if raw not in (None, "") else 0, allow_zero=True)
    except ValueError as exc:
        _add(errors, "loan_vnd", str(exc))
        cleaned["loan_vnd"] = 0
    if Solution.LOAN in solutions and not cleaned["loan_vnd"] and "loan_vnd" not in errors:
        _add(errors, "loan_vnd", _("Đã chọn giải pháp vay vốn: hãy ghi số tiền dự kiến vay"))
    organisation = data.get("support_organisation")
    if organisation is not None and not organisation.is_active:
        _add(errors, "support_organisation", _("%(name)s đã ngừng hoạt động") % {"name": organisation.name})
    if (Solution.ORGANISATION in solutions or Solution.TWINNING in solutions) and organisation is None:
        _add(errors, "support_organisation", _("Đã chọn giải pháp tổ chức hoặc đơn vị kết nghĩa giúp đỡ: hãy chọn "
                                               "tổ chức, đơn vị"))
    cleaned["support_organisation"] = organisation
    cleaned["mentor"] = data.get("mentor")
    cleaned["notes"] = _text(data.get("notes"))
    outcome = data.get("outcome") or ""
    if outcome and outcome not in Outcome.values:
        _add(errors, "outcome", _("Kết quả không hợp lệ"))
    cleaned["outcome"] = outcome
    cleaned["outcome_reason"] = _text(data.get("outcome_reason"))
    followed = data.get("followed_up_on")
    if outcome and followed is None:
        followed = today_vn()
    if followed is not None and followed > today_vn():
        _add(errors, "followed_up_on", _("Ngày đánh giá ở tương lai"))
    if outcome == Outcome.NOT_ACHIEVED and not cleaned["outcome_reason"]:
        _add(errors, "outcome_reason", _("Chưa đạt: hãy ghi lý do"))
    if not outcome and cleaned["outcome_reason"]:
        _add(errors, "outcome", _("Đã ghi lý do nhưng chưa chọn kết quả"))
    cleaned["followed_up_on"] = followed if outcome else None
    causes = list(data.get("causes") or [])
    inactive = [c.name for c in causes if isinstance(c, PovertyCause) and not c.is_active]
    if inactive:
        _add(errors, "causes", _("Nguyên nhân không còn dùng: %(list)s") % {"list": ", ".join(inactive)})
    if not causes:
        _add(errors, "causes", _("Chưa chọn nguyên nhân nghèo nào"))
    return cleaned, causes, errors


@transaction.atomic
def plan_create(*, actor, household: Household, year, data: Mapping, source: str = "web") -> HouseholdPlan:
    _require_plan_edit(actor, household)
    cleaned, causes, errors = clean_plan(data, household=household)
    if _year_ok(year, errors) and HouseholdPlan.objects.filter(household=household, year=year).exists():
        _add(errors, "year", _("Hộ %(code)s đã có kế hoạch năm %(year)s") % {"code": household.code, "year": year})
    if household.ended_on is not None:
        _add(errors, "household", _("Hộ %(code)s đã kết thúc theo dõi") % {"code": household.code})
    if errors:
        raise ValidationError(errors)
    plan = HouseholdPlan.objects.create(household=household, year=year,
                                        created_by=actor if getattr(actor, "pk", None) else None, **cleaned)
    plan.causes.set(causes)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=plan, source=source,
                 note=_("Nguyên nhân: %(list)s") % {"list": ", ".join(c.name for c in causes)})
    return plan


@transaction.atomic
def plan_update(*, actor, plan: HouseholdPlan, expected_version: int | None, data: Mapping,
                source: str = "web") -> HouseholdPlan:
    """Change a plan or record its follow-up; a stale version is refused."""
    _require_plan_edit(actor, plan.household)
    current = lock_version(HouseholdPlan.objects.select_related("household"), plan.pk, expected_version,
                           message=stale_message(_("Kế hoạch này")))
    cleaned, causes, errors = clean_plan(data, household=current.household)
    if errors:
        raise ValidationError(errors)
    before = sorted(current.causes.values_list("pk", flat=True))
    after = sorted(c.pk for c in causes)
    changed = model_update(actor=actor, instance=current, data=cleaned, source=source)
    if before != after:
        current.causes.set(causes)
        if not changed:
            current.version += 1
            current.save(update_fields=["version", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=current, source=source,
                     before={"causes": before}, after={"causes": after}, note=_("Sửa nguyên nhân nghèo"))
    return current


# --- an organisation's households ------------------------------------------------------------

def _require_org(actor, organisation: Organisation) -> None:
    if selectors.can_manage_organisation(actor, organisation):
        return
    if selectors.organisations_visible_to(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("Chỉ chính tổ chức này mới cập nhật danh sách và mục tiêu của mình"))
    raise Http404("Không tìm thấy")


@transaction.atomic
def org_households_add(*, actor, organisation: Organisation, codes: Sequence[str], since_year,
                       member_names: Mapping[str, str] | None = None, source: str = "web") -> list[OrganisationHousehold]:
    """List households (by code) whose members belong to ``organisation``: poor or near-poor,
    in its area (both eras), not yet listed. Every problem at once; nothing written on error."""
    _require_org(actor, organisation)
    errors: dict[str, list[str]] = {}
    if organisation.kind not in MASS_ORG_KINDS:
        _add(errors, "codes", _("%(name)s không phải tổ chức đoàn thể") % {"name": organisation.name})
    _year_ok(since_year, errors, "since_year")
    codes = [nfc(c).strip() for c in codes if nfc(c).strip()]
    if not codes:
        _add(errors, "codes", _("Chưa nhập mã hộ nào"))
    paths = selectors.organisation_area_paths(organisation)
    area = Household.objects.none()
    if codes:
        from django.db.models import Q

        where = Q(pk__in=[])
        for path in paths:
            where |= Q(unit__path__startswith=path)
        area = Household.objects.filter(where, code__in=codes).select_related("unit")
    found = {}
    for household in area:
        found.setdefault(household.code, []).append(household)
    listed = set(OrganisationHousehold.objects.filter(organisation=organisation).values_list("household__code",
                                                                                          flat=True))
    ready = []
    for code in dict.fromkeys(codes):
        matches = found.get(code, [])
        if not matches:
            _add(errors, "codes", _("Không tìm thấy hộ mã %(code)s ở %(unit)s") % {"code": code,
                                                                                   "unit": organisation.unit.name})
            continue
        if len(matches) > 1:
            _add(errors, "codes", _("Mã %(code)s trùng ở nhiều xã; hãy nhập từ tài khoản của xã") % {"code": code})
            continue
        household = matches[0]
        if code in listed:
            _add(errors, "codes", _("Hộ %(code)s đã có trong danh sách") % {"code": code})
        elif household.ended_on is not None:
            _add(errors, "codes", _("Hộ %(code)s đã kết thúc theo dõi") % {"code": code})
        elif household.current_status not in LISTED_STATUSES:
            _add(errors, "codes", _("Hộ %(code)s không phải hộ nghèo, cận nghèo") % {"code": code})
        elif not household.is_ethnic_minority:
            _add(errors, "codes", _("Hộ %(code)s không phải hộ dân tộc thiểu số") % {"code": code})
        else:
            ready.append(household)
    if errors:
        raise ValidationError(errors)
    made = []
    for household in ready:
        name = nfc((member_names or {}).get(household.code, "")).strip()[:150]
        link = OrganisationHousehold.objects.create(organisation=organisation, household=household, member_name=name,
                                                    since_year=since_year,
                                                    created_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor, action=AuditAction.CREATE, instance=link, source=source)
        made.append(link)
    return made


@transaction.atomic
def org_household_remove(*, actor, link: OrganisationHousehold, source: str = "web") -> None:
    _require_org(actor, link.organisation)
    audit_record(actor=actor, action=AuditAction.DELETE, instance=link, source=source)
    link.delete()


# --- an organisation's yearly goal and result ------------------------------------------------

def _counts(raw: Mapping | None, errors: dict) -> dict[str, int]:
    result = {}
    for key, value in (raw or {}).items():
        if value in (None, "", 0):
            continue
        if key not in Solution.values:
            _add(errors, "target_by_solution", _("Giải pháp không có trong danh mục: %(k)s") % {"k": key})
        elif not isinstance(value, int) or value < 0:
            _add(errors, f"solution_{key}", _("Phải là số nguyên không âm"))
        else:
            result[key] = value
    return result


@transaction.atomic
def goal_save(*, actor, organisation: Organisation, year, target_out, target_by_solution: Mapping | None = None,
              plan_note: str = "", expected_version: int | None = 0, source: str = "web") -> OrganisationGoal:
    """Set (or correct) the organisation's goal for ``year``. ``expected_version`` 0: none yet."""
    _require_org(actor, organisation)
    errors: dict[str, list[str]] = {}
    _year_ok(year, errors)
    if not isinstance(target_out, int) or target_out < 0:
        _add(errors, "target_out", _("Phải là số nguyên không âm"))
    by_solution = _counts(target_by_solution, errors)
    listed = selectors.org_households_visible_to(SYSTEM).filter(organisation=organisation).count()
    if isinstance(target_out, int) and target_out > listed:
        _add(errors, "target_out", _("Nhiều hơn số hộ hội viên đã có trong danh sách (%(n)s)") % {"n": listed})
    if isinstance(target_out, int):
        over = [k for k, v in by_solution.items() if v > target_out]
        if over:
            _add(errors, "target_by_solution", _("Số hộ theo một giải pháp không được lớn hơn số hộ phấn đấu "
                                                 "thoát nghèo (%(n)s)") % {"n": target_out})
    if errors:
        raise ValidationError(errors)
    data = {"target_out": target_out, "target_by_solution": by_solution, "plan_note": _text(plan_note)}
    stale = stale_message(_("Mục tiêu này"))
    existing = OrganisationGoal.objects.select_for_update().filter(organisation=organisation, year=year).first()
    if existing is None:
        if expected_version:
            raise StaleVersion(stale)
        goal = OrganisationGoal.objects.create(organisation=organisation, year=year,
                                               created_by=actor if getattr(actor, "pk", None) else None, **data)
        audit_record(actor=actor, action=AuditAction.CREATE, instance=goal, source=source)
        return goal
    current = lock_version(OrganisationGoal.objects, existing.pk, expected_version, message=stale)
    model_update(actor=actor, instance=current, data=data, source=source)
    return current


@transaction.atomic
def goal_report(*, actor, goal: OrganisationGoal, expected_version: int | None, result_out, result_note: str = "",
                reported_on: dt.date | None = None, source: str = "web") -> OrganisationGoal:
    """The year's result as the organisation reports it."""
    _require_org(actor, goal.organisation)
    current = lock_version(OrganisationGoal.objects.select_related("organisation"), goal.pk, expected_version,
                           message=stale_message(_("Mục tiêu này")))
    errors: dict[str, list[str]] = {}
    listed = OrganisationHousehold.objects.filter(organisation=current.organisation).count()
    if not isinstance(result_out, int) or result_out < 0:
        _add(errors, "result_out", _("Phải là số nguyên không âm"))
    elif result_out > listed:
        _add(errors, "result_out", _("Nhiều hơn số hộ hội viên trong danh sách (%(n)s)") % {"n": listed})
    reported_on = reported_on or today_vn()
    if reported_on > today_vn():
        _add(errors, "reported_on", _("Ngày báo cáo ở tương lai"))
    elif reported_on.year < current.year:
        _add(errors, "reported_on", _("Ngày báo cáo trước năm của mục tiêu (%(y)s)") % {"y": current.year})
    note = _text(result_note)
    if not note:
        _add(errors, "result_note", _("Chưa ghi nội dung báo cáo kết quả"))
    if errors:
        raise ValidationError(errors)
    model_update(actor=actor, instance=current, source=source,
                 data={"result_out": result_out, "result_note": note, "reported_on": reported_on})
    return current


def codes_from_text(text: str) -> list[str]:
    """Codes typed one per line or separated by commas, semicolons or spaces."""
    return [part for part in re.split(r"[,;\s]+", unicodedata.normalize("NFC", text or "")) if part]


def _text(value) -> str:
    """Multi-line text: NFC, trimmed, its line breaks kept (``nfc`` collapses them)."""
    return unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").strip()
