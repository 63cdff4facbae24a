"""Admin: read-only and scoped; plans, organisations' lists and goals change through their pages
(services), which apply the registry's scope, the version check and the audit. Each list reads
through its entity's access function (``plans.selectors``), the mentor rule included."""

from __future__ import annotations

from django.contrib import admin

from vuonlen.core.admin_mixins import ScopedAdmin

from . import selectors
from .models import HouseholdPlan, OrganisationGoal, OrganisationHousehold


class _ReadOnly(ScopedAdmin):
    access_function = None  # the entity's one way in: ``(user) -> QuerySet``

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs.filter(pk__in=type(self).access_function(request.user).values("pk"))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HouseholdPlan)
class HouseholdPlanAdmin(_ReadOnly):
    access_function = selectors.plans_visible_to
    list_display = ("household", "year", "goal", "outcome")
    list_filter = ("year", "goal", "outcome")
    list_select_related = ("household",)
    raw_id_fields = ("household", "support_organisation", "mentor")


@admin.register(OrganisationHousehold)
class OrganisationHouseholdAdmin(_ReadOnly):
    access_function = selectors.org_households_visible_to
    list_display = ("organisation", "household", "since_year")
    list_select_related = ("organisation", "household")
    raw_id_fields = ("organisation", "household")


@admin.register(OrganisationGoal)
class OrganisationGoalAdmin(_ReadOnly):
    access_function = selectors.goals_visible_to
    list_display = ("organisation", "year", "target_out", "result_out")
    list_filter = ("year",)
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation",)
