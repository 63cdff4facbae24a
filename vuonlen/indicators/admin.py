"""Admin for the indicators room. The catalogue (``Indicator``) is edited here by a superuser
only (every change audited; a change to what an indicator counts rebuilds the roll-ups on
commit); staff read it. Targets and entered figures are read-only and scoped to the staff
member's area: they change only through their pages (services), which keep the validation,
the version check and the audit row."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from vuonlen.accounts import roles
from vuonlen.core.admin_mixins import AuditedAdmin, ScopedAdmin

from . import rollups
from .models import EnteredValue, Indicator, PhaseGoal, Target

# Fields whose change alters the stored figures.
_FIGURE_FIELDS = ("source", "formula", "entry_kind", "is_active", "measure")


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ("code", "short_name", "measure", "direction", "source", "formula", "entry_kind",
                    "default_target", "order", "is_active")
    list_filter = ("source", "measure", "is_active", "phases")
    search_fields = ("code", "name", "short_name")
    filter_horizontal = ("phases",)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # targets and figures point at it: take it out of use instead

    def save_model(self, request, obj, form, change):
        changed = not change or any(name in form.changed_data for name in _FIGURE_FIELDS)
        super().save_model(request, obj, form, change)
        if changed:
            transaction.on_commit(lambda: rollups.recompute_all())


class _ReadOnly:
    """Nothing is added, changed or deleted here: only through the pages (services)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyScopedAdmin(_ReadOnly, ScopedAdmin):
    scope_permission = roles.INDICATOR_VIEW


@admin.register(Target)
class TargetAdmin(_ReadOnlyScopedAdmin):
    list_display = ("indicator", "unit", "year", "value", "phase_end", "document", "set_by", "updated_at")
    list_filter = ("year", "indicator", "phase_end")
    list_select_related = ("indicator", "unit", "set_by")
    search_fields = ("unit__name", "indicator__code", "document")
    raw_id_fields = ("unit",)


@admin.register(EnteredValue)
class EnteredValueAdmin(_ReadOnlyScopedAdmin):
    list_display = ("indicator", "unit", "year", "numerator", "denominator", "as_of", "entered_by", "updated_at")
    list_filter = ("year", "indicator")
    list_select_related = ("indicator", "unit", "entered_by")
    search_fields = ("unit__name", "indicator__code", "note")
    raw_id_fields = ("unit",)


@admin.register(PhaseGoal)
class PhaseGoalAdmin(_ReadOnly, admin.ModelAdmin):
    """A phase's plan targets, read-only: the province secretariat keeps them on the phase set
    page (``services.phase_set_save``: validation, version, audit)."""

    list_display = ("phase", "indicator", "value", "document", "updated_at")
    list_filter = ("phase",)
    list_select_related = ("phase", "indicator")
