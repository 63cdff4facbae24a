from django.contrib import admin

from vuonlen.core.admin_mixins import AuditedAdmin

from .models import Topic


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    """The handbook's ten contents are data: the administrator may reword or retire one
    (retired topics stay on past sessions but are not offered for new ones)."""

    list_display = ["number", "name", "is_active"]
    list_editable = ["is_active"]
    ordering = ["number"]
