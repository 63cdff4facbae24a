"""Pages of the outreach room: thin — parse, call one selector or service, render."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.core.access import require_room, room_required
from vuonlen.core.periods import today_vn
from vuonlen.geo.models import AdministrativeUnit, Era, Level

from . import selectors, services
from .forms import ActivityForm
from .models import ActivityKind

_CODES = re.compile(r"[\s,;]+")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@room_required(roles.OUTREACH_VIEW)
def activity_list(request):
    kind = request.GET.get("loai", "")
    kind = kind if kind in ActivityKind.values else ""
    year = _int(request.GET.get("nam"))
    activities = selectors.activity_list(request.user, kind=kind, year=year,
                                         q=request.GET.get("q", "").strip()[:100])[:300]
    return render(request, "outreach/list.html", {
        "activities": activities, "kind": kind, "kinds": ActivityKind.choices, "year": year,
        "q": request.GET.get("q", ""), "can_manage": scoping.can(request.user, roles.OUTREACH_MANAGE)})


@require_http_methods(["GET", "POST"])
def activity_create(request):
    from vuonlen.households.selectors import households_visible_to
    from vuonlen.initiatives import selectors as initiative_selectors

    require_room(request.user, roles.OUTREACH_VIEW)
    if not scoping.can(request.user, roles.OUTREACH_MANAGE):
        raise Http404("Không tìm thấy")
    manage = roles.OUTREACH_MANAGE
    units = scoping.scoped(request.user, AdministrativeUnit.objects.filter(
        level__in=[Level.PROVINCE, Level.DISTRICT, Level.COMMUNE], era=Era.PRE_2025), manage, unit_field="")
    organisations = scoping.scoped(request.user, Organisation.objects.filter(is_active=True), manage)
    initiatives = (initiative_selectors.initiatives_visible_to(request.user)
                   | initiative_selectors.showcase_initiatives()).distinct()
    form = ActivityForm(request.POST or None, initial={"date": today_vn(), "kind": ActivityKind.PROPAGANDA},
                        units=units.order_by("level", "name_sort"), organisations=organisations.order_by("name_sort"),
                        topics=selectors.active_topics(), initiatives=initiatives.order_by("name_sort"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        codes = [c for c in _CODES.split(data["household_codes"]) if c]
        try:
            households = []
            if codes:
                scope = households_visible_to(request.user).select_related("unit")
                if data["unit"] is not None:
                    scope = scope.filter(unit__path__startswith=data["unit"].path)
                found = {h.code: h for h in scope.filter(code__in=codes)}
                missing = [c for c in codes if c not in found]
                if missing:
                    raise ValidationError({"households": [gettext("Không tìm thấy hộ %(code)s trong địa bàn đã chọn")
                                                          % {"code": c} for c in missing]})
                households = list(found.values())
            activity = services.activity_record(
                actor=request.user, kind=data["kind"], date=data["date"], unit=data["unit"],
                organisation=data["organisation"], title=data["title"], channel=data["channel"],
                topics=data["topics"], participants=data["participants"], households=households,
                visited_initiative=data["visited_initiative"], partner=data["partner"], note=data["note"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, gettext("Đã ghi hoạt động"))
            return redirect("outreach:detail", pk=activity.pk)
    return render(request, "outreach/form.html", {"form": form})


@room_required(roles.OUTREACH_VIEW)
def activity_detail(request, pk: int):
    activity = selectors.get_activity_for_user_or_404(request.user, pk)
    return render(request, "outreach/detail.html", {
        "activity": activity, "topics": activity.topics.all(),
        "sees_households": scoping.can(request.user, roles.HOUSEHOLD_VIEW, activity.unit),
        "households": selectors.households_reached_visible_to(request.user, activity)
        .select_related("unit").order_by("code")[:500],
        "household_count": activity.households.count()})


@room_required(roles.OUTREACH_VIEW)
def indicator1(request):
    year = _int(request.GET.get("nam")) or today_vn().year
    roots = [u for u in scoping.scope_roots(request.user, roles.OUTREACH_VIEW) if u.era == Era.PRE_2025]
    rows = []
    for root in roots[:5]:
        rows.append(selectors.indicator1(unit=root, year=year))
        if root.level < Level.COMMUNE:
            rows.extend(selectors.indicator1_by_child(parent=root, year=year, user=request.user))
    return render(request, "outreach/indicator1.html", {"rows": rows, "year": year,
                                                        "years": range(2021, today_vn().year + 1)})
