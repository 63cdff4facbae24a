"""factory_boy factory for the ledger. It records through the service (as the system unless an
``actor`` is given), so every entry keeps the ledger's checks and its audit row."""

from __future__ import annotations

import datetime as dt

import factory

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.support import services
from vuonlen.support.models import Kind, Source, SupportEntry


class EntryFactory(factory.Factory):
    """A gift of 1.000.000 đồng in cash from social sources on 01/03/2022; give a recipient
    (``household``, ``initiative`` or ``unit``)."""

    class Meta:
        model = SupportEntry

    source = Source.SOCIAL
    kind = Kind.CASH
    value_vnd = 1_000_000
    date = dt.date(2022, 3, 1)

    @classmethod
    def _create(cls, model_class, *, actor=SYSTEM, **kwargs):
        return services.entry_record(actor=actor, **kwargs)
