"""Every write to the registry: households, members and their periods, splits and merges, the
population base, and the yearly reviews with their recognition and corrections.

Each service is keyword-only and atomic; it cleans its input (``validation``), checks that
the actor may edit the unit (out of scope → 404, read-only → 403), validates everything at
once (``ValidationError`` with field → messages), writes, and audits in the same transaction.
``actor=SYSTEM`` (``accounts.scoping.SYSTEM``) is the system (commands, demo data) and skips the scope check.

Audit rows never carry a name or an ID number in ``object_repr`` or ``note`` (``str()`` of
these models is "Hộ <code>", "Nhân khẩu #<id>"); ``core.audit.snapshot`` masks citizen IDs.

The services are a package by entity (like Zulip's ``zerver/actions/``): ``households``,
``members``, ``population``, ``reviews``, with what they share in ``_shared``. Every name is
re-exported here, so ``from vuonlen.households import services; services.household_register``
keeps working.
"""

from ._shared import (
    RECOGNISED_MESSAGE,
    STALE_MESSAGE,
    area_for,
    can_edit,
    check_can_edit,
    check_recognised_writable,
    commune_of,
)
from .households import household_end, household_merge, household_register, household_split, household_update
from .members import member_add, membership_end
from .population import population_base_set
from .reviews import apply_classification, indicator_names, lines_for, review_correct, review_recognise, review_record

__all__ = [
    "STALE_MESSAGE",
    "RECOGNISED_MESSAGE",
    "check_can_edit",
    "check_recognised_writable",
    "can_edit",
    "commune_of",
    "area_for",
    "household_register",
    "household_update",
    "household_split",
    "household_merge",
    "household_end",
    "member_add",
    "membership_end",
    "population_base_set",
    "indicator_names",
    "lines_for",
    "apply_classification",
    "review_record",
    "review_recognise",
    "review_correct",
]
