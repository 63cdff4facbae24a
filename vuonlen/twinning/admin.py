"""Admin for twinning: scoped to the staff member's area (the twinned district or commune) and
read-only. Pairs, activities, files and evaluations change only through the twinning pages
(services), which check the period, keep the version and write the audit row."""

from __future__ import annotations

from django.contrib import admin

from vuonlen.accounts import roles
from vuonlen.core.admin_mixins import ScopedAdmin

from .models import Activity, AgreementFile, Evaluation, TwinningPair


class _ReadOnlyTwinningAdmin(ScopedAdmin):
    scope_permission = roles.TWINNING_VIEW_AREA

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TwinningPair)
class TwinningPairAdmin(_ReadOnlyTwinningAdmin):
    scope_unit_field = "unit"
    list_display = ("organisation", "unit", "started_on", "ended_on", "agreement_number")
    list_select_related = ("organisation", "unit")
    search_fields = ("organisation__name", "unit__name", "agreement_number")
    raw_id_fields = ("organisation", "unit")


@admin.register(Activity)
class ActivityAdmin(_ReadOnlyTwinningAdmin):
    scope_unit_field = "pair__unit"
    list_display = ("pair", "kind", "date", "value_vnd", "beneficiary_count")
    list_filter = ("kind",)
    list_select_related = ("pair__organisation", "pair__unit")
    date_hierarchy = "date"
    raw_id_fields = ("pair", "initiative", "households")


@admin.register(AgreementFile)
class AgreementFileAdmin(_ReadOnlyTwinningAdmin):
    scope_unit_field = "pair__unit"
    list_display = ("pair", "original_name", "uploaded_at")
    list_select_related = ("pair__organisation", "pair__unit")
    raw_id_fields = ("pair",)


@admin.register(Evaluation)
class EvaluationAdmin(_ReadOnlyTwinningAdmin):
    scope_unit_field = "pair__unit"
    list_display = ("pair", "year", "total", "grade", "visits_only")
    list_filter = ("year", "grade", "visits_only")
    list_select_related = ("pair__organisation", "pair__unit")
    raw_id_fields = ("pair",)
