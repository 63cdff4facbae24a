"""Admin: read-only and scoped; plans, organisations' lists and goals change through their pages
(services), which apply the registry's scope, the version check and the audit."""

from __future__ import annotations

from django.contrib import admin

from vuonlen.accounts import roles
from vuonlen.core.admin_mixins import ScopedAdmin

from .models import HouseholdPlan, OrganisationGoal, OrganisationHousehold


class _ReadOnly(ScopedAdmin):
    scope_permission = roles.PLAN_VIEW

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HouseholdPlan)
class HouseholdPlanAdmin(_ReadOnly):
    scope_unit_field = "household__unit"
    list_display = ("household", "year", "goal", "outcome")
    list_filter = ("year", "goal", "outcome")
    list_select_related = ("household",)
    raw_id_fields = ("household", "support_organisation", "mentor")


@admin.register(OrganisationHousehold)
class OrganisationHouseholdAdmin(_ReadOnly):
    scope_unit_field = "household__unit"
    list_display = ("organisation", "household", "since_year")
    list_select_related = ("organisation", "household")
    raw_id_fields = ("organisation", "household")


@admin.register(OrganisationGoal)
class OrganisationGoalAdmin(_ReadOnly):
    scope_unit_field = "organisation__unit"
    scope_permission = roles.ORG_MEMBERS_VIEW_AREA
    list_display = ("organisation", "year", "target_out", "result_out")
    list_filter = ("year",)
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation",)
