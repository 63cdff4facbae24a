"""The resource ledger (sổ nguồn lực): everything given to households, models and villages,
from which source, by whom, in what kind and how much.

One row per gift or loan. ``unit`` is where the help landed (the household's village or
commune, the model's unit, or the village/commune itself) and is what scoping and the roll-up
up the unit tree use: a record stays under the unit it was given in, even if the household
moves later (the money was spent there).

Values are whole đồng in a 64-bit integer: 140 billion fits many times over, and VND has no
minor unit in practice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts.models import Organisation
from vuonlen.core.models import TimestampedModel
from vuonlen.geo.models import AdministrativeUnit


class Source(models.TextChoices):
    NTP_NEW_RURAL = "ntp_new_rural", _("CTMTQG xây dựng nông thôn mới")
    NTP_ETHNIC = "ntp_ethnic", _("CTMTQG phát triển KT-XH vùng đồng bào DTTS và miền núi")
    NTP_POVERTY = "ntp_poverty", _("CTMTQG giảm nghèo bền vững")
    PROVINCIAL_BUDGET = "provincial_budget", _("Ngân sách tỉnh")
    SOCIAL = "social", _("Xã hội hóa, vận động")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    TWINNING = "twinning", _("Đơn vị kết nghĩa")
    POLICY_BANK = "policy_bank", _("Vốn vay ưu đãi Ngân hàng Chính sách xã hội")
    OWN = "own", _("Hộ tự có, đối ứng")


class Kind(models.TextChoices):
    CASH = "cash", _("Tiền mặt")
    LIVESTOCK = "livestock", _("Con giống")
    SEEDLINGS = "seedlings", _("Cây giống")
    MATERIALS = "materials", _("Vật tư, phân bón")
    HOUSING = "housing", _("Nhà ở")
    EQUIPMENT = "equipment", _("Máy móc, thiết bị")
    LOAN = "loan", _("Vốn vay")


class RecipientKind(models.TextChoices):
    HOUSEHOLD = "household", _("Hộ gia đình")
    INITIATIVE = "initiative", _("Mô hình")
    UNIT = "unit", _("Thôn, xã")


class LoanStatus(models.TextChoices):
    CURRENT = "current", _("Trong hạn")
    OVERDUE = "overdue", _("Quá hạn")
    REPAID = "repaid", _("Đã trả hết")


class SupportEntry(TimestampedModel):
    source = models.CharField(_("nguồn"), max_length=20, choices=Source.choices, db_index=True)
    kind = models.CharField(_("hình thức"), max_length=12, choices=Kind.choices, db_index=True)
    giver = models.ForeignKey(Organisation, verbose_name=_("đơn vị hỗ trợ"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="support_given")
    value_vnd = models.PositiveBigIntegerField(_("giá trị (đồng)"))
    date = models.DateField(_("ngày"), db_index=True)
    recipient_kind = models.CharField(_("đối tượng nhận"), max_length=10, choices=RecipientKind.choices)
    household = models.ForeignKey("households.Household", verbose_name=_("hộ nhận"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="support_entries")
    initiative = models.ForeignKey("initiatives.Initiative", verbose_name=_("mô hình nhận"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="support_entries")
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("địa bàn nhận"), on_delete=models.PROTECT,
                             related_name="support_entries")
    description = models.CharField(_("nội dung"), max_length=500, blank=True)
    quantity = models.CharField(_("số lượng"), max_length=100, blank=True,
                                help_text=_("Ví dụ: 2 con bò, 500 cây cà phê"))
    twinning_activity = models.ForeignKey("twinning.Activity", verbose_name=_("hoạt động kết nghĩa"), null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="support_entries")
    # Loans only (kind = loan).
    loan_term_months = models.PositiveSmallIntegerField(_("thời hạn vay (tháng)"), null=True, blank=True)
    loan_interest = models.CharField(_("lãi suất"), max_length=100, blank=True)
    loan_status = models.CharField(_("tình trạng trả nợ"), max_length=8, choices=LoanStatus.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    # A correction never deletes: a wrong entry is voided with a reason, kept for the audit
    # trail and left out of the lists and totals.
    voided_at = models.DateTimeField(_("huỷ lúc"), null=True, blank=True, editable=False, db_index=True)
    void_reason = models.CharField(_("lý do huỷ"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("khoản hỗ trợ")
        verbose_name_plural = _("sổ nguồn lực")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["unit", "date"]), models.Index(fields=["date", "source"])]
        constraints = [
            models.CheckConstraint(condition=Q(value_vnd__gt=0), name="support_value_positive"),
            models.CheckConstraint(
                condition=(Q(recipient_kind="household", household__isnull=False, initiative__isnull=True)
                           | Q(recipient_kind="initiative", household__isnull=True, initiative__isnull=False)
                           | Q(recipient_kind="unit", household__isnull=True, initiative__isnull=True)),
                name="support_exactly_one_recipient"),
            models.CheckConstraint(
                condition=(Q(kind="loan", loan_term_months__isnull=False) & ~Q(loan_status=""))
                | (~Q(kind="loan") & Q(loan_term_months__isnull=True, loan_status="")),
                name="support_loan_fields_only_on_loans"),
        ]

    def __str__(self) -> str:
        # No personal name: str() reaches the audit log.
        return f"{self.get_kind_display()} {self.value_vnd:,} đồng ngày {self.date:%d/%m/%Y}".replace(",", ".")

    @property
    def is_loan(self) -> bool:
        return self.kind == Kind.LOAN

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class Repayment(models.Model):
    entry = models.ForeignKey(SupportEntry, verbose_name=_("khoản vay"), on_delete=models.CASCADE,
                              related_name="repayments")
    date = models.DateField(_("ngày trả"))
    amount_vnd = models.PositiveBigIntegerField(_("số tiền trả (đồng)"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("lần trả nợ")
        verbose_name_plural = _("lần trả nợ")
        ordering = ["date", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="support_repayment_positive")]

    def __str__(self) -> str:
        return f"Trả {self.amount_vnd:,} đồng ngày {self.date:%d/%m/%Y}".replace(",", ".")
