"""Admin for units and their lineage: scoped, audited, and careful with the tree.

Official units come from the loaders and villages from the geo services, so the admin is
for corrections; what would break the tree (a unit's level, era or parent) is read-only
once the unit exists.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.http import Http404

from vuonlen.accounts import roles, scoping
from vuonlen.core.admin_mixins import AuditedAdmin, ScopedAdmin
from vuonlen.core.text import fold

from .models import AdministrativeUnit, UnitLineage


class _FoldedSearchMixin:
    """Search by name typed with or without diacritics, or by exact code."""

    folded_search_field = "name_search"
    code_search_field = "code"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(**{f"{self.folded_search_field}__contains": fold(term)})
                               | Q(**{self.code_search_field: term})), False


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(_FoldedSearchMixin, ScopedAdmin):
    scope_unit_field = ""  # the unit is its own scope
    list_display = ("name", "code", "level", "unit_type", "era", "parent", "valid_from", "valid_to")
    list_filter = ("level", "era", "unit_type")
    search_fields = ("name", "code")  # shows the search box; the lookup itself is folded above
    ordering = ("era", "level", "name_sort")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)
    readonly_fields = ("path", "version", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:
            # Moving a unit would leave its whole subtree's paths (and so every scope) wrong.
            fields = (*fields, "level", "era", "parent")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # An id typed into the raw-id box must be a unit the person can see.
            kwargs["queryset"] = scoping.visible_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Units come from the official loaders and villages from the geo pages; staff only correct.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        path = obj.compute_path()
        if obj.path != path:
            obj.path = path
            AdministrativeUnit.objects.filter(pk=obj.pk).update(path=path)


@admin.register(UnitLineage)
class UnitLineageAdmin(AuditedAdmin):
    list_display = ("old_unit", "new_unit", "partly_merged", "effective_date", "source")
    list_filter = ("partly_merged", "effective_date")
    search_fields = ("old_unit__name", "new_unit__name")
    list_select_related = ("old_unit", "new_unit")
    raw_id_fields = ("old_unit", "new_unit")

    def get_readonly_fields(self, request, obj=None):
        # The lineage comes from the official conversion list: its two ends never change here.
        return ("old_unit", "new_unit", "source") if obj is not None else ()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        folded = fold(term)
        return queryset.filter(Q(old_unit__name_search__contains=folded) | Q(new_unit__name_search__contains=folded)
                               | Q(old_unit__code=term) | Q(new_unit__code=term)), False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = scoping.scope_for(request.user, roles.UNIT_VIEW)
        return qs.filter(scope.q("old_unit") | scope.q("new_unit"))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("Không tìm thấy")
        return obj

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
