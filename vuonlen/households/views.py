"""Pages of the registry: the list, a household, and the forms that change it.

Thin: each view reads through a selector (scope: out of scope is 404), calls one service,
and puts the service's errors back on the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vuonlen.accounts import roles, scoping
from vuonlen.core.paging import paginate
from vuonlen.core.periods import today_vn
from vuonlen.core.private_search import private_search

from . import selectors, services
from .forms import (
    FARMING_CHOICE,
    HouseholdEndForm,
    HouseholdFilterForm,
    HouseholdForm,
    MemberAddForm,
    MemberFormSet,
    MembershipEndForm,
    MergeForm,
    PopulationBaseForm,
    RecogniseForm,
    ReviewCorrectForm,
    ReviewForm,
    SplitForm,
    apply_service_errors,
)
from .models import Household

FIRST_REVIEW_YEAR = 2021  # the campaign's first year


def _require(user, perm: str) -> None:
    """A page for a right the person lacks everywhere: 404 if they see no household at all, else 403."""
    if scoping.can(user, perm):
        return
    if scoping.can(user, roles.HOUSEHOLD_VIEW):
        raise PermissionDenied(gettext("Bạn không có quyền sửa sổ hộ"))
    raise Http404("Không tìm thấy")


def _review_years() -> list[int]:
    return list(range(today_vn().year, FIRST_REVIEW_YEAR - 1, -1))


def _editable_household(user, pk) -> Household:
    household = selectors.get_household_for_user_or_404(user, pk)
    services.check_can_edit(actor=user, unit=household.unit)
    return household


def _warn_minor_head(request, household: Household) -> None:
    """A child at the head of a household is allowed (orphans) but rarely meant: say so."""
    found = selectors.minor_head(household)
    if found is not None:
        person, age = found
        messages.warning(request, _("Lưu ý: chủ hộ %(name)s của hộ %(code)s mới %(age)s tuổi (chưa đủ 18 tuổi). "
                                    "Hãy kiểm tra lại nếu đây không phải trường hợp trẻ mồ côi tự đứng tên hộ.")
                         % {"name": person.full_name, "code": household.code, "age": age})


def _done(request, household: Household, message: str):
    messages.success(request, message)
    _warn_minor_head(request, household)
    return redirect("households:detail", pk=household.pk)


def _render_form(request, template_or_none, context):
    return render(request, template_or_none or "households/form.html", context)


# --- list and page ---------------------------------------------------------------------------

@private_search
def household_list(request):
    _require(request.user, roles.HOUSEHOLD_VIEW)
    units = selectors.unit_options(request.user)
    params = request.search_params.copy()  # the search words come from the session, never the URL
    # Defaults that the form must show as chosen, not only apply.
    params.setdefault("per_page", str(selectors.DEFAULT_PAGE_SIZE))
    params.setdefault("state", "active")
    form = HouseholdFilterForm(params, units=units, years=_review_years())
    filters = selectors.HouseholdFilters()
    per_page = selectors.DEFAULT_PAGE_SIZE
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.HouseholdFilters(q=data["q"], unit=data["unit"], status=data["status"],
                                             ethnicity=data["ethnicity"], year=data["year"], area=data["area"],
                                             state=data["state"] or "active")
        per_page = data["per_page"] or per_page
        qs = selectors.household_list(request.user, filters)
    else:
        # A filter that does not parse shows its error and no rows, never the unfiltered list.
        qs = Household.objects.none()
    # The count kept between pages for the filters read (a filter that did not parse has no rows).
    count = (lambda: selectors.household_count(request.user, filters, qs)) if form.is_valid() else None
    page = paginate(request, qs, per_page=per_page, count=count)
    return render(request, "households/household_list.html", {
        "form": form, "page_obj": page, "filters": filters,
        "can_register": scoping.can(request.user, roles.HOUSEHOLD_EDIT),
        "status_labels": dict(_status_labels()),
    })


def _status_labels():
    from .forms import status_choices

    return status_choices()


def household_detail(request, pk: int):
    detail = selectors.household_detail_for(request.user, pk)
    return render(request, "households/household_detail.html", {
        "detail": detail, "household": detail.household, "status_labels": dict(_status_labels()),
        "review_years": _review_years(),
    })


# --- households ------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def household_register(request):
    _require(request.user, roles.HOUSEHOLD_EDIT)
    units = selectors.unit_options(request.user, roles.HOUSEHOLD_EDIT, min_level=3)
    form = HouseholdForm(request.POST or None, units=units, initial={"unit": request.GET.get("unit")})
    formset = MemberFormSet(request.POST or None, prefix="members",
                            initial=[{"relation": "head"}])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        unit = scoping.get_unit_or_404(request.user, form.cleaned_data["unit"], roles.HOUSEHOLD_EDIT)
        try:
            household = services.household_register(actor=request.user, unit=unit, household=form.household_data(),
                                                     members=formset.members(), area=form.cleaned_data["area"] or None)
        except ValidationError as exc:
            # Errors name members by their place among the filled rows: line them up with the forms.
            filled = [f for f in formset.forms if f.cleaned_data and not f.is_blank()]
            _apply_member_errors(form, formset, filled, exc)
        else:
            return _done(request, household, _("Đã lập sổ %(household)s") % {"household": household})
    return render(request, "households/household_register.html", {"form": form, "formset": formset})


def _apply_member_errors(form, formset, filled, exc):
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.error_dict.items():
        messages_ = [m for e in errors for m in e.messages]
        if name.startswith("members."):
            _, index, field = name.split(".", 2)
            target = filled[int(index)] if int(index) < len(filled) else None
            if target is not None:
                target.add_error(field if field in target.fields else None, messages_)
                continue
        form.add_error(name if name in form.fields else None, messages_)


@require_http_methods(["GET", "POST"])
def household_update(request, pk: int):
    household = _editable_household(request.user, pk)
    units = [u for u in selectors.unit_options(request.user, roles.HOUSEHOLD_EDIT, min_level=3)
             if u.pk == household.commune_id or u.parent_id == household.commune_id]
    initial = {"unit": household.unit_id, "code": household.code, "ethnicity": household.ethnicity,
               "area": household.area if household.area_overridden else "", "phone": household.phone,
               "address": household.address, "notes": household.notes, "started_on": household.started_on,
               "version": household.version}
    form = HouseholdForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = scoping.get_unit_or_404(request.user, form.cleaned_data["unit"], roles.HOUSEHOLD_EDIT)
        try:
            services.household_update(actor=request.user, household=household, data=form.household_data(),
                                      unit=unit, area=form.cleaned_data["area"],
                                      expected_version=form.cleaned_data["version"] or 0)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(request, household, _("Đã lưu thay đổi"))
    return _render_form(request, None, {"form": form, "household": household, "title": _("Sửa thông tin hộ"),
                                        "submit": _("Lưu")})


@require_http_methods(["GET", "POST"])
def member_add(request, pk: int):
    household = _editable_household(request.user, pk)
    form = MemberAddForm(request.POST or None, initial={"started_on": today_vn()})
    if request.method == "POST" and form.is_valid():
        data = form.person_data()
        reason, started_on = data.pop("reason"), data.pop("started_on")
        try:
            services.member_add(actor=request.user, household=household, person=data, reason=reason,
                                started_on=started_on)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(request, household, _("Đã thêm nhân khẩu"))
    return _render_form(request, None, {"form": form, "household": household, "title": _("Thêm nhân khẩu"),
                                        "submit": _("Thêm")})


@require_http_methods(["GET", "POST"])
def membership_end(request, pk: int):
    membership = selectors.membership_for_user_or_404(request.user, pk)
    household = membership.household
    services.check_can_edit(actor=request.user, unit=household.unit)
    if membership.ended_on:
        raise Http404("Không tìm thấy")
    others = [m for m in selectors.open_memberships(household) if m.pk != membership.pk]
    form = MembershipEndForm(request.POST or None, others=others, initial={"ended_on": today_vn()})
    if membership.relation != "head" or not others:
        del form.fields["new_head"]
    if request.method == "POST" and form.is_valid():
        new_head = next((m for m in others if m.pk == form.cleaned_data.get("new_head")), None)
        try:
            services.membership_end(actor=request.user, membership=membership, reason=form.cleaned_data["reason"],
                                    ended_on=form.cleaned_data["ended_on"], new_head=new_head)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(request, household, _("Đã ghi nhận nhân khẩu ra khỏi hộ"))
    return _render_form(request, None, {
        "form": form, "household": household, "submit": _("Ghi nhận"),
        "title": _("Ra khỏi hộ: %(name)s") % {"name": membership.person.full_name}})


@require_http_methods(["GET", "POST"])
def household_split(request, pk: int):
    household = _editable_household(request.user, pk)
    members = selectors.open_memberships(household)
    villages = [u for u in selectors.unit_options(request.user, roles.HOUSEHOLD_EDIT, min_level=3)
                if u.pk == household.commune_id or u.parent_id == household.commune_id]
    form = SplitForm(request.POST or None, members=members, units=villages, initial={"on": today_vn()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = scoping.get_unit_or_404(request.user, data["unit"], roles.HOUSEHOLD_EDIT) if data["unit"] else None
        new_head = data["new_head"]
        try:
            new = services.household_split(actor=request.user, household=household, members=data["members"],
                                           new_head=new_head if new_head is not None else 0,
                                           remaining_head=data["remaining_head"], code=data["code"], on=data["on"],
                                           unit=unit)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, gettext("Đã tách %(new)s từ %(household)s") % {"new": new, "household": household})
            _warn_minor_head(request, new)
            _warn_minor_head(request, household)
            return redirect("households:detail", pk=new.pk)
    return _render_form(request, None, {"form": form, "household": household, "title": _("Tách hộ"),
                                        "submit": _("Tách hộ")})


@require_http_methods(["GET", "POST"])
def household_merge(request, pk: int):
    household = _editable_household(request.user, pk)
    form = MergeForm(request.POST or None, initial={"on": today_vn()})
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["into_code"].strip()
        into = selectors.households_visible_to(request.user).filter(commune=household.commune, code=code).first()
        if into is None:
            form.add_error("into_code", _("Không có hộ mã “%(code)s” trong %(commune)s")
                           % {"code": code, "commune": household.commune.name} if code
                           else _("Thiếu mã hộ nhận"))
        else:
            try:
                services.household_merge(actor=request.user, household=household, into=into,
                                         on=form.cleaned_data["on"])
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, gettext("Đã nhập %(household)s vào %(into)s") % {"household": household, "into": into})
                return redirect("households:detail", pk=into.pk)
    return _render_form(request, None, {"form": form, "household": household, "title": _("Nhập vào hộ khác"),
                                        "submit": _("Nhập hộ")})


@require_http_methods(["GET", "POST"])
def household_end(request, pk: int):
    household = _editable_household(request.user, pk)
    form = HouseholdEndForm(request.POST or None, initial={"on": today_vn()})
    if request.method == "POST" and form.is_valid():
        try:
            services.household_end(actor=request.user, household=household, reason=form.cleaned_data["reason"],
                                   on=form.cleaned_data["on"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(request, household, _("%(household)s đã kết thúc") % {"household": household})
    return _render_form(request, None, {"form": form, "household": household, "title": _("Kết thúc theo dõi hộ"),
                                        "submit": _("Kết thúc")})


# --- reviews ---------------------------------------------------------------------------------

def _indicators(year: int):
    from .year_standards import standard_or_none

    return standard_or_none(year)


def _year_rule(year: int):
    """Why the year's standard applies (shown above the form, as in every explanation)."""
    from .year_standards import year_rule

    try:
        return year_rule(year)
    except ValueError:
        return None


def _groups(standard) -> list:
    """The standard's indicators under their dimension (basic social service), as on the paper form."""
    if standard is None:
        return []
    return [(name, [i for i in standard.indicators if i.dimension == code]) for code, name in standard.dimensions]


@require_http_methods(["GET", "POST"])
def review_record(request, pk: int):
    household = _editable_household(request.user, pk)
    try:
        year = int(request.GET.get("nam") or today_vn().year)
    except ValueError:
        raise Http404("Không tìm thấy") from None
    standard = _indicators(year)
    if standard is None:
        raise Http404("Chưa có chuẩn nghèo cho năm này")
    form = ReviewForm(request.POST or None, indicators=standard.indicators)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(actor=request.user, household=household, year=year, **form.review_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(request, household, _("Đã ghi kết quả rà soát năm %(year)s") % {"year": year})
    return render(request, "households/review_form.html", {
        "form": form, "household": household, "year": year, "standard": standard, "years": _review_years(),
        "groups": _groups(standard), "year_rule": _year_rule(year),
        "title": _("Rà soát năm %(year)s") % {"year": year}, "submit": _("Ghi kết quả")})


@require_http_methods(["GET", "POST"])
def review_recognise(request, pk: int):
    review = selectors.get_review_for_user_or_404(request.user, pk)
    household = review.household
    services.check_can_edit(actor=request.user, unit=household.unit)
    form = RecogniseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_recognise(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(request, household, _("Đã công nhận kết quả rà soát năm %(year)s") % {"year": review.year})
    return _render_form(request, None, {"form": form, "household": household, "review": review,
                                        "title": _("Công nhận kết quả rà soát năm %(year)s") % {"year": review.year},
                                        "submit": _("Công nhận")})


@require_http_methods(["GET", "POST"])
def review_correct(request, pk: int):
    review = selectors.get_review_for_user_or_404(request.user, pk)
    household = review.household
    services.check_can_edit(actor=request.user, unit=household.unit)
    standard = _indicators(review.year)
    initial = {"kind": review.kind, "reviewed_on": review.reviewed_on, "lacking": review.lacking,
               "income_per_capita": "" if review.income_per_capita is None else f"{review.income_per_capita:.0f}",
               "score_a": "" if review.score_a is None else review.score_a,
               "farming": FARMING_CHOICE[review.farming]}
    form = ReviewCorrectForm(request.POST or None, indicators=standard.indicators if standard else (), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_correct(actor=request.user, review=review, reason=form.cleaned_data["reason"],
                                    **form.review_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(request, household, _("Đã đính chính kết quả rà soát năm %(year)s") % {"year": review.year})
    return render(request, "households/review_form.html", {
        "form": form, "household": household, "year": review.year, "standard": standard, "review": review,
        "groups": _groups(standard), "year_rule": _year_rule(review.year),
        "title": _("Đính chính kết quả rà soát năm %(year)s") % {"year": review.year},
        "submit": _("Lưu đính chính")})


# --- population base -------------------------------------------------------------------------

def population_communes(request):
    _require(request.user, roles.HOUSEHOLD_VIEW)
    communes = selectors.communes_for_households(request.user)
    page = paginate(request, communes, per_page=50)
    return render(request, "households/population_communes.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
def population_base(request, commune_pk: int):
    commune = selectors.commune_for_user_or_404(request.user, commune_pk)
    bases = list(selectors.population_bases_for(request.user, commune))
    can_edit = services.can_edit(request.user, commune)
    try:
        year = int(request.GET.get("nam") or today_vn().year)
    except ValueError:
        year = today_vn().year
    current = next((b for b in bases if b.year == year), None)
    initial = {"year": year}
    if current:
        initial.update(households_total=current.households_total, persons_total=current.persons_total,
                       em_households_total=current.em_households_total or "",
                       em_persons_total=current.em_persons_total or "", source_note=current.source)
    form = PopulationBaseForm(request.POST or None, initial=initial) if can_edit else None
    if request.method == "POST":
        services.check_can_edit(actor=request.user, unit=commune)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.population_base_set(actor=request.user, commune=commune, **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, gettext("Đã lưu dân số nền năm %(v1)s của %(name)s") % {"v1": data['year'], "name": commune.name})
                return redirect(f"{request.path}?nam={data['year']}")
    return render(request, "households/population_base.html", {
        "commune": commune, "bases": bases, "form": form, "year": year})

