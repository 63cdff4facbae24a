"""Pages of the campaign room: thin — a scoped selector, one service, a template.

A mentor who holds only that role lands on "Hộ tôi phụ trách" and can open only their own
households (``selectors.campaign_households_visible_to``); anything else is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vuonlen.accounts import roles, scoping
from vuonlen.core.periods import today_vn

from . import selectors, services
from .forms import VisitForm


def _require_room(user) -> None:
    if not scoping.can(user, roles.CAMPAIGN_VIEW):
        raise Http404("Không tìm thấy")


@login_required
def index(request):
    _require_room(request.user)
    if selectors.is_mentor_only(request.user):
        return redirect("campaign:my_households")
    return render(request, "campaign/index.html", {
        "workload": selectors.mentor_workload(request.user)[:200],
        "phases": selectors.phases(),
        "can_log": scoping.can(request.user, roles.VISIT_LOG),
    })


@login_required
def my_households(request):
    _require_room(request.user)
    return render(request, "campaign/my_households.html", {"households": selectors.my_households(request.user)})


@login_required
def household_page(request, pk: int):
    household = selectors.get_household_for_user_or_404(request.user, pk)
    return render(request, "campaign/household.html", {"info": selectors.household_campaign(request.user, household),
                                                       "household": household})


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request, pk: int):
    household = selectors.get_household_for_user_or_404(request.user, pk, roles.VISIT_LOG)
    if not selectors.can_act_on(request.user, roles.VISIT_LOG, household):
        raise Http404("Không tìm thấy")
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
            messages.success(request, f"Đã ghi lần thăm {household}")
            if selectors.is_mentor_only(request.user):
                return redirect("campaign:my_households")
            return redirect("campaign:household", pk=household.pk)
    return render(request, "campaign/visit_form.html", {"form": form, "household": household})
