"""Admin for the registry: scoped (staff see only their units' records), audited, and with no
delete: the registry keeps its history, so people and households end, they are not removed.
Reviews are read-only here; a correction goes through the review pages (a new, audited record)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q

from vuonlen.accounts import roles
from vuonlen.core.admin_mixins import AuditedAdmin, ScopedAdmin
from vuonlen.core.text import fold, nfc, sort_key
from vuonlen.core.years import YEAR_MAX, YEAR_MIN
from vuonlen.indicators.admin_inputs import SchedulesRollups

from . import names
from .models import (
    Household,
    Membership,
    Person,
    PopulationBase,
    PovertyIndicator,
    PovertyLineSetting,
    PovertyYearStandard,
    Review,
)
from .selectors import matching_names
from .validation import mask_citizen_id


class _RegistryAdmin(ScopedAdmin):
    scope_permission = roles.HOUSEHOLD_VIEW
    # The path from the model to its household, for ``households_visible_to`` (the mentor rule
    # included): the admin reads the registry through the same door as the pages.
    household_path: str | None = None

    def get_queryset(self, request):
        from .selectors import households_visible_to

        qs = super().get_queryset(request)
        if self.household_path is None:
            return qs
        return qs.filter(**{f"{self.household_path}__in": households_visible_to(request.user).values("pk")})

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "household"
    extra = 0
    raw_id_fields = ("person",)
    fields = ("person", "relation", "started_on", "start_reason", "ended_on", "end_reason")
    can_delete = False


@admin.register(Household)
class HouseholdAdmin(_RegistryAdmin):
    scope_unit_field = "unit"
    household_path = "pk"
    list_display = ("code", "head_name", "commune", "unit", "area", "ethnicity", "current_status",
                    "current_status_year", "ended_on")
    list_filter = ("area", "current_status", "is_ethnic_minority", "end_reason")
    search_fields = ("code", "head_name")
    list_select_related = ("commune", "unit")
    raw_id_fields = ("commune", "unit", "split_from", "merged_into")
    readonly_fields = ("current_status", "current_status_year", "created_by", "version", "created_at", "updated_at")
    ordering = ("commune", "head_sort")
    inlines = [MembershipInline]

    def get_search_results(self, request, queryset, search_term):
        term = nfc(search_term)
        if not term:
            return queryset, False
        return matching_names(queryset, term), False

    def save_model(self, request, obj, form, change):
        # The search and sort keys follow the head's name, as in the services.
        obj.head_name = nfc(obj.head_name)
        obj.head_search, obj.head_sort = fold(obj.head_name), sort_key(obj.head_name)
        super().save_model(request, obj, form, change)
        names.refresh([obj.pk])  # the head's name is one of the names the search matches


@admin.register(Person)
class PersonAdmin(_RegistryAdmin):
    scope_unit_field = "memberships__household__unit"
    household_path = "memberships__household"
    list_display = ("full_name", "sex", "birth_year", "ethnicity", "masked_citizen_id", "died_on")
    list_filter = ("sex", "health_insurance")
    search_fields = ("full_name",)
    readonly_fields = ("version", "created_at", "updated_at")

    @admin.display(description="Số định danh")
    def masked_citizen_id(self, obj):
        return mask_citizen_id(obj.citizen_id)

    def get_queryset(self, request):
        # A person reached through two households of the scope is one row.
        return super().get_queryset(request).distinct()

    def get_search_results(self, request, queryset, search_term):
        term = nfc(search_term)
        if not term:
            return queryset, False
        return queryset.filter(Q(name_search__contains=fold(term)) | Q(citizen_id=term)), False

    def save_model(self, request, obj, form, change):
        obj.full_name = nfc(obj.full_name)
        obj.name_search, obj.name_sort = fold(obj.full_name), sort_key(obj.full_name)
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(_RegistryAdmin):
    scope_unit_field = "household__unit"
    household_path = "household"
    list_display = ("household", "person", "relation", "started_on", "start_reason", "ended_on", "end_reason")
    list_filter = ("relation", "start_reason", "end_reason")
    list_select_related = ("household", "person")
    raw_id_fields = ("household", "person")


@admin.register(Review)
class ReviewAdmin(_RegistryAdmin):
    scope_unit_field = "household__unit"
    household_path = "household"
    list_display = ("household", "year", "standard", "status", "kind", "recognised", "is_current", "decision_number")
    list_filter = ("year", "status", "kind", "recognised", "is_current", "standard")
    list_select_related = ("household",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PopulationBase)
class PopulationBaseAdmin(SchedulesRollups, _RegistryAdmin):
    scope_unit_field = "commune"
    list_display = ("commune", "year", "households_total", "persons_total", "em_households_total", "em_persons_total")
    list_filter = ("year",)
    list_select_related = ("commune",)
    raw_id_fields = ("commune",)


class _StandardSettingAdmin(AuditedAdmin):
    """The poverty-standard settings (lines, the year rule, indicators): a system administrator's,
    each naming a standard by a code the poverty room knows (a typo would silently never apply)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "standard":
            from django import forms

            from vuonlen.poverty import STANDARDS

            return forms.ChoiceField(label=db_field.verbose_name, help_text=db_field.help_text,
                                     choices=[(code, f"{code} — {s.short_name_vi}") for code, s in STANDARDS.items()])
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(PovertyLineSetting)
class PovertyLineSettingAdmin(_StandardSettingAdmin):
    """Lines of a standard the sources lack (e.g. Decree 351/2025's average lines): entered by a
    system administrator with the legal reference, read by every review."""

    list_display = ("standard", "area", "kind", "value", "legal_reference")
    list_filter = ("standard", "area", "kind")




@admin.register(PovertyYearStandard)
class PovertyYearStandardAdmin(_StandardSettingAdmin):
    """The year → standard rule: the whole table (default rule with the administrator's rows
    applied) above the list, and a row per year the administrator replaced, with the reason.
    Saving does not touch existing reviews: `vuonlen poverty reclassify --year N` does, audited."""

    list_display = ("year", "standard", "reason", "updated_at")
    change_list_template = "admin/households/povertyyearstandard/change_list.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "year":
            from django import forms

            # A review year the system could ever hold; a typo such as 20266 is refused.
            return forms.IntegerField(label=db_field.verbose_name, min_value=YEAR_MIN, max_value=YEAR_MAX)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        from .year_standards import year_rules

        return super().changelist_view(request, extra_context={**(extra_context or {}), "year_rules": year_rules()})


@admin.register(PovertyIndicator)
class PovertyIndicatorAdmin(_StandardSettingAdmin):
    """A standard's indicators as the province applies them (names, dimensions, thresholds, legal
    references): e.g. Decree 351/2025's final list, entered without a release. Review forms,
    imports, classification and tables 04–05 read the active rows. Never deleted — reviews keep
    the codes — an indicator is set inactive instead. Existing reviews change only through
    `vuonlen poverty reclassify`."""

    list_display = ("standard", "position", "code", "name_vi", "dimension_name", "verified", "active")
    list_filter = ("standard", "active", "verified")
    list_editable = ("position", "active")
    search_fields = ("code", "name_vi")
    ordering = ("standard", "position", "id")

    def has_delete_permission(self, request, obj=None):
        return False
