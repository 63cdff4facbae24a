"""The dashboards' cached figures (``figures_cache``) go stale when an input of the evaluation
that is *not* a roll-up input changes: a target, the catalogue, a phase or a phase's plan
target. Those are rare edits made from several places (services, the Django admin, the target
import, the demo), so they bump the cache version here, at once.

Roll-up invalidation itself is explicit, never a signal: services and imports call
``rollups.schedule(rollups.touched(...))`` inside their transaction (docs/indicators-and-rollups.md).
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import figures_cache
from .models import Indicator, PhaseGoal, Target


def _evaluation_inputs_changed(sender, **kwargs):
    """A page computed in the instant before the commit is recomputed within the hour."""
    figures_cache.bump()


def _mentoring_changed(sender, **kwargs):
    """The mentors' reach on the dashboards is read afresh on the next load."""
    from django.core.cache import cache

    from .dashboards.selectors import COVERAGE_STAMP_KEY

    cache.delete(COVERAGE_STAMP_KEY)


def connect() -> None:
    from vuonlen.campaign.models import MentorAssignment, Phase, Visit
    from vuonlen.households.models import Household, PopulationBase, Review

    # What is counted straight from the registry (official tables, the API's review count):
    # a household moved, ended or edited, a review or a population base saved or deleted
    # (the services and imports also say so through ``rollups.schedule``).
    for model in (Household, Review, PopulationBase):
        post_save.connect(figures_cache.registry_changed, sender=model, dispatch_uid=f"registry-{model.__name__}-save")
        post_delete.connect(figures_cache.registry_changed, sender=model, dispatch_uid=f"registry-{model.__name__}-del")

    for model in (MentorAssignment, Visit):
        post_save.connect(_mentoring_changed, sender=model, dispatch_uid=f"coverage-{model.__name__}-save")
        post_delete.connect(_mentoring_changed, sender=model, dispatch_uid=f"coverage-{model.__name__}-del")

    for model in (Target, Indicator, Phase, PhaseGoal):
        post_save.connect(_evaluation_inputs_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-save")
        post_delete.connect(_evaluation_inputs_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-del")
    m2m_changed.connect(_evaluation_inputs_changed, sender=Indicator.phases.through,
                        dispatch_uid="figures-indicator-phases")
