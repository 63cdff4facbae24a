"""Pages of the resource ledger: thin — parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.core.access import require_room, room_required
from vuonlen.core.paging import paginate
from vuonlen.core.responses import file_response
from vuonlen.geo.models import Level

from . import exports, selectors, services
from .forms import EntryEditForm, EntryForm, EntryVoidForm, LedgerFilterForm, LoanStatusForm, RepaymentForm
from .models import RecipientKind


def _filters(request) -> tuple[LedgerFilterForm, selectors.LedgerFilters]:
    units = selectors.units_for_filter(request.user).order_by("path")
    form = LedgerFilterForm(request.GET or None, years=selectors.year_choices(request.user) or [], units=units)
    filters = selectors.LedgerFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.LedgerFilters(year=data["nam"], source=data["nguon"], kind=data["hinh_thuc"],
                                          unit=data["dia_ban"], date_from=data["tu_ngay"], date_to=data["den_ngay"])
    return form, filters


def _can_add(user) -> bool:
    return scoping.can(user, roles.SUPPORT_EDIT) or bool(selectors.own_giver_ids(user))


@room_required(roles.SUPPORT_VIEW)
def totals(request):
    form, filters = _filters(request)
    result = selectors.ledger_totals(request.user, filters)
    # A unit's row opens the same totals one level down (its communes, then villages).
    params = request.GET.copy()
    params.pop("dia_ban", None)
    unit_link = params.urlencode() + "&" if params else ""
    return render(request, "support/totals.html", {
        "tab": "totals", "form": form, "totals": result, "query": request.GET.urlencode(),
        "unit_link": unit_link, "can_add": _can_add(request.user)})


@room_required(roles.SUPPORT_VIEW)
def totals_export(request):
    _form, filters = _filters(request)
    content, _count = exports.ledger_export(actor=request.user, filters=filters)
    return file_response(content, "nguon-luc.xlsx")


@room_required(roles.SUPPORT_VIEW)
def entry_list(request):
    form, filters = _filters(request)
    page = paginate(request, selectors.entry_list(request.user, filters), per_page=50)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "support/entry_list.html", {
        "tab": "entries", "form": form, "page": page, "query": params.urlencode(),
        "can_add": _can_add(request.user)})


def _entry_choices(user):
    givers = Organisation.objects.filter(is_active=True).select_related("unit")
    own = selectors.own_giver_ids(user)
    if not scoping.can(user, roles.SUPPORT_EDIT):
        givers = givers.filter(pk__in=own)
    units = scoping.visible_units(user, roles.SUPPORT_EDIT).filter(level__in=(Level.COMMUNE, Level.VILLAGE))
    if not scoping.can(user, roles.SUPPORT_EDIT):
        units = scoping.visible_units(user, roles.SUPPORT_RECORD_OWN).filter(level__in=(Level.COMMUNE, Level.VILLAGE))
    return givers.order_by("unit__level", "name_sort"), units.select_related("parent").order_by("path")


def _resolve_recipient(user, data) -> dict:
    """The form's recipient as the service's arguments; a code not found in the chosen unit is
    an error on the code field."""
    kind = data["recipient_kind"]
    unit = data["unit"]
    if kind == RecipientKind.HOUSEHOLD:
        code = (data["household_code"] or "").strip()
        if not code:
            raise ValidationError({"household_code": [gettext("Nhập mã hộ nhận (gõ tên chủ hộ hoặc mã hộ để tìm)")]})
        from vuonlen.households.selectors import household_by_code_or_none, households_visible_to

        if unit is None:
            # The household tells its commune; the unit is asked only when two communes'
            # households share the code.
            found = list(households_visible_to(user).filter(code=code, ended_on__isnull=True)[:2])
            if len(found) == 1:
                return {"household": found[0]}
            if not found:
                raise ValidationError({"household_code": [
                    gettext("Không tìm thấy hộ mã %(code)s trong địa bàn của bạn") % {"code": code}]})
            raise ValidationError({"unit": [
                gettext("Mã hộ %(code)s có ở nhiều xã: hãy chọn xã (hoặc thôn) của hộ") % {"code": code}]})
        commune = unit if unit.level == Level.COMMUNE else unit.parent
        household = household_by_code_or_none(user, within=commune, code=code)
        if household is None:
            raise ValidationError({"household_code": [gettext("Không tìm thấy hộ mã %(code)s ở %(name)s") % {"code": code, "name": commune.name}]})
        return {"household": household}
    if kind == RecipientKind.INITIATIVE:
        from vuonlen.initiatives.selectors import initiatives_visible_to

        initiative = initiatives_visible_to(user).filter(pk=data["initiative"]).select_related("unit").first() \
            if data["initiative"] else None
        if initiative is None:
            raise ValidationError({"initiative": [gettext("Không tìm thấy mô hình với mã số này trong phạm vi của bạn")]})
        return {"initiative": initiative}
    return {"unit": unit}


@require_http_methods(["GET", "POST"])
@room_required(roles.SUPPORT_VIEW)
def entry_create(request):
    if not _can_add(request.user):
        raise Http404("Không tìm thấy")
    givers, units = _entry_choices(request.user)
    form = EntryForm(request.POST or None, givers=givers, units=units)
    if request.method == "GET" and request.GET.get("ho"):
        from vuonlen.households.selectors import households_visible_to

        household = households_visible_to(request.user).filter(pk=request.GET["ho"]).first() \
            if request.GET["ho"].isdigit() else None
        if household is not None:
            form.initial.update({"recipient_kind": RecipientKind.HOUSEHOLD, "unit": household.unit_id,
                                 "household_code": household.code})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Every error at once: a household code not found is reported with the ledger's own checks.
        recipient_errors: dict = {}
        try:
            recipient = _resolve_recipient(request.user, data)
        except ValidationError as exc:
            recipient, recipient_errors = {}, exc.message_dict
        try:
            entry = services.entry_record(
                actor=request.user, source=data["source"], kind=data["kind"], giver=data["giver"],
                value_vnd=data["value_vnd"], date=data["date"], description=data["description"],
                quantity=data["quantity"], loan_term_months=data["loan_term_months"],
                loan_interest=data["loan_interest"], **recipient)
        except ValidationError as exc:
            errors = exc.message_dict
            if recipient_errors:
                errors.pop("recipient", None)
                errors.update(recipient_errors)
            form.apply_service_errors(ValidationError(errors))
        else:
            messages.success(request, gettext("Đã ghi vào sổ: %(entry)s") % {"entry": entry})
            return redirect("support:entry_detail", pk=entry.pk)
    return render(request, "support/entry_form.html", {"tab": "entries", "form": form})


@room_required(roles.SUPPORT_VIEW)
def entry_detail(request, pk: int):
    entry = selectors.get_entry_for_user_or_404(request.user, pk)
    editable = selectors.can_edit_entry(request.user, entry) and not entry.is_void
    repaid = selectors.loan_repaid_vnd(entry) if entry.is_loan else 0
    return render(request, "support/entry_detail.html", {
        "tab": "entries", "entry": entry, "can_edit": editable, "repayments": entry.repayments.all(),
        "repaid": repaid, "outstanding": entry.value_vnd - repaid, "maturity": selectors.loan_maturity(entry),
        "repayment_form": RepaymentForm() if editable and entry.is_loan and entry.loan_status != "repaid" else None,
        "status_form": LoanStatusForm(initial={"status": entry.loan_status})
        if editable and entry.is_loan and entry.loan_status != "repaid" else None,
        "household_visible": _household_visible(request.user, entry)})


def _household_visible(user, entry) -> bool:
    if not entry.household_id:
        return False
    from vuonlen.households.selectors import households_visible_to

    return households_visible_to(user).filter(pk=entry.household_id).exists()


@require_POST
@room_required(roles.SUPPORT_VIEW)
def repayment_create(request, pk: int):
    entry = selectors.get_entry_for_user_or_404(request.user, pk)
    form = RepaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.repayment_record(actor=request.user, entry=entry, date=data["date"],
                                      amount_vnd=data["amount_vnd"], note=data["note"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, gettext("Đã ghi lần trả nợ"))
    return redirect("support:entry_detail", pk=entry.pk)


@require_POST
@room_required(roles.SUPPORT_VIEW)
def loan_status(request, pk: int):
    entry = selectors.get_entry_for_user_or_404(request.user, pk)
    form = LoanStatusForm(request.POST)
    if form.is_valid():
        try:
            services.loan_set_status(actor=request.user, entry=entry, status=form.cleaned_data["status"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, gettext("Đã cập nhật tình trạng khoản vay"))
    return redirect("support:entry_detail", pk=entry.pk)


def _editable_entry(user, pk: int):
    """The entry for a correction page: 404 outside the reader's ledger, 403 read-only."""
    require_room(user, roles.SUPPORT_VIEW)
    entry = selectors.get_entry_for_user_or_404(user, pk)
    if not selectors.can_edit_entry(user, entry):
        raise PermissionDenied(gettext("Bạn không có quyền sửa khoản này"))
    return entry


@require_http_methods(["GET", "POST"])
def entry_update(request, pk: int):
    entry = _editable_entry(request.user, pk)
    if entry.is_void:
        messages.error(request, services.VOIDED_MESSAGE)
        return redirect("support:entry_detail", pk=entry.pk)
    givers, _units = _entry_choices(request.user)
    if entry.giver_id:
        givers = givers | Organisation.objects.filter(pk=entry.giver_id)
    initial = {name: getattr(entry, name) for name in services.EDITABLE_FIELDS}
    initial["giver"] = entry.giver_id
    initial["version"] = entry.version
    form = EntryEditForm(request.POST or None, givers=givers.distinct(), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(actor=request.user, entry=entry,
                                  expected_version=form.cleaned_data["version"] or 0, **form.entry_data())
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, gettext("Đã lưu thay đổi"))
            return redirect("support:entry_detail", pk=entry.pk)
    return render(request, "support/entry_edit.html", {"tab": "entries", "form": form, "entry": entry,
                                                       "household_visible": _household_visible(request.user, entry)})


@require_http_methods(["GET", "POST"])
def entry_void(request, pk: int):
    entry = _editable_entry(request.user, pk)
    form = EntryVoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_void(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, gettext("Đã huỷ khoản này; khoản không còn được tính vào tổng hợp"))
            return redirect("support:entry_detail", pk=entry.pk)
    return render(request, "support/entry_void.html", {"tab": "entries", "form": form, "entry": entry})
