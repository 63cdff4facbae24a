"""The household's names column: what the register's search matches (issue 17).

``Household.names_search`` holds the folded names (``core.text.fold``: lower case, no
diacritics) of the head and of everyone who has ever been a member, one per line, in code-point
order. The list's search (``selectors._search``) matches ``LIKE '%words%'`` on that one column
of the household (a GIN trigram index on PostgreSQL, migration 0012) instead of joining every
membership and person of the reader's scope: a search costs the households read, and at
1,000,000 households the index answers a word of three letters or more (docs/scale.md).

Who keeps it:
- the import and the demo write it with the households (``names_text``), knowing the names;
- every other write goes through ``refresh``: after a membership is saved or deleted and after
  a person's name changes (the model signals connected in ``apps.py``, so the services, the
  admin and anything else are covered), and after the admin edits a head's name;
- a service that writes several memberships at once (a household registered with its members, a
  split, a merge) opens ``batched()``: the signals then only note the households, and the block's
  end refreshes each once (a household of five: one ``UPDATE``, not five);
- ``Household.save`` never writes it back from an instance (a full save of a household loaded
  before a member joined would otherwise put the old names back): only ``refresh`` and inserts
  do.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.db import connection

SEPARATOR = "\n"
_CHUNK = 500

# The names of the head and every member the household has had, deduplicated, in code-point
# order ("C" collation on PostgreSQL, SQLite's binary order: the same as Python's for UTF-8).
_POSTGRES = """
UPDATE households_household AS h SET names_search = COALESCE((
    SELECT string_agg(n, E'\\n' ORDER BY n COLLATE "C") FROM (
        SELECT h.head_search AS n
        UNION
        SELECT p.name_search FROM households_membership m JOIN households_person p ON p.id = m.person_id
        WHERE m.household_id = h.id
    ) AS names WHERE n <> ''), '')
WHERE {where}"""
_SQLITE = """
UPDATE households_household SET names_search = COALESCE((
    SELECT group_concat(n, char(10)) FROM (
        SELECT households_household.head_search AS n
        UNION
        SELECT p.name_search FROM households_membership m JOIN households_person p ON p.id = m.person_id
        WHERE m.household_id = households_household.id
        ORDER BY 1
    ) WHERE n <> ''), '')
WHERE {where}"""


# The households noted by the signals inside ``batched()`` (None: no batch open, refresh at once).
_pending: ContextVar[set[int] | None] = ContextVar("households_names_pending", default=None)


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Inside the block, memberships saved or deleted and people renamed only note their
    households; at its end (without an error) each noted household is refreshed once. Nested
    blocks join the outer one. Reads of ``names_search`` inside the block see the old names."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
        noted = _pending.get()
    finally:
        _pending.reset(token)
    if noted:
        refresh(noted)


def _note_or_refresh(household_ids: Iterable[int]) -> None:
    pending = _pending.get()
    if pending is None:
        refresh(household_ids)
    else:
        pending.update(pk for pk in household_ids if pk is not None)


def names_text(names: Iterable[str]) -> str:
    """The column's value for these folded names (the head's among them)."""
    return SEPARATOR.join(sorted({n for n in names if n}))


def refresh(household_ids: Iterable[int] | None) -> None:
    """Recompute the column of these households from their memberships (None: every household,
    as the migration fills it). One statement per 500 households."""
    template = _POSTGRES if connection.vendor == "postgresql" else _SQLITE
    with connection.cursor() as cursor:
        if household_ids is None:
            cursor.execute(template.format(where="1 = 1"))
            return
        ids = sorted({int(pk) for pk in household_ids if pk is not None})
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            id_column = "h.id" if connection.vendor == "postgresql" else "id"
            cursor.execute(template.format(where=f"{id_column} IN ({', '.join(['%s'] * len(chunk))})"), chunk)


def households_of_person(person_id: int) -> list[int]:
    from .models import Membership

    return list(Membership.objects.filter(person_id=person_id).values_list("household_id", flat=True))


# --- the model signals (connected in apps.py) --------------------------------------------------

def membership_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: the fixture carries the column
        return
    _note_or_refresh([instance.household_id])


def person_saved(sender, instance, created: bool, **kwargs) -> None:
    """A person renamed (the admin): every household they have been in. A new person has no
    household yet (their membership's own signal follows)."""
    if created or kwargs.get("raw"):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "name_search" not in update_fields and "full_name" not in update_fields:
        return
    _note_or_refresh(households_of_person(instance.pk))
