"""Admin for configuring reports: forms and their sections, schedules and who owes them.
Submissions are written through the pages (their pipeline), so the admin only shows them."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from vuonlen.core.admin_mixins import AuditedAdmin, ScopedAdmin

from . import figures
from .models import FormSection, Obligation, ReportForm, ReportSchedule, SectionKind, Submission, SubmissionEvent


class FormSectionForm(forms.ModelForm):
    class Meta:
        model = FormSection
        fields = ["position", "code", "kind", "title", "help_text", "figure_codes", "required"]

    def clean(self):
        data = super().clean()
        codes = data.get("figure_codes") or []
        if data.get("kind") == SectionKind.FIGURES:
            if not isinstance(codes, list) or not codes:
                raise ValidationError({"figure_codes": gettext("Phần số liệu cần danh sách mã chỉ tiêu, ví dụ [\"villages\"]")})
            unknown = [c for c in codes if c not in figures.known_codes()]
            if unknown:
                raise ValidationError({"figure_codes": gettext("Mã chưa có: %(unknown)s. Các mã có: %(known)s") % {
                    "unknown": ", ".join(map(str, unknown)), "known": ", ".join(figures.known_codes())}})
        return data


class FormSectionInline(admin.TabularInline):
    model = FormSection
    form = FormSectionForm
    extra = 0


@admin.register(ReportForm)
class ReportFormAdmin(AuditedAdmin):
    list_display = ["name", "code", "allow_attachments"]
    search_fields = ["name", "code"]
    inlines = [FormSectionInline]


class ObligationInline(admin.TabularInline):
    model = Obligation
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["org_kind", "unit_level", "organisation", "exclude", "note"]


@admin.register(ReportSchedule)
class ReportScheduleAdmin(ScopedAdmin):
    scope_unit_field = "issuer__unit"
    scope_permission = "reporting.review"
    list_display = ["name", "kind", "issuer", "due_day", "due_offset_months", "due_date", "year_from", "year_to",
                    "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["issuer"]
    raw_id_fields = ["explains"]
    inlines = [ObligationInline]


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor_name", "from_status", "to_status", "comment"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ScopedAdmin):
    scope_unit_field = "organisation__unit"
    scope_permission = "reporting.view"
    list_display = ["organisation", "schedule", "period_code", "status", "submitted_at", "accepted_at"]
    list_filter = ["status", "period_code"]
    search_fields = ["organisation__name"]
    inlines = [SubmissionEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
