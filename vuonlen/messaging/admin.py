from django.contrib import admin

from .models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """The outbox, read only: what left, when, and why not (for the operator)."""

    list_display = ["pk", "channel", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status", "channel"]
    fields = ["key", "channel", "status", "attempts", "next_attempt_at", "sent_at", "provider_id", "last_error",
              "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return request.user.is_superuser
