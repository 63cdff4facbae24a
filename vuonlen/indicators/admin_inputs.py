"""The admin's part of keeping the roll-ups fresh: an admin page that saves or deletes an input
of the roll-ups (a population base, a model) schedules their refresh, as the services do."""

from __future__ import annotations

from . import rollups


class SchedulesRollups:
    """Mix into a ``ModelAdmin`` (before ``admin.ModelAdmin`` in the bases)."""

    def save_model(self, request, obj, form, change):
        # A changed unit or year leaves the old one's totals to refresh as well.
        before = rollups.touched(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else []
        super().save_model(request, obj, form, change)
        rollups.schedule(before + rollups.touched(obj))

    def delete_model(self, request, obj):
        rollups.schedule(rollups.touched(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        rollups.schedule(rollups.touched(*queryset))
        super().delete_queryset(request, queryset)
