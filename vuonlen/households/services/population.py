"""The population base: a commune's totals for a year, the denominators of every rate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.text import nfc
from vuonlen.core.versioning import model_update
from vuonlen.core.years import YEAR_MAX, YEAR_MIN
from vuonlen.geo.models import AdministrativeUnit, Level
from vuonlen.indicators import rollups

from .. import validation
from ..models import (
    PopulationBase,
)
from ._shared import _fail, check_can_edit

# --- population base --------------------------------------------------------------------------

@transaction.atomic
def population_base_set(*, actor, commune: AdministrativeUnit, year: int, households_total: Any,
                        persons_total: Any, em_households_total: Any = None, em_persons_total: Any = None,
                        source_note: str = "", source: str = "web") -> PopulationBase:
    """Enter or replace a commune's totals for a year (the denominators of every rate)."""
    check_can_edit(actor=actor, unit=commune)
    data = {"households_total": households_total, "persons_total": persons_total,
            "em_households_total": em_households_total, "em_persons_total": em_persons_total, "year": year}
    c = validation._Collector(data)
    c.number("year", label="năm", required=True, integer=True, minimum=YEAR_MIN, maximum=YEAR_MAX)
    c.number("households_total", label="tổng số hộ", required=True, integer=True, maximum=10_000_000)
    c.number("persons_total", label="tổng số nhân khẩu", required=True, integer=True, maximum=100_000_000)
    c.number("em_households_total", label="số hộ DTTS", integer=True, maximum=10_000_000)
    c.number("em_persons_total", label="số nhân khẩu DTTS", integer=True, maximum=100_000_000)
    problems = list(c.problems)
    if commune.level != Level.COMMUNE:
        problems.append((NON_FIELD_ERRORS, gettext("Dân số nền chỉ nhập cho đơn vị cấp xã")))
    v = {k: (int(val) if isinstance(val, Decimal) else val) for k, val in c.cleaned.items()}
    if v["households_total"] is not None and v["persons_total"] is not None and v["persons_total"] < v["households_total"]:
        problems.append(("persons_total", gettext("Số nhân khẩu không thể ít hơn số hộ")))
    if v["em_households_total"] is not None and v["households_total"] is not None \
            and v["em_households_total"] > v["households_total"]:
        problems.append(("em_households_total", gettext("Số hộ DTTS lớn hơn tổng số hộ")))
    if v["em_persons_total"] is not None and v["persons_total"] is not None \
            and v["em_persons_total"] > v["persons_total"]:
        problems.append(("em_persons_total", gettext("Số nhân khẩu DTTS lớn hơn tổng số nhân khẩu")))
    if v["em_persons_total"] is not None and v["em_households_total"] is not None \
            and v["em_persons_total"] < v["em_households_total"]:
        problems.append(("em_persons_total", gettext("Số nhân khẩu DTTS không thể ít hơn số hộ DTTS")))
    _fail(problems)
    fields = {"households_total": v["households_total"], "persons_total": v["persons_total"],
              "em_households_total": v["em_households_total"], "em_persons_total": v["em_persons_total"],
              "source": nfc(source_note)[:100]}
    existing = PopulationBase.objects.select_for_update().filter(commune=commune, year=v["year"]).first()
    if existing is None:
        base = PopulationBase.objects.create(commune=commune, year=v["year"], **fields)
        audit_record(actor=actor, action=AuditAction.CREATE, instance=base, source=source)
        rollups.schedule(rollups.touched(base))
        return base
    model_update(actor=actor, instance=existing, data=fields, source=source)
    rollups.schedule(rollups.touched(existing))
    return existing
