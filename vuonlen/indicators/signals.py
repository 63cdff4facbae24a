"""Every saved or deleted input schedules the refresh of the roll-ups it feeds.

Bulk writes that skip ``save()`` (imports through ``core.bulk.insert_rows``, the demo) call
``rollups.schedule`` / ``rollups.schedule_years`` themselves.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from vuonlen.campaign.models import Assessment
from vuonlen.core.periods import today_vn
from vuonlen.households.models import PopulationBase, Review

from . import figures_cache, rollups
from .models import EnteredValue, Indicator, Target


def _unit_year(sender, instance, **kwargs):
    rollups.schedule([(instance.unit_id, instance.year)])


for _model in (Assessment, Review, EnteredValue):
    post_save.connect(_unit_year, sender=_model, dispatch_uid=f"indicators-{_model.__name__}-save")
    post_delete.connect(_unit_year, sender=_model, dispatch_uid=f"indicators-{_model.__name__}-delete")


@receiver([post_save, post_delete], sender=PopulationBase, dispatch_uid="indicators-population")
def _population(sender, instance, **kwargs):
    rollups.schedule([(instance.commune_id, instance.year)])


def _initiative_pairs(initiative) -> list[tuple[int, int]]:
    last = max(today_vn().year, initiative.start_year)
    return [(initiative.unit_id, year) for year in range(initiative.start_year, last + 1)]


def _connect_initiatives() -> None:
    from vuonlen.initiatives.models import Initiative, StatusChange

    def initiative_changed(sender, instance, **kwargs):
        rollups.schedule(_initiative_pairs(instance))

    def status_changed(sender, instance, **kwargs):
        rollups.schedule(_initiative_pairs(instance.initiative))

    post_save.connect(initiative_changed, sender=Initiative, weak=False, dispatch_uid="indicators-initiative")
    post_delete.connect(initiative_changed, sender=Initiative, weak=False, dispatch_uid="indicators-initiative-del")
    post_save.connect(status_changed, sender=StatusChange, weak=False, dispatch_uid="indicators-status")


def _connect_outreach() -> None:
    from vuonlen.outreach.models import Activity

    def reached(activity, household_ids) -> list[tuple[int, int]]:
        year = activity.date.year
        qs = Review.objects.filter(year=year, is_current=True)
        qs = qs.filter(household_id__in=household_ids) if household_ids is not None else qs.filter(
            household__in=activity.households.all())
        return [(unit_id, year) for unit_id in qs.values_list("unit_id", flat=True).distinct()]

    def households_changed(sender, instance, action, pk_set, **kwargs):
        if action in {"post_add", "post_remove"} and isinstance(instance, Activity):
            rollups.schedule(reached(instance, pk_set or ()))
        elif action == "pre_clear" and isinstance(instance, Activity):
            rollups.schedule(reached(instance, None))

    def activity_saved(sender, instance, created, **kwargs):
        if not created:
            rollups.schedule(reached(instance, None))

    m2m_changed.connect(households_changed, sender=Activity.households.through, weak=False,
                        dispatch_uid="indicators-activity-households")
    post_save.connect(activity_saved, sender=Activity, weak=False, dispatch_uid="indicators-activity")


def _evaluation_inputs_changed(sender, **kwargs):
    """Targets, the catalogue and the phases are read beside the roll-ups: a change to any of
    them makes the dashboards' cached figures stale. Bumped at once (they are rare, admin-made
    edits; a page computed in the instant before the commit is recomputed within the hour)."""
    figures_cache.bump()


def _connect_evaluation_inputs() -> None:
    from vuonlen.campaign.models import Phase

    for model in (Target, Indicator, Phase):
        post_save.connect(_evaluation_inputs_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-save")
        post_delete.connect(_evaluation_inputs_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-del")
    m2m_changed.connect(_evaluation_inputs_changed, sender=Indicator.phases.through,
                        dispatch_uid="figures-indicator-phases")


_connect_initiatives()
_connect_outreach()
_connect_evaluation_inputs()
