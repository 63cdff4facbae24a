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
    inlines = [RoleAssignmentInline]  # role changes are audited one by one (AuditedAdmin.save_formset)


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "is_active"]
    list_filter = ["kind", "unit__level", "is_active"]
    search_fields = ["name", "name_search", "short_name"]
    autocomplete_fields = ["unit", "parent"]
    fields = ["name", "short_name", "kind", "unit", "parent", "email", "is_active"]
