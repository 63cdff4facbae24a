from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.core import spreadsheets
from vuonlen.core.access import room_required
from vuonlen.core.periods import today_vn
from vuonlen.core.responses import file_response
from vuonlen.households.selectors import get_household_for_user_or_404
from vuonlen.surveys.models import PovertyCause

from . import files, selectors, services
from .forms import CodesForm, GoalForm, MembersImportForm, PlanForm, ResultForm
from .models import Goal, HouseholdPlan, Outcome, Solution


def _year(request) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        return today_vn().year
    return year if 2000 <= year <= 2100 else today_vn().year


def _years() -> list[int]:
    return list(range(today_vn().year + 1, 2020, -1))


def _unit(request):
    pk = request.GET.get("don-vi")
    return scoping.get_unit_or_404(request.user, pk, roles.PLAN_VIEW) if pk else None


@room_required(roles.PLAN_VIEW)
def dashboard(request):
    year, unit = _year(request), _unit(request)
    rows, total = selectors.dashboard(request.user, year=year, unit=unit)
    causes = {c.pk: c for c in PovertyCause.objects.all()}
    top = [(causes[k], n) for k, n in total.causes.most_common(5) if k in causes]
    return render(request, "plans/dashboard.html", {
        "tab": "dashboard", "year": year, "years": _years(), "unit": unit, "rows": rows, "total": total,
        "top_causes": top, "row_causes": [(row, [(causes[k], n) for k, n in row.causes.most_common(3)])
                                          for row in rows]})


@room_required(roles.PLAN_VIEW)
def plan_list(request):
    year, unit = _year(request), _unit(request)
    if request.GET.get("chua-co") == "1":
        households = selectors.households_without_plan(request.user, year=year, unit=unit)
        page = Paginator(households, 50).get_page(request.GET.get("trang"))
        return render(request, "plans/without.html", {"tab": "list", "year": year, "unit": unit, "page": page,
                                                      "can_edit": scoping.can(request.user, roles.PLAN_EDIT)})
    goal = request.GET.get("muc-tieu", "")
    outcome = request.GET.get("ket-qua", "")
    try:
        cause = int(request.GET.get("nguyen-nhan") or 0) or None
    except ValueError:
        cause = None
    organisation = None
    if request.GET.get("to-chuc"):
        organisation = selectors.get_organisation_for_user_or_404(request.user, request.GET["to-chuc"])
    filters = selectors.PlanFilters(year=year, unit=unit, goal=goal if goal in Goal.values else "",
                                    outcome=outcome if outcome in (*Outcome.values, "pending") else "",
                                    cause=cause, organisation=organisation)
    plans = selectors.plan_list(request.user, filters)
    if request.GET.get("tai") == "xlsx":
        return file_response(files.plans_xlsx(plans), f"ke-hoach-giup-ho-{year}.xlsx")
    page = Paginator(plans.prefetch_related("causes"), 50).get_page(request.GET.get("trang"))
    return render(request, "plans/list.html", {
        "tab": "list", "year": year, "years": _years(), "unit": unit, "page": page, "filters": filters,
        "goals": Goal.choices, "outcomes": [*Outcome.choices, ("pending", _("Chưa đánh giá"))],
        "causes": PovertyCause.objects.all(), "query": request.GET.urlencode()})


@room_required(roles.PLAN_VIEW)
def mine(request):
    """The mentor's households on the phone: each with this year's plan, or a button to write one."""
    year = _year(request)
    from vuonlen.households.selectors import households_for_mentor

    households = list(selectors.plan_households(request.user).filter(ended_on__isnull=True)
                      .filter(pk__in=households_for_mentor(request.user).values("pk"))
                      .select_related("unit").order_by("unit__name_sort", "head_sort")[:300])
    plans = selectors.plans_for_households(request.user, [h.pk for h in households], year)
    return render(request, "plans/mine.html", {"tab": "mine", "year": year,
                                               "items": [(h, plans.get(h.pk)) for h in households]})


def _organisations_for_plan(household):
    """The organisations that may support the household, for the plan's choice list: those of its
    own area and of the units above it, and those twinned with a unit above it. This is a
    directory of supporters, not a scope: names only, no personal data, and a mentor (who is
    scoped to households, not organisations) must see it too."""
    return Organisation.objects.filter(is_active=True, unit__path__in=[u.path for u in household.unit.ancestors()]
                                       + [household.unit.path]).order_by("name_sort") | \
        Organisation.objects.filter(is_active=True, twinning_pairs__unit__path__in=[
            u.path for u in household.unit.ancestors()]).order_by("name_sort")


@require_http_methods(["GET", "POST"])
@room_required(roles.PLAN_VIEW)
def household_plan(request, household: int, year: int):
    existing = HouseholdPlan.objects.filter(household_id=household, year=year).first()
    if existing is not None:
        plan = selectors.get_plan_for_user_or_404(request.user, existing.pk)
        target = plan.household
    else:
        plan = None
        target = get_household_for_user_or_404(request.user, household, roles.PLAN_VIEW)
    can_edit = selectors.can_edit_plan_for(request.user, target)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(_("Bạn không có quyền lập, sửa kế hoạch của hộ này"))
    initial = {}
    if plan is not None:
        initial = {name: getattr(plan, name) for name in (
            "goal", "solutions", "production_model", "loan_vnd", "training", "job", "support_organisation", "notes",
            "outcome", "outcome_reason", "followed_up_on", "version")}
        initial["causes"] = list(plan.causes.all())
    form = PlanForm(request.POST or None, initial=initial, organisations=_organisations_for_plan(target).distinct())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["mentor"] = (plan.mentor if plan and plan.mentor else
                          request.user if _is_mentor_of(request.user, target) else None)
        try:
            if plan is None:
                plan = services.plan_create(actor=request.user, household=target, year=year, data=data)
            else:
                services.plan_update(actor=request.user, plan=plan, expected_version=data.get("version"), data=data)
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã lưu kế hoạch năm %(year)s của hộ %(code)s") % {
                "year": year, "code": target.code})
            return redirect("plans:household_plan", household=target.pk, year=year)
    return render(request, "plans/plan_form.html", {
        "tab": "list", "form": form, "plan": plan, "household": target, "year": year, "can_edit": can_edit,
        "solutions": Solution.choices})


def _is_mentor_of(user, household) -> bool:
    from vuonlen.households.selectors import households_for_mentor

    return households_for_mentor(user).filter(pk=household.pk).exists()


# --- organisations ---------------------------------------------------------------------------

@room_required(roles.PLAN_VIEW)
def organisations(request):
    year = _year(request)
    rows = selectors.organisation_years(request.user, year=year)
    if not rows and not scoping.can(request.user, roles.ORG_MEMBERS_VIEW_AREA) \
            and not selectors.own_organisation_ids(request.user):
        raise Http404("Không tìm thấy")
    if request.GET.get("tai") == "xlsx":
        return file_response(files.organisations_xlsx(rows, year), f"to-chuc-giup-ho-{year}.xlsx")
    if len(rows) == 1 and not scoping.can(request.user, roles.ORG_MEMBERS_VIEW_AREA):
        return redirect(f"{reverse('plans:organisation', args=[rows[0].organisation.pk])}?nam={year}")
    return render(request, "plans/organisations.html", {"tab": "orgs", "year": year, "years": _years(),
                                                        "rows": rows})


@room_required(roles.PLAN_VIEW)
def organisation(request, pk: int):
    year = _year(request)
    org = selectors.get_organisation_for_user_or_404(request.user, pk)
    links = list(selectors.organisation_households(request.user, org))
    plans = selectors.plans_for_households(request.user, [link.household_id for link in links], year)
    if request.GET.get("tai") == "xlsx":
        return file_response(files.members_xlsx(links, plans), f"ho-hoi-vien-{year}.xlsx")
    summary = selectors.organisation_years(request.user, year=year, organisations=[org])[0]
    goal = summary.goal
    can_manage = selectors.can_manage_organisation(request.user, org)
    goal_initial = {"version": goal.version if goal else 0}
    if goal:
        goal_initial |= {"target_out": goal.target_out, "plan_note": goal.plan_note}
        goal_initial |= {f"solution_{k}": v for k, v in goal.target_by_solution.items()}
    labels = dict(Solution.choices)
    return render(request, "plans/organisation.html", {
        "tab": "orgs", "org": org, "year": year, "years": _years(), "summary": summary, "goal": goal,
        "goal_solutions": [(labels.get(k, k), v) for k, v in (goal.target_by_solution.items() if goal else [])],
        "items": [(link, plans.get(link.household_id)) for link in links], "can_manage": can_manage,
        "codes_form": CodesForm(initial={"since_year": year}) if can_manage else None,
        "import_form": MembersImportForm(initial={"since_year": year}) if can_manage else None,
        "goal_form": GoalForm(initial=goal_initial) if can_manage else None,
        "result_form": ResultForm(initial={"version": goal.version, "result_out": goal.result_out,
                                           "result_note": goal.result_note, "reported_on": goal.reported_on})
        if can_manage and goal else None})


def _org_for_write(request, pk):
    org = selectors.get_organisation_for_user_or_404(request.user, pk)
    if not selectors.can_manage_organisation(request.user, org):
        raise PermissionDenied(_("Chỉ chính tổ chức này mới cập nhật danh sách và mục tiêu của mình"))
    return org


def _back(org, year):
    return redirect(f"{reverse('plans:organisation', args=[org.pk])}?nam={year}")


def _flash(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require_POST
@room_required(roles.PLAN_VIEW)
def organisation_add(request, pk: int):
    org, year = _org_for_write(request, pk), _year(request)
    form = CodesForm(request.POST)
    if form.is_valid():
        try:
            made = services.org_households_add(actor=request.user, organisation=org,
                                               codes=services.codes_from_text(form.cleaned_data["codes"]),
                                               since_year=form.cleaned_data["since_year"])
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Đã thêm %(n)s hộ vào danh sách") % {"n": len(made)})
    return _back(org, year)


@require_POST
@room_required(roles.PLAN_VIEW)
def organisation_import(request, pk: int):
    org, year = _org_for_write(request, pk), _year(request)
    form = MembersImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _back(org, year)
    upload = form.cleaned_data["file"]
    made, errors = files.import_members(actor=request.user, organisation=org, file=upload, filename=upload.name,
                                        since_year=form.cleaned_data["since_year"])
    if errors:
        if request.POST.get("bao-loi") == "xlsx":
            return file_response(spreadsheets.errors_xlsx(errors), "loi-nhap-ho-hoi-vien.xlsx")
        for error in errors:
            where = _("Dòng %(row)s, cột %(col)s: ") % {"row": error.row, "col": error.column} if error.row else ""
            messages.error(request, where + error.message)
        messages.error(request, _("Tệp có lỗi; chưa ghi gì."))
    else:
        messages.success(request, _("Đã thêm %(n)s hộ vào danh sách") % {"n": made})
    return _back(org, year)


@require_POST
@room_required(roles.PLAN_VIEW)
def organisation_remove(request, pk: int, link: int):
    org, year = _org_for_write(request, pk), _year(request)
    record = selectors.organisation_households(request.user, org).filter(pk=link).first()
    if record is None:
        raise Http404("Không tìm thấy")
    services.org_household_remove(actor=request.user, link=record)
    messages.success(request, _("Đã bỏ hộ %(code)s khỏi danh sách") % {"code": record.household.code})
    return _back(org, year)


@require_POST
@room_required(roles.PLAN_VIEW)
def organisation_goal(request, pk: int):
    org, year = _org_for_write(request, pk), _year(request)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            services.goal_save(actor=request.user, organisation=org, year=year,
                               target_out=form.cleaned_data["target_out"], target_by_solution=form.by_solution(),
                               plan_note=form.cleaned_data["plan_note"],
                               expected_version=form.cleaned_data["version"] or 0)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Đã lưu mục tiêu năm %(year)s") % {"year": year})
    else:
        _flash(request, ValidationError(list(form.errors.values())))
    return _back(org, year)


@require_POST
@room_required(roles.PLAN_VIEW)
def organisation_result(request, pk: int):
    org, year = _org_for_write(request, pk), _year(request)
    goal = selectors.goals_visible_to(request.user).filter(organisation=org, year=year).first()
    if goal is None:
        raise Http404("Không tìm thấy")
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            services.goal_report(actor=request.user, goal=goal, expected_version=form.cleaned_data["version"],
                                 result_out=form.cleaned_data["result_out"],
                                 result_note=form.cleaned_data["result_note"],
                                 reported_on=form.cleaned_data["reported_on"])
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Đã lưu báo cáo kết quả năm %(year)s") % {"year": year})
    return _back(org, year)
