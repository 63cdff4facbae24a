"""Pages of the campaign room: thin — a scoped selector, one service, a template.

A mentor who holds only that role lands on "Hộ tôi phụ trách" and can open only their own
households (``households.selectors.households_visible_to``); anything else is 404. Outside the
reader's area a record does not exist (404); inside it without the right to change it, a
write is refused with 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from vuonlen.accounts import roles, scoping
from vuonlen.core import uploads
from vuonlen.core.access import require_room, room_required
from vuonlen.core.paging import paginate
from vuonlen.core.periods import today_vn
from vuonlen.core.private_search import private_search
from vuonlen.core.responses import file_response
from vuonlen.core.spreadsheets import RowError, errors_xlsx
from vuonlen.core.versioning import StaleVersion
from vuonlen.geo.models import Era, Level
from vuonlen.households.selectors import unit_options

from . import imports, selectors, services
from .forms import (
    AssessmentForm,
    AssignForm,
    AssignmentEndForm,
    GroupForm,
    ImportForm,
    PhaseDocumentFormSet,
    PhaseForm,
    UnitChoiceForm,
    VisitForm,
    year_choices,
)
from .models import CRITERIA, Assessment, VisitPhoto

_IMPORT_ERRORS_KEY = "campaign_assessment_import_errors"
ERRORS_SHOWN = 1000
TOPIC_LABELS = dict(services.VISIT_TOPICS)


def _refuse(user, message: str):
    """Someone who may open the room but not do this: 403; anyone else: 404."""
    if scoping.can(user, roles.CAMPAIGN_VIEW):
        raise PermissionDenied(message)
    raise Http404("Không tìm thấy")


def _may_assign(user) -> bool:
    return not selectors.is_mentor_only(user) and scoping.can(user, roles.MENTOR_ASSIGN)


# --- overview and lists ----------------------------------------------------------------------

@room_required(roles.CAMPAIGN_VIEW)
def index(request):
    if selectors.is_mentor_only(request.user):
        return redirect("campaign:my_households")
    user = request.user
    return render(request, "campaign/index.html", {
        "workload": selectors.mentor_workload(user)[:200],
        "phases": selectors.phases(),
        "can_read_households": scoping.can(user, roles.HOUSEHOLD_VIEW),
        "can_assign": _may_assign(user),
        "can_assess": scoping.can(user, roles.ASSESS),
        "can_define_phase": scoping.can(user, roles.ACCOUNT_MANAGE),
    })


@room_required(roles.CAMPAIGN_VIEW)
def my_households(request):
    return render(request, "campaign/my_households.html", {"households": selectors.my_households(request.user)})


def _unit_choices(user, perm: str) -> list:
    """Communes and villages of the reader's area, grouped under their district."""
    choices: list = []
    group: list | None = None
    for option in unit_options(user, perm, min_level=Level.DISTRICT, max_level=Level.VILLAGE):
        if option.level == Level.DISTRICT:
            group = []
            choices.append((option.name, group))
            continue
        label = option.name if option.level == Level.COMMUNE else f"\u2003{option.name}"
        (group if group is not None else choices).append((option.pk, label))
    return [c for c in choices if not isinstance(c[1], list) or c[1]]


def _chosen_unit(request, form: UnitChoiceForm, perm: str):
    """The unit in ``?don_vi=``, through the reader's scope: another area's unit is a 404."""
    form.is_valid()  # for the errors shown beside the field
    value = request.GET.get("don_vi", "")
    return scoping.get_unit_or_404(request.user, value, perm) if value.isdigit() else None


def _query(request) -> str:
    params = getattr(request, "search_params", request.GET)  # see core.private_search
    return (params.get("q") or "").strip()[:100]


@private_search
@room_required(roles.CAMPAIGN_VIEW)
def household_list(request):
    """Find a household and open its campaign page: mentor, last visit, latest assessment."""
    if selectors.is_mentor_only(request.user):
        return redirect("campaign:my_households")
    if not scoping.can(request.user, roles.HOUSEHOLD_VIEW):
        raise Http404("Không tìm thấy")
    # The words searched are back in their box (from the session: core.private_search).
    params = getattr(request, "search_params", request.GET)
    form = UnitChoiceForm(params or None, units=_unit_choices(request.user, roles.HOUSEHOLD_VIEW),
                          empty_label=_("— Cả địa bàn —"))
    unit = _chosen_unit(request, form, roles.HOUSEHOLD_VIEW)
    # First visit: the campaign's households (poor and near-poor EM); the box unticked shows all.
    targets_only = request.GET.get("muc_tieu", "1" if not request.GET else "") == "1"
    page = paginate(request, selectors.household_search(request.user, _query(request), unit, targets_only),
                    per_page=50)
    return render(request, "campaign/household_list.html", {
        "form": form, "page_obj": page, "targets_only": targets_only, "can_assign": _may_assign(request.user)})


# --- one household ---------------------------------------------------------------------------

@room_required(roles.CAMPAIGN_VIEW)
def household_page(request, pk: int):
    household = selectors.get_household_for_user_or_404(request.user, pk)
    info = selectors.household_campaign(request.user, household)
    assessed_years = {a.year for a in info.assessments}
    this_year = today_vn().year
    return render(request, "campaign/household.html", {
        "info": info, "household": household, "criteria": CRITERIA, "topic_labels": TOPIC_LABELS,
        "new_year": next((y for y in (this_year, this_year - 1) if y not in assessed_years), None),
        "today": today_vn(), "can_read_registry": scoping.can(request.user, roles.HOUSEHOLD_VIEW),
    })


@require_http_methods(["GET", "POST"])
@room_required(roles.CAMPAIGN_VIEW)
def visit_create(request, pk: int):
    household = selectors.get_household_for_user_or_404(request.user, pk)
    if not selectors.can_act_on(request.user, roles.VISIT_LOG, household):
        raise PermissionDenied(gettext("Bạn không có quyền ghi lần thăm hộ này"))
    form = VisitForm(request.POST or None, request.FILES or None, initial={"visited_on": today_vn()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_log(actor=request.user, household=household, visited_on=data["visited_on"],
                               topics=data["topics"], discussed=data["discussed"], advice=data["advice"],
                               production_model=data["production_model"], next_step=data["next_step"],
                               photo=data.get("photo"))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, gettext("Đã ghi lần thăm hộ %(head_name)s (%(code)s)") % {"head_name": household.head_name, "code": household.code})
            if selectors.is_mentor_only(request.user):
                return redirect("campaign:my_households")
            return redirect("campaign:household", pk=household.pk)
    return render(request, "campaign/visit_form.html", {"form": form, "household": household})


@room_required(roles.CAMPAIGN_VIEW)
def visit_photo(request, pk: int):
    """A visit's photo, to whoever may see the visit's household (404 otherwise)."""
    visit = selectors.get_visit_for_user_or_404(request.user, pk)
    photo = VisitPhoto.objects.filter(visit=visit).first()
    if photo is None:
        raise Http404("Lần thăm này không có ảnh")
    return uploads.stored_file_response(photo.stored_name, photo.original_name, photo.content_type, inline=True)


# --- assessments -----------------------------------------------------------------------------

def _topic_choices() -> list[tuple[int, str]]:
    from vuonlen.outreach.models import Topic

    topics = {t.number: f"{t.number}. {t.name}" for t in Topic.objects.filter(is_active=True)}
    return sorted(topics.items()) or [(n, gettext("Nội dung %(n)s") % {"n": n}) for n in sorted(services.topic_numbers())]


def _assessable(user, household) -> None:
    if not selectors.can_act_on(user, roles.ASSESS, household):
        raise PermissionDenied(gettext("Bạn không có quyền đánh giá hộ này"))


def _assessment_form_page(request, household, assessment: Assessment | None, year: int | None):
    today = today_vn()
    initial: dict = {"year": year, "assessed_on": today}
    if assessment is not None:
        initial = {name: getattr(assessment, name) for name, _label in CRITERIA}
        initial.update(year=assessment.year, assessed_on=assessment.assessed_on, told_topics=assessment.told_topics,
                       note=assessment.note, version=assessment.version)
    years = year_choices(today.year)
    if assessment is None and request.method == "GET":
        # Offer only the years not assessed yet; a year assessed meanwhile comes back as a 409.
        done = {str(y) for y in Assessment.objects.filter(household=household).values_list("year", flat=True)}
        years = [choice for choice in years if choice[0] not in done]
    form = AssessmentForm(request.POST or None, initial=initial, years=years, topics=_topic_choices(),
                          fixed_year=assessment is not None)
    status, current = 200, None
    if request.method == "POST":
        valid = form.is_valid()
        chosen_year = assessment.year if assessment is not None else form.cleaned_data.get("year")
        if valid:
            try:
                # A new assessment posts no version; after a conflict the page carries the
                # stored one, so saving again replaces it knowingly.
                saved = services.assessment_record(
                    actor=request.user, household=household, year=chosen_year, data=form.service_data(),
                    expected_version=form.cleaned_data["version"])
            except ValidationError as exc:
                form.apply_service_errors(exc)
                current = Assessment.objects.filter(household=household, year=chosen_year).select_related(
                    "assessed_by").first()
                # Stale: changed since this person opened it, or created by someone else meanwhile.
                stale = isinstance(exc, StaleVersion) or (assessment is None and len(exc.messages) == 1)
                if stale and current is not None:
                    # Someone saved in between: keep what this person typed, show what is stored
                    # now, and let them save over it knowingly.
                    status = 409
                    form.data = form.data.copy()
                    form.data["version"] = current.version
                else:
                    current = None
            else:
                messages.success(request, gettext("Đã lưu đánh giá năm %(year)s của hộ %(head_name)s") % {"year": saved.year, "head_name": household.head_name})
                return redirect("campaign:household", pk=household.pk)
        else:
            # A field that does not parse: also run the service's own checks on the rest, so
            # every problem is listed at once.
            _cleaned, problems = services.clean_assessment(
                form.service_data(), year=chosen_year, household=household, today=today,
                known_topics=services.topic_numbers())
            for field, message in problems:
                if field not in form.errors:
                    form.add_error(field if field in form.fields else None, message)
    return render(request, "campaign/assessment_form.html", {
        "form": form, "household": household, "assessment": assessment, "current": current,
        "criteria": CRITERIA}, status=status)


@require_http_methods(["GET", "POST"])
@room_required(roles.CAMPAIGN_VIEW)
def assessment_create(request, pk: int):
    household = selectors.get_household_for_user_or_404(request.user, pk)
    _assessable(request.user, household)
    year = request.GET.get("nam")
    year = int(year) if year and year.isdigit() else today_vn().year
    if request.method == "GET":
        existing = Assessment.objects.filter(household=household, year=year).first()
        if existing is not None:
            return redirect("campaign:assessment_update", pk=existing.pk)
    return _assessment_form_page(request, household, None, year)


@require_http_methods(["GET", "POST"])
@room_required(roles.CAMPAIGN_VIEW)
def assessment_update(request, pk: int):
    assessment = selectors.get_assessment_for_user_or_404(request.user, pk)
    household = selectors.get_household_for_user_or_404(request.user, assessment.household_id)
    _assessable(request.user, household)
    return _assessment_form_page(request, household, assessment, assessment.year)


# --- mentors ---------------------------------------------------------------------------------

def _require_assign(user) -> None:
    require_room(user, roles.CAMPAIGN_VIEW)
    if not _may_assign(user):
        _refuse(user, gettext("Bạn không có quyền phân công người phụ trách hộ"))


@require_http_methods(["GET", "POST"])
def assign(request):
    """Give a mentor one or several households of a commune or village, or a group of them."""
    _require_assign(request.user)
    user = request.user
    chooser = UnitChoiceForm(request.GET or None, units=_unit_choices(user, roles.MENTOR_ASSIGN))
    picked = None
    if request.GET.get("ho", "").isdigit():
        picked = selectors.get_household_for_user_or_404(user, request.GET["ho"])
        scoping.require(user, roles.MENTOR_ASSIGN, picked.unit, seen_with=roles.CAMPAIGN_VIEW,
                        message=gettext("Bạn không có quyền phân công người phụ trách cho hộ này"))
        unit = picked.unit
    else:
        unit = _chosen_unit(request, chooser, roles.MENTOR_ASSIGN)
    context = {"chooser": chooser, "unit": unit, "picked": picked}
    if unit is None:
        return render(request, "campaign/assign_form.html", context)
    households = selectors.assignable_households(user, unit, _query(request))
    if picked is not None and picked.pk not in {h.pk for h in households}:
        households.insert(0, picked)
    groups = selectors.groups_for(user, unit)
    initial = {"started_on": today_vn(), "households": [picked.pk] if picked else []}
    if request.GET.get("nhom", "").isdigit():
        initial["group"] = request.GET["nhom"]
    form = AssignForm(request.POST or None, initial=initial, mentors=selectors.mentor_candidates(user, unit),
                      households=households, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [h for h in households if h.pk in set(data["households"])]
        try:
            made = services.mentor_assign(actor=user, mentor=data["mentor"], households=chosen, group=data["group"],
                                          started_on=data["started_on"], ended_on=data["ended_on"],
                                          reason=data["reason"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            mentor = data["mentor"]
            what = (gettext("nhóm hộ %(group)s") % {"group": data["group"]} if data["group"]
                    else gettext("%(n)s hộ") % {"n": len(made)})
            messages.success(request, gettext("Đã phân công %(v1)s phụ trách %(what)s") % {"v1": mentor.full_name or mentor.username, "what": what})
            if picked is not None:
                return redirect("campaign:household", pk=picked.pk)
            return redirect("campaign:mentor", pk=mentor.pk)
    selected = {int(v) for v in (form["households"].value() or []) if str(v).isdigit()}
    context.update(form=form, households=households, selected=selected, limited=len(households) >= 500,
                   groups=groups)
    return render(request, "campaign/assign_form.html", context)


@require_http_methods(["GET", "POST"])
@room_required(roles.CAMPAIGN_VIEW)
def assignment_end(request, pk: int):
    assignment = selectors.get_assignment_for_user_or_404(request.user, pk)
    if selectors.is_mentor_only(request.user) or not scoping.can(request.user, roles.MENTOR_ASSIGN, assignment.unit):
        raise PermissionDenied(gettext("Bạn không có quyền kết thúc phân công này"))
    back = (reverse("campaign:household", args=[assignment.household_id]) if assignment.household_id
            else reverse("campaign:mentor", args=[assignment.mentor_id]))
    if assignment.ended_on is not None:
        messages.info(request, gettext("Phân công này đã kết thúc ngày %(ended_on)s") % {"ended_on": format(assignment.ended_on, '%d/%m/%Y')})
        return redirect(back)
    form = AssignmentEndForm(request.POST or None, initial={"ended_on": today_vn(), "version": assignment.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_assignment_end(actor=request.user, assignment=assignment,
                                           ended_on=form.cleaned_data["ended_on"], reason=form.cleaned_data["reason"],
                                           expected_version=form.cleaned_data["version"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
            if isinstance(exc, StaleVersion):
                status = 409
        else:
            messages.success(request, gettext("Đã kết thúc phân công %(mentor)s phụ trách %(v3)s") % {"mentor": assignment.mentor, "v3": assignment.household or assignment.group})
            return redirect(back if assignment.household_id else reverse("campaign:index"))
    return render(request, "campaign/assignment_end.html", {"form": form, "assignment": assignment, "back": back},
                  status=status)


@require_http_methods(["GET", "POST"])
def group_create(request):
    _require_assign(request.user)
    user = request.user
    chooser = UnitChoiceForm(request.GET or None, units=_unit_choices(user, roles.MENTOR_ASSIGN))
    unit = _chosen_unit(request, chooser, roles.MENTOR_ASSIGN)
    context = {"chooser": chooser, "unit": unit}
    if unit is None:
        return render(request, "campaign/group_form.html", context)
    households = selectors.assignable_households(user, unit, _query(request))
    form = GroupForm(request.POST or None, households=households)
    if request.method == "POST" and form.is_valid():
        chosen = [h for h in households if h.pk in set(form.cleaned_data["households"])]
        try:
            group = services.group_create(actor=user, unit=unit, name=form.cleaned_data["name"], households=chosen)
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, gettext("Đã tạo nhóm hộ “%(name)s” gồm %(chosen)s hộ; hãy chọn người phụ trách nhóm") % {"name": group.name, "chosen": len(chosen)})
            return redirect(f"{reverse('campaign:assign')}?don_vi={unit.pk}&nhom={group.pk}")
    selected = {int(v) for v in (form["households"].value() or []) if str(v).isdigit()}
    context.update(form=form, households=households, selected=selected, limited=len(households) >= 500)
    return render(request, "campaign/group_form.html", context)


@room_required(roles.CAMPAIGN_VIEW)
def mentor_detail(request, pk: int):
    """One mentor: the households they look after today and their last visits."""
    if not scoping.can(request.user, roles.HOUSEHOLD_VIEW):
        raise Http404("Không tìm thấy")
    page = selectors.mentor_page(request.user, pk)
    return render(request, "campaign/mentor_detail.html", {"page": page, "today": today_vn()})


# --- import ----------------------------------------------------------------------------------

def _require_import(user) -> None:
    require_room(user, roles.CAMPAIGN_VIEW)
    if not scoping.can(user, roles.ASSESS):
        _refuse(user, gettext("Bạn không có quyền nhập đánh giá hộ"))


@require_http_methods(["GET", "POST"])
def assessment_import(request):
    _require_import(request.user)
    today = today_vn()
    default_year = today.year if today.month >= 10 else today.year - 1
    form = ImportForm(request.POST or None, request.FILES or None, years=year_choices(today.year),
                      eras=Era.choices, initial={"year": default_year, "era": Era.PRE_2025})
    result = None
    if request.method == "POST" and form.is_valid():
        upload, year = form.cleaned_data["file"], form.cleaned_data["year"]
        result = imports.import_assessments(actor=request.user, file=upload, filename=upload.name, year=year,
                                            era=form.cleaned_data["era"])
        if result.ok:
            request.session.pop(_IMPORT_ERRORS_KEY, None)
            messages.success(request, gettext("Năm %(year)s, tệp %(name)s: %(v5)s") % {"year": year, "name": upload.name, "v5": result.summary()})
            return redirect("campaign:assessment_import")
        # Kept for the error-report download that follows.
        request.session[_IMPORT_ERRORS_KEY] = [[e.row, e.column, e.message] for e in result.errors]
    return render(request, "campaign/assessment_import.html", {
        "form": form, "result": result, "errors_shown": result.errors[:ERRORS_SHOWN] if result else [],
        "columns": imports.COLUMNS})


def assessment_import_template(request):
    _require_import(request.user)
    return file_response(imports.template_xlsx(), "mau-danh-gia-ho.xlsx")


def assessment_import_errors(request):
    _require_import(request.user)
    stored = request.session.get(_IMPORT_ERRORS_KEY)
    if not stored:
        raise Http404("Không có báo lỗi nào để tải")
    return file_response(errors_xlsx(RowError(row, column, message) for row, column, message in stored),
                         "bao-loi-nhap-danh-gia-ho.xlsx")


# --- phases ----------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@room_required(roles.CAMPAIGN_VIEW)
def phases(request):
    """The campaign's phases and their founding documents; administrators define new ones."""
    can_define = scoping.can(request.user, roles.ACCOUNT_MANAGE)
    if request.method == "POST" and not can_define:
        raise PermissionDenied(gettext("Chỉ quản trị hệ thống định nghĩa giai đoạn"))
    form = documents = None
    if can_define:
        form = PhaseForm(request.POST or None)
        documents = PhaseDocumentFormSet(request.POST or None, prefix="vb")
    if request.method == "POST" and all([form.is_valid(), documents.is_valid()]):  # both, for every error
        data = form.cleaned_data
        rows = [{"number": d["number"], "date": d["date"].isoformat() if d.get("date") else "",
                 "title": d.get("title", "")} for d in documents.cleaned_data if d.get("number")]
        try:
            phase = services.phase_define(actor=request.user, code=data["code"], name=data["name"],
                                          start_year=data["start_year"], end_year=data["end_year"], documents=rows)
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, gettext("Đã thêm %(phase)s") % {"phase": phase})
            return redirect("campaign:phases")
    return render(request, "campaign/phases.html", {
        "phases": selectors.phases(), "form": form, "documents": documents})
