"""Which records have a history page, and who may open it.

The audit log itself knows no scope, so a history page must first prove the person may see
the record. Each room registers, per model, a resolver ``(user, pk) -> obj`` that returns the
record through that room's scoping and raises ``Http404`` otherwise; a model nobody
registered has no history page at all (404), so a new model is closed until its room opts in.

Models are named by label ("geo.administrativeunit"), so ``core`` never imports a room.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.http import Http404
from django.urls import reverse

Resolver = Callable[[Any, str], models.Model]

_resolvers: dict[str, Resolver] = {}


def register(model_label: str, resolver: Resolver) -> None:
    """``model_label`` is "app_label.model_name" in lower case, as ContentType spells it."""
    _resolvers[model_label.lower()] = resolver


def is_registered(app_label: str, model_name: str) -> bool:
    return f"{app_label}.{model_name}".lower() in _resolvers


def get_record_or_404(user, app_label: str, model_name: str, pk: str) -> models.Model:
    resolver = _resolvers.get(f"{app_label}.{model_name}".lower())
    if resolver is None:
        raise Http404("Không tìm thấy")
    return resolver(user, pk)


def url_for(app_label: str, model_name: str, pk) -> str:
    """The history page's address, or '' when the model has none."""
    if pk in (None, "") or not is_registered(app_label, model_name):
        return ""
    return reverse("core:history", args=(app_label, model_name, str(pk)))


def url_for_object(obj: models.Model | None) -> str:
    if obj is None or getattr(obj, "pk", None) is None:
        return ""
    return url_for(obj._meta.app_label, obj._meta.model_name, obj.pk)
