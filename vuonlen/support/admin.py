"""Admin for the resource ledger: scoped to the staff member's area and read-only. A gift is
recorded, corrected or voided only through the ledger's pages (services), so every change
keeps its validation, version and audit row; nothing is ever deleted."""

from __future__ import annotations

from django.contrib import admin

from vuonlen.accounts import roles
from vuonlen.core.admin_mixins import ScopedAdmin

from .models import Repayment, SupportEntry


class _ReadOnlyLedgerAdmin(ScopedAdmin):
    scope_permission = roles.SUPPORT_VIEW_AREA

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupportEntry)
class SupportEntryAdmin(_ReadOnlyLedgerAdmin):
    scope_unit_field = "unit"
    list_display = ("date", "source", "kind", "value_vnd", "recipient_kind", "unit", "giver", "loan_status",
                    "voided_at")
    list_filter = ("source", "kind", "recipient_kind", "loan_status")
    list_select_related = ("unit", "giver")
    date_hierarchy = "date"
    raw_id_fields = ("giver", "household", "initiative", "unit", "twinning_activity")


@admin.register(Repayment)
class RepaymentAdmin(_ReadOnlyLedgerAdmin):
    scope_unit_field = "entry__unit"
    list_display = ("entry", "date", "amount_vnd", "note")
    list_select_related = ("entry",)
    raw_id_fields = ("entry",)
