"""factory_boy factories for reporting. A submission is made through the services as the system
(started, filled in, sent, accepted: each step keeps the workflow's checks, events and audit);
a schedule and its obligations have no service (the audited admin writes them), so they are
written as rows."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.periods import Period, PeriodKind
from vuonlen.reporting import defaults, services
from vuonlen.reporting.models import Obligation, ReportSchedule, ScheduleKind, Submission

NARRATIVE = {"ket-qua": "Tổ chức 5 buổi tuyên truyền.\n- Duy trì 2 mô hình.", "ton-tai": "Nguồn lực còn hạn chế.",
             "de-xuat": "Đề nghị hỗ trợ kinh phí."}


def figures_input(submission, **overrides) -> dict:
    """The stored figures as a form would send them, with ``code=(value, note)`` overrides."""
    data = {code: ("" if v.get("value") is None else str(v["value"]), v.get("note", ""))
            for code, v in submission.values.items()}
    for code, pair in overrides.items():
        data[code] = pair
    # Figures the system cannot pre-fill: the unit types them.
    for code, (value, note) in list(data.items()):
        if value == "":
            data[code] = ("0", note)
    return data


class ScheduleFactory(DjangoModelFactory):
    """The quarterly campaign report on the default form, from 2023; give its ``issuer``."""

    class Meta:
        model = ReportSchedule

    name = "Báo cáo quý Cuộc vận động"
    kind = ScheduleKind.QUARTERLY
    form = factory.LazyFunction(defaults.quarterly_form)
    year_from = 2023


class ObligationFactory(DjangoModelFactory):
    """Who owes ``schedule``: an ``organisation``, or a rule (``org_kind`` and/or ``unit_level``)."""

    class Meta:
        model = Obligation


class SubmissionFactory(factory.Factory):
    """The report of ``organisation`` on ``schedule`` for ``period`` (2023-Q2 unless told): a
    draft (started at ``started_at``, else now); with ``sent_at`` filled in (the pre-filled
    figures, 0 where there is none, and ``narrative``) and sent at that moment; with
    ``accepted=True`` also accepted then."""

    class Meta:
        model = Submission

    period = Period(2023, PeriodKind.QUARTER, 2)
    narrative = NARRATIVE

    @classmethod
    def _create(cls, model_class, *, organisation, schedule, period, narrative, started_at=None, sent_at=None,
                accepted=False, actor=SYSTEM):
        sub = services.submission_start(actor=actor, organisation=organisation, schedule=schedule, period=period,
                                        now=started_at)
        if sent_at is None:
            return sub
        sub = services.submission_save(actor=actor, submission=sub, expected_version=sub.version,
                                       figures_input=figures_input(sub), narrative_input=narrative, submit=True,
                                       now=sent_at)
        if accepted:
            sub = services.submission_accept(actor=actor, submission=sub, expected_version=sub.version, now=sent_at)
        return sub
