"""Steering documents, the tasks they assign, and the assignees' updates.

A conclusion notice (seed 001: Thông báo 103-TB/BCĐ) assigns tasks to named organisations,
each with what is expected ("báo cáo", "kế hoạch", "danh sách", an event) and a deadline that
is either a day ("trước ngày 31/7/2023") or a month ("trong tháng 8/2023", i.e. by the last
day of August). A deadline day is inclusive, as for the quarterly reports (core.periods): work
finished at 23:59 on the day in Vietnam is on time, at 00:00 the next day it is late.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts.models import Organisation
from vuonlen.core.models import TimestampedModel
from vuonlen.core.periods import Period, deadline_end
from vuonlen.core.pipeline import Pipeline
from vuonlen.core.uploads import StoredFileFields


class DocumentKind(models.TextChoices):
    CONCLUSION = "ket_luan", _("Kết luận")
    NOTICE = "thong_bao", _("Thông báo")
    PLAN = "ke_hoach", _("Kế hoạch")
    DIRECTIVE = "chi_thi", _("Chỉ thị")
    OFFICIAL_LETTER = "cong_van", _("Công văn")
    PROGRAMME = "chuong_trinh", _("Chương trình")
    PROJECT = "de_an", _("Đề án")
    DECISION = "quyet_dinh", _("Quyết định")


class ExpectedOutput(models.TextChoices):
    PLAN = "plan", _("Kế hoạch")
    REPORT = "report", _("Báo cáo")
    LIST = "list", _("Danh sách")
    EVENT = "event", _("Tổ chức sự kiện, hoạt động")
    OTHER = "other", _("Khác")


class DeadlineKind(models.TextChoices):
    DATE = "date", _("Trước (đến hết) ngày")
    MONTH = "month", _("Trong tháng")
    NONE = "none", _("Thường xuyên, không có hạn")


class TaskState(models.TextChoices):
    """What the assignee reported; the status shown also weighs the deadline (``TaskStatus``)."""

    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Đã hoàn thành")


# The declared moves (``core.pipeline``): an assignee reports progress or completion; a done
# task takes further results and evidence (done → done) but never goes back to "in progress".
# Each move is a ``TaskUpdate`` row (the event), written by ``core.pipeline.transition``.
TASK_PIPELINE = Pipeline(
    field="state",
    moves={
        TaskState.NOT_STARTED: (TaskState.IN_PROGRESS, TaskState.DONE),
        TaskState.IN_PROGRESS: (TaskState.IN_PROGRESS, TaskState.DONE),
        TaskState.DONE: (TaskState.DONE,),
    },
    event="directives.TaskUpdate", event_fk="task", from_field="from_state", to_field="state",
    actor_field="author",
)


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE_ON_TIME = "done_on_time", _("Hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Hoàn thành trễ hạn")
    OVERDUE = "overdue", _("Quá hạn")


STATUS_BADGE = {
    TaskStatus.NOT_STARTED: "secondary",
    TaskStatus.IN_PROGRESS: "info",
    TaskStatus.DONE_ON_TIME: "success",
    TaskStatus.DONE_LATE: "warning",
    TaskStatus.OVERDUE: "danger",
}


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def deadline_label(kind: str, deadline: dt.date | None) -> str:
    """The deadline as a notice writes it: "trước ngày 31/7/2023", "trong tháng 8/2023"."""
    if kind == DeadlineKind.NONE or deadline is None:
        return "thường xuyên"
    if kind == DeadlineKind.MONTH:
        return f"trong tháng {deadline.month}/{deadline.year}"
    return f"trước ngày {deadline.day:02d}/{deadline.month}/{deadline.year}"


def compute_status(*, state: str, deadline: dt.date | None, completed_at: dt.datetime | None,
                   now: dt.datetime) -> TaskStatus:
    """The status of a task at ``now``: done on time or late against the end of the deadline
    day in Asia/Ho_Chi_Minh, overdue once that instant has passed without completion."""
    end = deadline_end(deadline) if deadline else None
    if state == TaskState.DONE:
        if end is None or completed_at is None or completed_at < end:
            return TaskStatus.DONE_ON_TIME
        return TaskStatus.DONE_LATE
    if end is not None and now >= end:
        return TaskStatus.OVERDUE
    if state == TaskState.IN_PROGRESS:
        return TaskStatus.IN_PROGRESS
    return TaskStatus.NOT_STARTED


class Document(TimestampedModel):
    """One steering document in the register: "103-TB/BCĐ" of a steering committee, etc."""

    issuer = models.ForeignKey(Organisation, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT,
                               related_name="issued_directives")
    number = models.CharField(_("số, ký hiệu"), max_length=60)
    # Upper-cased number, for "unique per issuer and year": numbering restarts on 1 January
    # (Nghị định 30/2020/NĐ-CP, Điều 15), so 01-TB/BCĐ of 2023 and of 2024 are two documents.
    number_key = models.CharField(max_length=60, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField(_("năm"), editable=False)
    kind = models.CharField(_("loại văn bản"), max_length=16, choices=DocumentKind.choices)
    date = models.DateField(_("ngày ban hành"))
    title = models.CharField(_("trích yếu"), max_length=500)
    place = models.CharField(_("địa danh"), max_length=100, blank=True,
                             help_text=_("Ghi ở dòng ngày tháng, ví dụ “Kon Rẫy”"))
    period = models.CharField(_("kỳ giao ban"), max_length=10, blank=True,
                              help_text=_("Ví dụ 2023-Q2 cho quý II/2023"))
    follows = models.ForeignKey("self", verbose_name=_("tiếp theo văn bản"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="followups")
    party_layout = models.BooleanField(_("thể thức văn bản của Đảng"), default=False,
                                       help_text=_("Tiêu đề “ĐẢNG CỘNG SẢN VIỆT NAM” thay cho Quốc hiệu"))
    issuer_parent_name = models.CharField(_("cơ quan cấp trên (dòng trên tên cơ quan)"), max_length=150,
                                          blank=True)
    signer_authority = models.CharField(_("quyền hạn, chức vụ người ký"), max_length=150, blank=True)
    signer_title = models.CharField(_("chức vụ (dòng dưới)"), max_length=150, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi nơi nhận một dòng"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "number_key"], name="directives_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} số {self.number}"

    @property
    def period_obj(self) -> Period | None:
        try:
            return Period.parse(self.period) if self.period else None
        except (ValueError, KeyError):
            return None

    @property
    def period_label(self) -> str:
        period = self.period_obj
        return period.label() if period else ""


class DocumentFile(StoredFileFields):
    document = models.ForeignKey(Document, verbose_name=_("văn bản"), on_delete=models.CASCADE,
                                 related_name="files")

    class Meta:
        verbose_name = _("tệp văn bản")
        verbose_name_plural = _("tệp văn bản")
        ordering = ["uploaded_at", "pk"]


class Task(TimestampedModel):
    document = models.ForeignKey(Document, verbose_name=_("văn bản giao"), on_delete=models.PROTECT,
                                 related_name="tasks")
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nội dung nhiệm vụ"))
    expected_output = models.CharField(_("sản phẩm"), max_length=10, choices=ExpectedOutput.choices,
                                       default=ExpectedOutput.REPORT)
    deadline_kind = models.CharField(_("loại thời hạn"), max_length=8, choices=DeadlineKind.choices,
                                     default=DeadlineKind.DATE)
    # The last day that counts as on time (for a month: its last day).
    deadline = models.DateField(_("thời hạn"), null=True, blank=True, db_index=True)
    period = models.CharField(_("kỳ"), max_length=10, blank=True)
    carried_from = models.ForeignKey("self", verbose_name=_("chuyển tiếp từ nhiệm vụ"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="carried_into")
    state = models.CharField(_("tình trạng"), max_length=12, choices=TaskState.choices,
                             default=TaskState.NOT_STARTED)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    # Fixed when the task is marked done, so counts of late work are plain SQL.
    finished_late = models.BooleanField(_("hoàn thành trễ hạn"), null=True, blank=True)
    # The report that fulfils the task ("gửi báo cáo giải trình trước ngày 20/7/2023"): when the
    # assignee's report for this schedule (and period) is accepted, the task is done — on time
    # or late by when the report was first sent.
    report_schedule = models.ForeignKey(
        "reporting.ReportSchedule", verbose_name=_("báo cáo hoàn thành nhiệm vụ"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="fulfilled_tasks")

    pipeline = TASK_PIPELINE

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["document", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(deadline_kind="none", deadline__isnull=True)
                           | (~Q(deadline_kind="none") & Q(deadline__isnull=False))),
                name="directives_task_deadline_matches_kind",
            ),
            # One task is carried into a given document once.
            models.UniqueConstraint(fields=["document", "carried_from"], condition=Q(carried_from__isnull=False),
                                    name="directives_task_carried_once"),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    @property
    def deadline_label(self) -> str:
        return deadline_label(self.deadline_kind, self.deadline)

    def status(self, now: dt.datetime | None = None) -> TaskStatus:
        return compute_status(state=self.state, deadline=self.deadline, completed_at=self.completed_at,
                              now=now or timezone.now())

    @property
    def current_status(self) -> TaskStatus:
        return self.status()

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE[self.current_status]


class TaskAssignment(models.Model):
    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(Organisation, verbose_name=_("cơ quan, đơn vị"), on_delete=models.PROTECT,
                                     related_name="directive_tasks")
    is_lead = models.BooleanField(_("chủ trì"), default=False)

    class Meta:
        verbose_name = _("phân công nhiệm vụ")
        verbose_name_plural = _("phân công nhiệm vụ")
        ordering = ["-is_lead", "organisation__name_sort"]
        constraints = [
            models.UniqueConstraint(fields=["task", "organisation"], name="directives_assignment_unique"),
            models.UniqueConstraint(fields=["task"], condition=Q(is_lead=True), name="directives_one_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({'chủ trì' if self.is_lead else 'phối hợp'})"


class TaskUpdate(models.Model):
    """One progress report by an assignee; the task's state follows the latest one."""

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="updates")
    organisation = models.ForeignKey(Organisation, verbose_name=_("đơn vị báo cáo"), on_delete=models.PROTECT,
                                     related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    progress = models.TextField(_("kết quả, tiến độ"))
    from_state = models.CharField(_("tình trạng trước"), max_length=12, choices=TaskState.choices, blank=True)
    state = models.CharField(_("tình trạng"), max_length=12, choices=TaskState.choices)
    # Set when the update is the acceptance of the report that fulfils the task.
    submission = models.ForeignKey("reporting.Submission", verbose_name=_("báo cáo"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="task_updates")

    class Meta:
        verbose_name = _("cập nhật nhiệm vụ")
        verbose_name_plural = _("cập nhật nhiệm vụ")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_state_display()}"


class TaskEvidence(StoredFileFields):
    update = models.ForeignKey(TaskUpdate, verbose_name=_("cập nhật"), on_delete=models.CASCADE,
                               related_name="evidence")

    class Meta:
        verbose_name = _("tệp minh chứng")
        verbose_name_plural = _("tệp minh chứng")
        ordering = ["uploaded_at", "pk"]
