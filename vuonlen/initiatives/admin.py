from django.contrib import admin

from vuonlen.core.admin_mixins import ScopedAdmin
from vuonlen.indicators.admin_inputs import SchedulesRollups

from .models import Initiative


@admin.register(Initiative)
class InitiativeAdmin(SchedulesRollups, ScopedAdmin):
    # Read and correct only; lifecycle moves and showcase approval go through the services
    # (pages), so every move keeps its StatusChange row.
    scope_unit_field = "unit"
    scope_permission = "initiatives.manage"
    list_display = ["name", "kind", "level", "unit", "start_year", "status", "is_pilot"]
    list_filter = ["kind", "level", "status", "is_pilot", "start_year"]
    search_fields = ["name", "name_search"]
    raw_id_fields = ["organisation", "unit", "replicated_from", "converted_into"]
    readonly_fields = ["status", "status_changed_at", "created_by"]
    filter_horizontal = []
    exclude = ["villages"]
