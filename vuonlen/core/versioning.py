"""One way to change a versioned record (HackSoft's ``model_update``, with the version check).

Every editable record carries ``version``; a form sends the version it was opened with. The
service, inside its own ``transaction.atomic``:

1. locks the row and compares the version (:func:`lock_version` or :func:`check_version`),
   raising :class:`StaleVersion` with the one message when someone saved in between;
2. validates what it was given against the locked row (its own rules);
3. calls :func:`model_update`, which snapshots the row, sets the fields, and when anything
   changed saves only those fields with ``version + 1`` and writes the audit row
   (before/after) in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext

from .audit import audit_record, snapshot
from .models import AuditAction

M = TypeVar("M", bound=models.Model)

# The one wording; ``what`` names the record ("Thôn này", "Hộ này", "Khoản này"…).
def stale_message(what: str) -> str:
    return gettext("%(what)s vừa được người khác sửa; hãy tải lại trang để xem bản mới rồi sửa lại.") % {"what": what}


# For module constants: worded in the language active when the message is shown, e.g.
# ``STALE_MESSAGE = stale_message_lazy(gettext_lazy("Hộ này"))``.
stale_message_lazy = lazy(stale_message, str)


class StaleVersion(ValidationError):
    """The record changed since the editor opened it. A ValidationError on the form's top, so
    the views that show a service's errors need nothing new."""

    def __init__(self, message: str):
        super().__init__({NON_FIELD_ERRORS: [message]})


def check_version(instance: models.Model, expected_version: int | None, *, message: str) -> None:
    """Refuse when the stored version is not the one the editor saw. Call on a locked row."""
    if expected_version is None or instance.version != int(expected_version):
        raise StaleVersion(message)


def lock_version(queryset: models.QuerySet[M], pk: Any, expected_version: int | None, *, message: str) -> M:
    """The row locked for the rest of the transaction, after the version check."""
    current = queryset.select_for_update(of=("self",)).get(pk=pk)
    check_version(current, expected_version, message=message)
    return current


def _auto_now_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def model_update(*, actor, instance: M, data: Mapping[str, Any], also_save: Iterable[str] = (),
                 source: str = "web", note: str = "") -> bool:
    """Set ``data`` on the locked ``instance``; when its audited fields changed, save those
    fields (plus ``also_save``, derived columns such as search keys) with ``version + 1`` and
    write one UPDATE audit row. Returns whether anything changed. Call inside the service's
    transaction, after its checks."""
    before = snapshot(instance)
    for name, value in data.items():
        setattr(instance, name, value)
    after = snapshot(instance)
    if after == before:
        return False
    instance.version += 1
    fields = dict.fromkeys([*data, *also_save, "version", *_auto_now_fields(type(instance))])
    instance.save(update_fields=list(fields))
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=instance, before=before, after=after,
                 source=source, note=note)
    return True
