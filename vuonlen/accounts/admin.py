from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from vuonlen.core.admin_mixins import AuditedAdmin, ScopedAdmin

from .models import Organisation, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["unit", "organisation"]
    fields = ["role", "unit", "organisation", "valid_from", "valid_to", "is_active"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "email", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin"), {"fields": ("full_name", "email", "phone")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    inlines = [RoleAssignmentInline]

    def save_formset(self, request, form, formset, change):
        # Role changes made in the user's page are audited one by one.
        from vuonlen.core.audit import audit_record, snapshot
        from vuonlen.core.models import AuditAction

        befores = {obj.pk: snapshot(obj) for obj in formset.queryset}
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(actor=request.user, action=AuditAction.DELETE, instance=obj, source="admin")
            obj.delete()
        for obj in instances:
            created = obj.pk is None
            obj.save()
            audit_record(actor=request.user, action=AuditAction.CREATE if created else AuditAction.UPDATE,
                         instance=obj, before=None if created else befores.get(obj.pk), source="admin")
        formset.save_m2m()


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "is_active"]
    list_filter = ["kind", "unit__level", "is_active"]
    search_fields = ["name", "name_search", "short_name"]
    autocomplete_fields = ["unit", "parent"]
    fields = ["name", "short_name", "kind", "unit", "parent", "email", "is_active"]
