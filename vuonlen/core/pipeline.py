"""One status pipeline for every room (issue 10, 1(e); django-oscar's ``pipeline`` / ``set_status``).

A model declares its pipeline once, as a class attribute::

    class Submission(models.Model):
        status = models.CharField(choices=SubmissionStatus.choices, ...)
        pipeline = Pipeline(
            field="status",
            moves={DRAFT: (SUBMITTED,), SUBMITTED: (ACCEPTED, RETURNED, DRAFT), ...},
            event="reporting.SubmissionEvent", event_fk="submission",
        )

and every change of that field goes through :func:`transition` (``set_status``), inside the
service's transaction, on a row the service has locked (``select_for_update``/``lock_version``):

- a move the pipeline does not declare is refused with a ``TransitionRefused`` (a
  ``ValidationError`` with a Vietnamese message; the model may give its own wording with
  ``refuse=``) and nothing is written;
- an allowed move writes **one event row** (who, when, from → to, comment and whatever the
  room adds: the organisation, the report that closed a task…) and sets the field. The event
  row is the transition's audit: the room's service also writes its ``AuditLog`` row.

Pipelines are plain data, so pages can ask ``Model.pipeline.allowed(status)`` to show only the
buttons that may be pressed, and tests can read the whole graph.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


class TransitionRefused(ValidationError):
    """A move the pipeline does not allow; nothing was written."""


def _label(model: type[models.Model], field_name: str, value: str) -> str:
    if not value:
        return "—"
    choices = dict(model._meta.get_field(field_name).flatchoices)
    return str(choices.get(value, value))


@dataclass(frozen=True)
class Pipeline:
    """The declared moves of one status field, and the event model that records each move."""

    field: str
    moves: Mapping[str, Iterable[str]]
    event: str  # "app_label.Model" of the event rows
    event_fk: str  # the event's foreign key to the record
    from_field: str = "from_status"
    to_field: str = "to_status"
    actor_field: str = "actor"
    at_field: str = "at"
    # (instance, to) -> ValidationError: the room's own wording for a refused move (a callable,
    # or its dotted path when it lives in the room's services).
    refuse: Callable[[Any, str], ValidationError] | str | None = None
    _graph: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        graph = {str(k): tuple(str(v) for v in values) for k, values in self.moves.items()}
        unknown = {to for targets in graph.values() for to in targets} - set(graph)
        if unknown:
            raise ValueError(f"Pipeline moves to undeclared statuses: {sorted(unknown)}")
        object.__setattr__(self, "_graph", graph)

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(self._graph)

    def allowed(self, status: str) -> tuple[str, ...]:
        """The statuses reachable from ``status`` in one move."""
        return self._graph.get(str(status), ())

    def is_final(self, status: str) -> bool:
        return not self.allowed(status)

    def can(self, instance: models.Model, to: str) -> bool:
        return str(to) in self.allowed(getattr(instance, self.field))

    def event_model(self) -> type[models.Model]:
        return apps.get_model(self.event)

    def check(self, instance: models.Model, to: str) -> None:
        """Raise ``TransitionRefused`` unless ``instance`` may move to ``to``."""
        if self.can(instance, to):
            return
        if self.refuse is not None:
            refuse = import_string(self.refuse) if isinstance(self.refuse, str) else self.refuse
            error = refuse(instance, to)
            raise TransitionRefused(error.messages if hasattr(error, "messages") else str(error),
                                    code=getattr(error, "code", None) or "bad_move")
        model = type(instance)
        current = getattr(instance, self.field)
        raise TransitionRefused(
            _("Không thể chuyển từ “%(from)s” sang “%(to)s”: bước này không có trong quy trình.") % {
                "from": _label(model, self.field, current), "to": _label(model, self.field, to)},
            code="bad_move")


def pipeline_of(instance_or_model) -> Pipeline:
    pipeline = getattr(instance_or_model, "pipeline", None)
    if not isinstance(pipeline, Pipeline):
        raise TypeError(f"{instance_or_model!r} declares no status pipeline")
    return pipeline


def transition(instance: models.Model, to: str, *, actor, at: dt.datetime | None = None,
               **event_fields) -> models.Model:
    """``set_status``: check the move against the model's pipeline, write its event row, set the
    field on ``instance`` (not saved: the service saves it with its other changes and the
    version). Returns the event row. Call inside the service's transaction on a locked row."""
    pipeline = pipeline_of(instance)
    pipeline.check(instance, to)
    event_model = pipeline.event_model()
    names = {f.name for f in event_model._meta.get_fields()}
    data = {
        pipeline.event_fk: instance,
        pipeline.from_field: getattr(instance, pipeline.field) or "",
        pipeline.to_field: to,
        pipeline.at_field: at or timezone.now(),
        pipeline.actor_field: actor if getattr(actor, "pk", None) else None,
    }
    if "actor_name" in names and "actor_name" not in event_fields:
        data["actor_name"] = getattr(actor, "username", "") or "hệ thống"
    data.update(event_fields)
    event = event_model.objects.create(**data)
    setattr(instance, pipeline.field, to)
    return event
