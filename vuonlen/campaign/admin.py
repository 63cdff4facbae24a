"""Admin for the campaign room: read-only and scoped like its pages. Assignments, groups, visits
and assessments change only through the campaign's pages (services), which check the scope,
the one-mentor-at-a-time rule and the version, and write the audit row. A staff member sees
only the records of the households they may see in the room (a mentor: their own).

Phases are reference data: a system administrator may correct one here (audited)."""

from __future__ import annotations

from django.contrib import admin

from vuonlen.accounts import roles, scoping
from vuonlen.core.admin_mixins import AuditedAdmin, ScopedAdmin

from . import selectors
from .models import Assessment, HouseholdGroup, MentorAssignment, Phase, Visit, VisitPhoto


class _ReadOnlyCampaignAdmin(ScopedAdmin):
    """Out of the staff member's campaign scope a record is a 404, as on the pages."""

    scope_permission = roles.CAMPAIGN_VIEW
    household_field = "household"

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        visible = selectors.households_visible_to(request.user).values("pk")
        return qs.filter(**{f"{self.household_field}__in": visible})

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(_ReadOnlyCampaignAdmin):
    list_display = ("mentor", "household", "group", "unit", "started_on", "ended_on")
    list_filter = ("ended_on",)
    list_select_related = ("mentor", "household", "group", "unit")
    search_fields = ("mentor__full_name", "mentor__username", "household__code", "group__name")
    raw_id_fields = ("mentor", "organisation", "household", "group", "unit")
    date_hierarchy = "started_on"

    def get_queryset(self, request):
        # A group's assignment has no household: the assignment's own scope decides.
        return selectors.assignments_visible_to(request.user)


@admin.register(HouseholdGroup)
class HouseholdGroupAdmin(_ReadOnlyCampaignAdmin):
    list_display = ("name", "unit")
    list_select_related = ("unit",)
    search_fields = ("name",)
    raw_id_fields = ("unit", "households")

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if selectors.is_mentor_only(request.user):
            return qs.filter(mentor_assignments__in=selectors.assignments_visible_to(request.user)).distinct()
        return scoping.scoped(request.user, qs, roles.HOUSEHOLD_VIEW, unit_field="unit")


@admin.register(Visit)
class VisitAdmin(_ReadOnlyCampaignAdmin):
    list_display = ("household", "visited_on", "mentor", "next_step")
    list_select_related = ("household", "mentor")
    search_fields = ("household__code", "mentor__full_name")
    raw_id_fields = ("household", "mentor", "unit", "initiative")
    date_hierarchy = "visited_on"


@admin.register(VisitPhoto)
class VisitPhotoAdmin(_ReadOnlyCampaignAdmin):
    household_field = "visit__household"
    list_display = ("visit", "original_name", "size", "uploaded_at")
    list_select_related = ("visit",)
    raw_id_fields = ("visit",)


@admin.register(Assessment)
class AssessmentAdmin(_ReadOnlyCampaignAdmin):
    list_display = ("household", "year", "assessed_on", "told", "changed_thinking", "applies_technology",
                    "in_cooperative")
    list_filter = ("year", "changed_thinking", "applies_technology")
    list_select_related = ("household",)
    search_fields = ("household__code",)
    raw_id_fields = ("household", "commune", "unit", "assessed_by")


@admin.register(Phase)
class PhaseAdmin(AuditedAdmin):
    """Phases are read by everyone; only a system administrator corrects one (audited).
    New phases are defined on the campaign's "Giai đoạn" page, which checks overlaps."""

    list_display = ("code", "name", "start_year", "end_year")
    search_fields = ("code", "name")

    def _is_sysadmin(self, request) -> bool:
        return scoping.can(request.user, roles.ACCOUNT_MANAGE)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return self._is_sysadmin(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
