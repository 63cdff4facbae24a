from django.contrib import admin

from .models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only, searchable audit log for administrators."""

    list_display = ["at", "actor_name", "action", "content_type", "object_id", "object_repr", "source"]
    list_filter = ["action", "source", "content_type", "at"]
    search_fields = ["actor_name", "object_repr", "object_id", "note"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
