"""Admin: the causes catalogue is the administrator's to keep (superuser; audited). Surveys are
read-only here and scoped to the staff member's area: they change through the survey pages
(services), which check every rule, keep the version and audit the cause counts."""

from __future__ import annotations

from django.contrib import admin

from vuonlen.core.admin_mixins import AuditedAdmin, ScopedAdmin

from . import selectors
from .models import PovertyCause, VillageSurvey


@admin.register(PovertyCause)
class PovertyCauseAdmin(AuditedAdmin):
    list_display = ("order", "code", "name", "is_active")
    list_display_links = ("name",)
    list_editable = ()
    search_fields = ("code", "name")
    list_filter = ("is_active",)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # a cause in use is retired (is_active), never deleted


@admin.register(VillageSurvey)
class VillageSurveyAdmin(ScopedAdmin):
    def get_queryset(self, request):
        # The entity's one way in (``selectors.surveys_visible_to``), as on every other page.
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs.filter(pk__in=selectors.surveys_visible_to(request.user).values("pk"))

    list_display = ("village", "year", "especially_difficult", "new_rural_area", "surveyed_by", "surveyed_on")
    list_filter = ("year", "especially_difficult", "new_rural_area")
    list_select_related = ("village",)
    raw_id_fields = ("village",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
