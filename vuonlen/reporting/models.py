"""Periodic reports: what is asked (schedules and forms), of whom (obligations), and what each
organisation sent (submissions, their status moves and attachments).

A quarterly report is due "trước ngày 07 của tháng cuối quý" (seed 001), read as the 7th
inclusive: Q2/2023 is due 07/06/2023, and lateness is measured in Asia/Ho_Chi_Minh time
(``core.periods``). Each schedule carries its own rule (day + months offset), so a district
that asks for the 15th of the month after the quarter configures that, not the code.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts.models import Organisation, OrgKind
from vuonlen.core.models import TimestampedModel
from vuonlen.core.periods import DueRule, Period, PeriodKind
from vuonlen.core.pipeline import Pipeline
from vuonlen.core.uploads import StoredFileFields
from vuonlen.geo.models import Level


class ReportForm(TimestampedModel):
    """A report's shape: its sections, in order. Several schedules may share one form."""

    code = models.SlugField(_("mã biểu mẫu"), max_length=60, unique=True)
    name = models.CharField(_("tên biểu mẫu"), max_length=200)
    description = models.TextField(_("hướng dẫn"), blank=True)
    allow_attachments = models.BooleanField(_("cho phép đính kèm tệp"), default=True)

    class Meta:
        verbose_name = _("biểu mẫu báo cáo")
        verbose_name_plural = _("biểu mẫu báo cáo")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SectionKind(models.TextChoices):
    FIGURES = "figures", _("Số liệu (điền sẵn từ dữ liệu hệ thống)")
    NARRATIVE = "narrative", _("Nội dung (văn bản)")


class FormSection(models.Model):
    form = models.ForeignKey(ReportForm, verbose_name=_("biểu mẫu"), on_delete=models.CASCADE,
                             related_name="sections")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    code = models.SlugField(_("mã phần"), max_length=40)
    kind = models.CharField(_("loại phần"), max_length=12, choices=SectionKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=200)
    help_text = models.CharField(_("gợi ý"), max_length=500, blank=True)
    # Figure sections: the codes of the figures (see reporting.figures) in the order shown.
    figure_codes = models.JSONField(_("mã các chỉ tiêu số liệu"), default=list, blank=True)
    # Narrative sections: must it be filled before the report is sent?
    required = models.BooleanField(_("bắt buộc khi gửi"), default=False)

    class Meta:
        verbose_name = _("phần của biểu mẫu")
        verbose_name_plural = _("các phần của biểu mẫu")
        ordering = ["form", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="reporting_section_code_unique")]

    def __str__(self) -> str:
        return self.title


class ScheduleKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Hằng quý")
    HALF_YEARLY = "half_yearly", _("6 tháng")
    YEARLY = "yearly", _("Hằng năm")
    ONE_OFF = "one_off", _("Một lần (theo yêu cầu)")


PERIOD_KINDS = {
    ScheduleKind.QUARTERLY: PeriodKind.QUARTER,
    ScheduleKind.HALF_YEARLY: PeriodKind.HALF,
    ScheduleKind.YEARLY: PeriodKind.YEAR,
}


class ReportSchedule(TimestampedModel):
    """A report an issuing body asks for: recurring (every quarter, half-year, year, due on a
    configurable day) or one-off with its own deadline (e.g. an explanation request)."""

    name = models.CharField(_("tên báo cáo"), max_length=250)
    kind = models.CharField(_("định kỳ"), max_length=12, choices=ScheduleKind.choices, default=ScheduleKind.QUARTERLY)
    form = models.ForeignKey(ReportForm, verbose_name=_("biểu mẫu"), on_delete=models.PROTECT,
                             related_name="schedules")
    issuer = models.ForeignKey(Organisation, verbose_name=_("cơ quan yêu cầu báo cáo"), on_delete=models.PROTECT,
                               related_name="issued_report_schedules")
    # Recurring: due on ``due_day`` of the period's last month, shifted by ``due_offset_months``
    # (0 = "trước ngày 07 của tháng cuối quý", 1 = the month after the period).
    due_day = models.PositiveSmallIntegerField(_("hạn: ngày"), default=7)
    due_offset_months = models.SmallIntegerField(
        _("hạn: lệch tháng"), default=0,
        help_text=_("0 = tháng cuối kỳ; 1 = tháng sau kỳ; -1 = tháng trước tháng cuối kỳ"))
    # One-off: its own deadline, and the period it concerns (e.g. 2023-Q2 for an explanation).
    due_date = models.DateField(_("hạn nộp (báo cáo một lần)"), null=True, blank=True)
    period_code = models.CharField(_("kỳ liên quan (báo cáo một lần)"), max_length=10, blank=True,
                                   help_text=_("Ví dụ 2023-Q2; để trống thì lấy năm của hạn nộp"))
    year_from = models.PositiveSmallIntegerField(_("áp dụng từ năm"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("áp dụng đến năm"), null=True, blank=True)
    explains = models.ForeignKey("self", verbose_name=_("giải trình cho báo cáo"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="explanation_requests")
    description = models.TextField(_("ghi chú"), blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        ordering = ["issuer__unit__level", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(due_day__gte=1, due_day__lte=31), name="reporting_schedule_due_day"),
            models.CheckConstraint(condition=Q(due_offset_months__gte=-11, due_offset_months__lte=12),
                                   name="reporting_schedule_offset"),
            models.CheckConstraint(condition=~Q(kind="one_off") | Q(due_date__isnull=False),
                                   name="reporting_one_off_has_due_date"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_one_off(self) -> bool:
        return self.kind == ScheduleKind.ONE_OFF

    @property
    def due_rule(self) -> DueRule:
        return DueRule(day=self.due_day, offset_months=self.due_offset_months)

    @property
    def period_kind(self) -> PeriodKind | None:
        return PERIOD_KINDS.get(self.kind)

    def one_off_period(self) -> Period:
        """The period a one-off request concerns (its own period code, else its deadline's year)."""
        if self.period_code:
            return Period.parse(self.period_code)
        return Period(self.due_date.year, PeriodKind.YEAR)

    def is_active_in(self, year: int) -> bool:
        return (self.year_from is None or year >= self.year_from) and (self.year_to is None or year <= self.year_to)

    def due_date_for(self, period: Period) -> dt.date | None:
        """The deadline for ``period``, or None when this schedule asks nothing for it."""
        if not self.is_active:
            return None
        if self.is_one_off:
            return self.due_date if self.one_off_period() == period else None
        if period.kind != self.period_kind or not self.is_active_in(period.year):
            return None
        due = self.due_rule.due_date(period)
        # A body asks only while it exists: an abolished district's schedules end with it, a new
        # province's begin on the switch date (the rule for the transition quarter: whoever exists
        # on the period's due date asks and answers; see docs/reporting.md).
        return due if self.issuer_id is None or self.issuer.is_valid_on(due) else None

    def owed_on(self, period: Period) -> dt.date | None:
        """The day whose organisations owe ``period``: the due date of a recurring report; for a
        one-off request about a past period (an explanation), the earlier of its deadline and
        the end of the period it concerns — those who were there are asked, even after a reform."""
        due = self.due_date_for(period)
        if due is None or not self.is_one_off:
            return due
        return min(due, self.one_off_period().end)

    def periods_between(self, first_year: int, last_year: int) -> list[Period]:
        """Every period this schedule asks for in the years given, in order."""
        if self.is_one_off:
            return [self.one_off_period()] if first_year <= self.due_date.year <= last_year else []
        kind = self.period_kind
        count = {PeriodKind.QUARTER: 4, PeriodKind.HALF: 2, PeriodKind.YEAR: 1}[kind]
        return [Period(year, kind, index) for year in range(first_year, last_year + 1)
                if self.is_active_in(year) for index in range(1, count + 1)]

    def describe_rule(self) -> str:
        if self.is_one_off:
            return f"Hạn {self.due_date:%d/%m/%Y}"
        month = {0: "tháng cuối kỳ", 1: "tháng sau kỳ"}.get(self.due_offset_months,
                                                               f"tháng cuối kỳ {self.due_offset_months:+d} tháng")
        return f"Đến hết ngày {self.due_day:02d} của {month}"


class Obligation(models.Model):
    """Who must report on a schedule. A row names either an organisation (an explicit addition,
    or with ``exclude`` an exception) or a kind and/or level of organisations within the
    issuer's area (a rule). Resolution: the rules' organisations, minus those excluded by rule,
    plus the explicit additions, minus the explicit exclusions; never the issuer itself."""

    schedule = models.ForeignKey(ReportSchedule, verbose_name=_("báo cáo"), on_delete=models.CASCADE,
                                 related_name="obligations")
    organisation = models.ForeignKey(Organisation, verbose_name=_("tổ chức cụ thể"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="report_obligations")
    org_kind = models.CharField(_("loại tổ chức"), max_length=24, choices=OrgKind.choices, blank=True)
    unit_level = models.PositiveSmallIntegerField(_("cấp"), choices=Level.choices, null=True, blank=True)
    exclude = models.BooleanField(_("loại trừ"), default=False)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("đối tượng phải báo cáo")
        verbose_name_plural = _("đối tượng phải báo cáo")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(org_kind="") | Q(unit_level__isnull=False),
                name="reporting_obligation_has_criterion"),
            models.UniqueConstraint(fields=["schedule", "organisation"], condition=Q(organisation__isnull=False),
                                    name="reporting_obligation_org_once"),
        ]

    def __str__(self) -> str:
        if self.organisation_id:
            what = str(self.organisation)
        else:
            parts = [str(OrgKind(self.org_kind).label) if self.org_kind else "Mọi tổ chức"]
            if self.unit_level:
                parts.append(f"cấp {Level(self.unit_level).label.lower()}")
            what = " ".join(parts)
        return f"{'Trừ ' if self.exclude else ''}{what}"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã tiếp nhận")


# The declared moves (STYLE habit 5; ``core.pipeline``). A sent report may be recalled by its
# unit (submitted → draft) until the secretariat accepts it; accepted is final: the report is locked.
SUBMISSION_PIPELINE = Pipeline(
    field="status",
    moves={
        SubmissionStatus.DRAFT: (SubmissionStatus.SUBMITTED,),
        SubmissionStatus.SUBMITTED: (SubmissionStatus.ACCEPTED, SubmissionStatus.RETURNED, SubmissionStatus.DRAFT),
        SubmissionStatus.RETURNED: (SubmissionStatus.SUBMITTED,),
        SubmissionStatus.ACCEPTED: (),
    },
    event="reporting.SubmissionEvent", event_fk="submission",
    refuse="vuonlen.reporting.services._refuse_move",
)
PIPELINE = {status: SUBMISSION_PIPELINE.allowed(status) for status in SUBMISSION_PIPELINE.statuses}
EDITABLE_STATUSES = frozenset({SubmissionStatus.DRAFT, SubmissionStatus.RETURNED})


class Submission(TimestampedModel):
    """One organisation's report for one schedule and period."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("đơn vị báo cáo"), on_delete=models.PROTECT,
                                     related_name="report_submissions")
    schedule = models.ForeignKey(ReportSchedule, verbose_name=_("báo cáo"), on_delete=models.PROTECT,
                                 related_name="submissions")
    period_code = models.CharField(_("kỳ báo cáo"), max_length=10)
    status = models.CharField(_("trạng thái"), max_length=10, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.DRAFT, db_index=True)
    # {figure code: {"prefilled": n | None, "value": n | None, "note": "...", "source": "..."}}
    values = models.JSONField(_("số liệu"), default=dict, blank=True)
    # {section code: text}
    narrative = models.JSONField(_("nội dung"), default=dict, blank=True)
    doc_number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    # The first sending is what counts against the deadline: a report returned for corrections
    # and sent again after the deadline was still sent on time.
    submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("gửi gần nhất lúc"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người lập"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người lưu gần nhất"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        ordering = ["-period_code", "organisation__name_sort"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "schedule", "period_code"],
                                    name="reporting_one_submission_per_period"),
        ]
        indexes = [models.Index(fields=["schedule", "period_code", "status"])]

    pipeline = SUBMISSION_PIPELINE

    def __str__(self) -> str:
        return f"{self.schedule.name} {self.period.label()} — {self.organisation.name}"

    @property
    def period(self) -> Period:
        return Period.parse(self.period_code)

    @property
    def due_date(self) -> dt.date | None:
        return self.schedule.due_date_for(self.period)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_locked(self) -> bool:
        return self.status == SubmissionStatus.ACCEPTED


class SubmissionEvent(models.Model):
    """One status move of a report: who, when, from → to, and the comment (a return's reason)."""

    submission = models.ForeignKey(Submission, verbose_name=_("báo cáo"), on_delete=models.CASCADE,
                                   related_name="events")
    at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("tài khoản"), max_length=150, blank=True)
    from_status = models.CharField(_("từ"), max_length=10, choices=SubmissionStatus.choices, blank=True)
    to_status = models.CharField(_("sang"), max_length=10, choices=SubmissionStatus.choices)
    comment = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý báo cáo")
        verbose_name_plural = _("các bước xử lý báo cáo")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"

    @property
    def is_resubmission(self) -> bool:
        return self.from_status == SubmissionStatus.RETURNED and self.to_status == SubmissionStatus.SUBMITTED

    @property
    def is_recall(self) -> bool:
        return self.from_status == SubmissionStatus.SUBMITTED and self.to_status == SubmissionStatus.DRAFT

    @property
    def label(self) -> str:
        if not self.from_status:
            return str(_("Lập báo cáo"))
        if self.is_recall:
            return str(_("Thu hồi"))
        return str({
            SubmissionStatus.SUBMITTED: _("Gửi lại") if self.is_resubmission else _("Gửi báo cáo"),
            SubmissionStatus.ACCEPTED: _("Tiếp nhận"),
            SubmissionStatus.RETURNED: _("Trả lại"),
        }.get(self.to_status, str(self)))


class SubmissionAttachment(StoredFileFields):
    submission = models.ForeignKey(Submission, verbose_name=_("báo cáo"), on_delete=models.PROTECT,
                                   related_name="attachments")

    class Meta:
        verbose_name = _("tệp đính kèm báo cáo")
        verbose_name_plural = _("tệp đính kèm báo cáo")
        ordering = ["uploaded_at", "pk"]


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Nhắc trước hạn")
    DUE_DAY = "due_day", _("Nhắc đúng ngày hết hạn")


class ReminderSent(models.Model):
    """A reminder e-mail sent (or being sent) once: the unique key makes `reporting remind`
    idempotent, however often cron runs it and even two runs at once."""

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="report_reminders")
    period_code = models.CharField(_("kỳ báo cáo"), max_length=10)
    kind = models.CharField(_("loại nhắc"), max_length=10, choices=ReminderKind.choices)
    due_date = models.DateField(_("hạn nộp"))
    sent_on = models.DateField(_("ngày nhắc"))
    sent_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    recipients = models.JSONField(_("người nhận"), default=list)

    class Meta:
        verbose_name = _("thư nhắc hạn báo cáo")
        verbose_name_plural = _("thư nhắc hạn báo cáo")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "organisation", "period_code", "kind"],
                                    name="reporting_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.schedule} {self.period_code} — {self.organisation}"
