"""Pages of the models room: thin — parse, call one selector or service, render."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.core import uploads
from vuonlen.core.access import room_required
from vuonlen.core.formats import format_number
from vuonlen.core.periods import today_vn
from vuonlen.geo.models import AdministrativeUnit, Era, Level

from . import selectors, services
from .forms import (
    ExemplarForm,
    FilesForm,
    FundForm,
    InitiativeForm,
    MoveForm,
    ParticipantEndForm,
    ParticipantsForm,
    ReviewForm,
    ShowcaseForm,
)
from .models import InitiativeLevel, Kind, Status


def _can_manage(user, unit=None) -> bool:
    return scoping.can(user, roles.INITIATIVE_MANAGE, unit)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _form_choices(user):
    manage = roles.INITIATIVE_MANAGE
    organisations = scoping.scoped(user, Organisation.objects.filter(is_active=True).select_related("unit"),
                                   manage).order_by("unit__level", "unit__name_sort", "name_sort")
    units = scoping.scoped(user, AdministrativeUnit.objects.filter(level__in=[Level.DISTRICT, Level.COMMUNE],
                                                                   era=Era.PRE_2025), manage, unit_field="")
    villages = scoping.scoped(user, AdministrativeUnit.objects.filter(level=Level.VILLAGE), manage, unit_field="")
    return {"organisations": organisations, "units": units.order_by("level", "name_sort"),
            "villages": villages.select_related("parent").order_by("parent__name_sort", "name_sort")}


@room_required(roles.INITIATIVE_VIEW)
def initiative_list(request):
    filters = selectors.InitiativeFilters(
        q=request.GET.get("q", "").strip()[:100], kind=request.GET.get("loai", "") if request.GET.get("loai") in
        Kind.values else "", status=request.GET.get("tinh-trang", "") if request.GET.get("tinh-trang") in
        Status.values else "", year=_int(request.GET.get("nam")))
    # Only what the rows show: the models' descriptions and their organisations are not drawn,
    # and a province lists hundreds of models (issue 17).
    initiatives = list(selectors.initiative_list(request.user, filters).select_related(None).select_related("unit")
                       .only("pk", "name", "is_pilot", "kind", "level", "start_year", "status", "unit__name")[:500])
    # The labels once per page: ``get_…_display`` translates and hashes every choice on every
    # call, three calls a row, and a province lists hundreds of models (issue 17).
    kinds, levels, statuses = ({value: str(label) for value, label in choices.choices}
                               for choices in (Kind, InitiativeLevel, Status))
    for initiative in initiatives:
        initiative.kind_label = kinds.get(initiative.kind, initiative.kind)
        initiative.level_label = levels.get(initiative.level, initiative.level)
        initiative.status_label = statuses.get(initiative.status, initiative.status)
    return render(request, "initiatives/list.html", {
        "initiatives": initiatives, "rows": _list_rows(initiatives), "filters": filters, "kinds": Kind.choices,
        "statuses": Status.choices, "can_manage": _can_manage(request.user)})


def _list_rows(initiatives) -> str:
    """The list's rows, drawn in Python: hundreds of rows for a province, which the template
    engine drew at ~0.07 ms each (issue 17). The markup is the one the template wrote."""
    detail = reverse("initiatives:detail", args=[987654321]).replace("987654321", "{}")
    pilot = f' <span class="badge text-bg-warning">{escape(_("Điểm"))}</span>'
    rows = []
    for m in initiatives:
        count = "-" if m.participant_count in (None, "") else format_number(m.participant_count, 0)
        rows.append(
            f'<tr><td><a href="{detail.format(m.pk)}">{escape(m.name)}</a>{pilot if m.is_pilot else ""}</td>'
            f"<td>{escape(m.kind_label)}</td><td>{escape(m.level_label)}</td><td>{escape(m.unit.name)}</td>"
            f"<td>{escape(str(localize(m.start_year, use_l10n=False)))}</td>"
            f'<td class="text-end">{count}</td>'
            f'<td><span class="badge text-bg-{escape(m.status_badge)}">{escape(m.status_label)}</span></td></tr>')
    return mark_safe("".join(rows))


@require_http_methods(["GET", "POST"])
@room_required(roles.INITIATIVE_VIEW)
def initiative_create(request):
    if not _can_manage(request.user):
        raise Http404("Không tìm thấy")
    form = InitiativeForm(request.POST or None, initial={"start_year": today_vn().year},
                          **_form_choices(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            initiative = services.initiative_create(
                actor=request.user, name=data["name"], kind=data["kind"], organisation=data["organisation"],
                unit=data["unit"], villages=data["villages"], start_year=data["start_year"],
                is_pilot=data["is_pilot"], description=data["description"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã đăng ký mô hình “%(name)s”") % {"name": initiative.name})
            return redirect("initiatives:detail", pk=initiative.pk)
    return render(request, "initiatives/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@room_required(roles.INITIATIVE_VIEW)
def initiative_edit(request, pk: int):
    initiative = selectors.get_initiative_for_user_or_404(request.user, pk, roles.INITIATIVE_MANAGE)
    initial = {"name": initiative.name, "kind": initiative.kind, "start_year": initiative.start_year,
               "is_pilot": initiative.is_pilot, "description": initiative.description,
               "villages": list(initiative.villages.all()), "version": initiative.version}
    form = InitiativeForm(request.POST or None, initial=initial, editing=True, **_form_choices(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.initiative_update(actor=request.user, initiative=initiative, name=data["name"],
                                       kind=data["kind"], description=data["description"],
                                       villages=data["villages"], is_pilot=data["is_pilot"],
                                       start_year=data["start_year"], expected_version=data["version"] or 0)
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã lưu thay đổi"))
            return redirect("initiatives:detail", pk=initiative.pk)
    return render(request, "initiatives/form.html", {"form": form, "initiative": initiative})


def _derive(request, initiative, *, mode: str):
    """The page that makes a new model from this one: a replica of an effective model (anywhere
    the person manages) or the conversion of an ineffective one (carrying out its plan)."""
    today = today_vn()
    if mode == "replicate":
        initial = {"name": initiative.name, "kind": initiative.kind, "start_year": today.year,
                   "description": initiative.description}
    else:
        initial = {"kind": initiative.kind, "organisation": initiative.organisation_id, "unit": initiative.unit_id,
                   "villages": list(initiative.villages.all()), "start_year": today.year,
                   "description": initiative.conversion_direction}
    form = InitiativeForm(request.POST or None, initial=initial, **_form_choices(request.user))
    del form.fields["is_pilot"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {"actor": request.user, "name": data["name"], "kind": data["kind"],
                  "organisation": data["organisation"], "unit": data["unit"], "villages": data["villages"],
                  "start_year": data["start_year"], "description": data["description"]}
        try:
            if mode == "replicate":
                new = services.initiative_replicate(original=initiative, **common)
            else:
                new = services.initiative_convert(initiative=initiative, **common)
        except ValidationError as exc:
            form.apply_service_errors(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if mode == "replicate":
                messages.success(request, _("Đã đăng ký mô hình nhân rộng “%(name)s” từ “%(source)s”")
                                 % {"name": new.name, "source": initiative.name})
            else:
                messages.success(request, _("“%(source)s” đã chuyển đổi thành mô hình mới “%(name)s”")
                                 % {"name": new.name, "source": initiative.name})
            return redirect("initiatives:detail", pk=new.pk)
    return render(request, "initiatives/derive.html", {"form": form, "initiative": initiative, "mode": mode})


@require_http_methods(["GET", "POST"])
@room_required(roles.INITIATIVE_VIEW)
def initiative_replicate(request, pk: int):
    initiative = selectors.get_initiative_for_user_or_404(request.user, pk)
    if not _can_manage(request.user):
        raise PermissionDenied(_("Bạn không có quyền đăng ký mô hình"))
    if initiative.status != Status.EFFECTIVE:
        messages.error(request, _("Chỉ nhân rộng mô hình đã được đánh giá hiệu quả"))
        return redirect("initiatives:detail", pk=initiative.pk)
    return _derive(request, initiative, mode="replicate")


@require_http_methods(["GET", "POST"])
@room_required(roles.INITIATIVE_VIEW)
def initiative_convert(request, pk: int):
    initiative = selectors.get_initiative_for_user_or_404(request.user, pk)
    if not _can_manage(request.user, initiative.unit):
        raise PermissionDenied(_("Bạn không có quyền quản lý mô hình ở địa bàn này"))
    if initiative.status != Status.INEFFECTIVE:
        messages.error(request, _("Chỉ chuyển đổi mô hình đã được đánh giá chưa hiệu quả"))
        return redirect("initiatives:detail", pk=initiative.pk)
    return _derive(request, initiative, mode="convert")


def _detail_context(request, initiative, **forms):
    user = request.user
    manage = _can_manage(user, initiative.unit)
    year = today_vn().year
    participants, out = selectors.participants_out_of_poverty(initiative, year)
    showcase = getattr(initiative, "showcase", None) if hasattr(initiative, "showcase") else None
    visible = selectors.initiatives_visible_to(user)
    return {
        "initiative": initiative, "can_manage": manage,
        "can_approve": scoping.can(user, roles.SHOWCASE_APPROVE, initiative.unit),
        # Replicating needs a right to register models somewhere; converting, at this model's unit.
        "can_replicate": initiative.status == Status.EFFECTIVE and _can_manage(user),
        "can_convert": initiative.status == Status.INEFFECTIVE and manage,
        "villages": initiative.villages.all(), "changes": selectors.status_history(initiative),
        # Names of households only for those who may read the registry there (a reporting
        # unit reads models, not the registry): the others see the count.
        "sees_households": scoping.can(user, roles.HOUSEHOLD_VIEW, initiative.unit),
        "participations": selectors.participations_with_plans(user, initiative, year),
        "funds": initiative.funds.all(), "fund_totals": selectors.fund_totals(initiative),
        "reviews": initiative.reviews.all(), "files": initiative.files.all(),
        # Models linked to this one, each shown only to those who may read it.
        "replicas": visible.filter(replicated_from=initiative).select_related("unit"),
        "converted_from": visible.filter(converted_into=initiative),
        "linked": set(visible.filter(pk__in=[initiative.replicated_from_id, initiative.converted_into_id])
                      .values_list("pk", flat=True)), "visits": initiative.exchange_visits.all()[:20],
        "showcase": showcase, "participants_now": participants, "out_now": out, "year": year,
        "allowed": [(s, Status(s).label) for s in initiative.allowed_moves],
        "move_form": forms.get("move_form") or MoveForm(),
        "participants_form": forms.get("participants_form") or ParticipantsForm(initial={"started_on": today_vn()}),
        "fund_form": forms.get("fund_form") or FundForm(initial={"year": year}),
        "review_form": forms.get("review_form") or ReviewForm(initial={"reviewed_on": today_vn()}),
        "files_form": forms.get("files_form") or FilesForm(),
        "showcase_form": forms.get("showcase_form") or ShowcaseForm(
            initial={"summary": (showcase.summary if showcase else "") or initiative.description[:500]}),
    }


@room_required(roles.INITIATIVE_VIEW)
def initiative_detail(request, pk: int):
    initiative = selectors.get_initiative_for_user_or_404(request.user, pk)
    return render(request, "initiatives/detail.html", _detail_context(request, initiative))


@room_required(roles.INITIATIVE_VIEW)
def _post_action(request, pk, form_class, form_key, call, success):
    """One small form of the detail page: on error, the page again with the errors in place."""
    initiative = selectors.get_initiative_for_user_or_404(request.user, pk)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            call(initiative, form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_errors(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect("initiatives:detail", pk=initiative.pk)
    context = _detail_context(request, initiative, **{form_key: form})
    return render(request, "initiatives/detail.html", context, status=400)


@require_POST
def initiative_move(request, pk: int):
    return _post_action(request, pk, MoveForm, "move_form", lambda i, d: services.initiative_move(
        actor=request.user, initiative=i, to_status=d["to_status"], comment=d["comment"],
        conversion_direction=d["conversion_direction"], conversion_deadline=d["conversion_deadline"]),
        _("Đã chuyển tình trạng mô hình"))


_CODES = re.compile(r"[\s,;]+")


def _add_participants(request, initiative, data):
    from vuonlen.households.selectors import households_visible_to

    codes = [c for c in _CODES.split(data["codes"]) if c]
    found = {h.code: h for h in households_visible_to(request.user).filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({"households": [_("Không tìm thấy hộ %(code)s trong địa bàn của bạn") % {"code": c}
                                                for c in missing]})
    services.participants_add(actor=request.user, initiative=initiative, households=list(found.values()),
                              started_on=data["started_on"])


@require_POST
def participants_add(request, pk: int):
    return _post_action(request, pk, ParticipantsForm, "participants_form",
                        lambda i, d: _add_participants(request, i, d), _("Đã thêm hộ tham gia"))


@require_http_methods(["GET", "POST"])
@room_required(roles.INITIATIVE_VIEW)
def participant_end(request, pk: int, participation_pk: int):
    """End one household's participation (the row stays, with its period)."""
    initiative = selectors.get_initiative_for_user_or_404(request.user, pk)
    participation = selectors.get_participation_for_user_or_404(request.user, initiative, participation_pk)
    if not _can_manage(request.user, initiative.unit):
        raise PermissionDenied(_("Bạn không có quyền quản lý mô hình ở địa bàn này"))
    form = ParticipantEndForm(request.POST or None, initial={"ended_on": today_vn()})
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_end(actor=request.user, participation=participation,
                                     ended_on=form.cleaned_data["ended_on"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Hộ %(code)s đã thôi tham gia mô hình") % {"code": participation.household.code})
            return redirect("initiatives:detail", pk=initiative.pk)
    return render(request, "initiatives/participant_end.html", {
        "tab": "list", "initiative": initiative, "participation": participation, "form": form,
        "sees_households": scoping.can(request.user, roles.HOUSEHOLD_VIEW, initiative.unit)})


@require_POST
def fund_add(request, pk: int):
    return _post_action(request, pk, FundForm, "fund_form", lambda i, d: services.fund_add(
        actor=request.user, initiative=i, source_kind=d["source"], amount=d["amount"], year=d["year"],
        note=d["note"]), "Đã ghi nguồn vốn")


@require_POST
def review_add(request, pk: int):
    return _post_action(request, pk, ReviewForm, "review_form", lambda i, d: services.review_add(
        actor=request.user, initiative=i, reviewed_on=d["reviewed_on"], assessment=d["assessment"],
        income_change_pct=d["income_change_pct"]), _("Đã ghi kết quả đánh giá"))


@require_POST
def files_attach(request, pk: int):
    return _post_action(request, pk, FilesForm, "files_form", lambda i, d: services.files_attach(
        actor=request.user, initiative=i, files=d["files"], caption=d["caption"], public=d["public"]),
        _("Đã tải tệp lên"))


@room_required(roles.INITIATIVE_VIEW)
def file_download(request, pk: int, file_pk: int):
    item = selectors.get_file_for_user_or_404(request.user, pk, file_pk)
    return uploads.stored_file_response(item.stored_name, item.original_name, item.content_type,
                                        inline=item.is_photo)


@require_POST
def showcase_approve(request, pk: int):
    return _post_action(request, pk, ShowcaseForm, "showcase_form", lambda i, d: services.showcase_approve(
        actor=request.user, initiative=i, summary=d["summary"]), _("Đã duyệt đưa lên trang công khai"))


@require_POST
@room_required(roles.INITIATIVE_VIEW)
def showcase_withdraw(request, pk: int):
    initiative = selectors.get_initiative_for_user_or_404(request.user, pk)
    try:
        services.showcase_withdraw(actor=request.user, initiative=initiative, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã gỡ mô hình khỏi trang công khai"))
    return redirect("initiatives:detail", pk=initiative.pk)


@room_required(roles.INITIATIVE_VIEW)
def indicator5(request):
    year = _int(request.GET.get("nam")) or today_vn().year
    roots = scoping.scope_roots(request.user, roles.INITIATIVE_VIEW)
    parent = next((u for u in roots if u.era == Era.PRE_2025), None)
    rows = selectors.indicator5(parent=parent, year=year, user=request.user) if parent else []
    return render(request, "initiatives/indicator5.html", {
        "rows": rows, "year": year, "years": range(2021, today_vn().year + 1),
        "met": sum(1 for r in rows if r.met), "total": len(rows)})


@room_required(roles.INITIATIVE_VIEW)
def exemplar_list(request):
    exemplars = selectors.exemplar_list(request.user)
    return render(request, "initiatives/exemplars.html", {
        "exemplars": exemplars, "can_manage": _can_manage(request.user),
        "can_approve": scoping.can(request.user, roles.SHOWCASE_APPROVE)})


@require_http_methods(["GET", "POST"])
@room_required(roles.INITIATIVE_VIEW)
def exemplar_create(request):
    if not _can_manage(request.user):
        raise Http404("Không tìm thấy")
    communes = scoping.scoped(request.user, AdministrativeUnit.objects.filter(level=Level.COMMUNE),
                              roles.INITIATIVE_MANAGE, unit_field="").order_by("name_sort")
    form = ExemplarForm(request.POST or None, request.FILES or None, communes=communes,
                        initial={"year": today_vn().year})
    if request.method == "POST" and form.is_valid():
        from vuonlen.households.selectors import households_visible_to

        data = form.cleaned_data
        household = None
        try:
            commune = data["commune"]
            if data["household_code"]:
                # The household tells its commune; the commune field only tells apart two
                # communes' households that share a code.
                code = data["household_code"].strip()
                found = households_visible_to(request.user).filter(code=code).select_related("commune")
                if commune is not None:
                    found = found.filter(commune=commune)
                found = list(found[:2])
                if not found:
                    missing = (_("Không tìm thấy hộ %(code)s ở %(commune)s") % {"code": code, "commune": commune.name}
                               if commune is not None
                               else _("Không tìm thấy hộ %(code)s trong địa bàn của bạn") % {"code": code})
                    raise ValidationError({"household": [missing]})
                if len(found) > 1:
                    raise ValidationError({"commune": [_("Mã hộ %(code)s có ở nhiều xã: hãy chọn xã của hộ") % {"code": code}]})
                household = found[0]
                commune = household.commune
            services.exemplar_create(actor=request.user, commune=commune, household=household,
                                     display_name=data["display_name"], year=data["year"], story=data["story"],
                                     consent_to_publish=data["consent_to_publish"],
                                     publish_name=data["publish_name"], photo=data["photo"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã ghi gương điển hình"))
            return redirect("initiatives:exemplars")
    return render(request, "initiatives/exemplar_form.html", {"form": form})


@require_POST
@room_required(roles.INITIATIVE_VIEW)
def exemplar_approve(request, pk: int):
    exemplar = selectors.get_exemplar_for_user_or_404(request.user, pk)
    try:
        services.exemplar_approve(actor=request.user, exemplar=exemplar, approve=request.POST.get("approve") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã cập nhật"))
    return redirect("initiatives:exemplars")


@room_required(roles.INITIATIVE_VIEW)
def exemplar_photo(request, pk: int):
    exemplar = selectors.get_exemplar_for_user_or_404(request.user, pk)
    if not exemplar.photo_name:
        raise Http404("Không tìm thấy")
    return uploads.stored_file_response(exemplar.photo_name, exemplar.photo_original, exemplar.photo_type,
                                        inline=True)


