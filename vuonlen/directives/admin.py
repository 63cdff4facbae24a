from django.contrib import admin

from vuonlen.core.admin_mixins import ScopedAdmin

from .models import Document, Task, TaskAssignment


class TaskAssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Document)
class DocumentAdmin(ScopedAdmin):
    scope_unit_field = "issuer__unit"
    scope_permission = "directives.manage"
    list_display = ["number", "kind", "date", "issuer", "title"]
    list_filter = ["kind", "year"]
    search_fields = ["number", "title"]
    autocomplete_fields = ["issuer", "follows"]
    readonly_fields = ["created_by"]


@admin.register(Task)
class TaskAdmin(ScopedAdmin):
    scope_unit_field = "document__issuer__unit"
    scope_permission = "directives.manage"
    list_display = ["__str__", "document", "deadline_kind", "deadline", "state"]
    list_filter = ["state", "deadline_kind", "expected_output"]
    search_fields = ["text", "document__number"]
    raw_id_fields = ["document", "carried_from"]
    inlines = [TaskAssignmentInline]
