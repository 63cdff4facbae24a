"""Which poverty standard a review year uses and which indicators it has, as the registry
applies them, and re-classifying a year's reviews when that rule changes.

The indicators of each standard are rows an administrator can edit (``PovertyIndicator``,
seeded from the pure-Python lists): ``effective_standards`` rebuilds each standard with its
active rows, and every form, import, table and classification here reads those.

The default rule is pure data in ``vuonlen.poverty`` (``DEFAULT_YEAR_RULES``); an administrator
may replace it for one year, with a reason (``PovertyYearStandard``, audited admin). Every
classification in this room passes the administrator's rows as ``overrides``, so the explanation
of each result quotes why the standard applies to that year.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from vuonlen import poverty
from vuonlen.core.audit import audit_updated_many, snapshot
from vuonlen.core.text import nfc
from vuonlen.indicators import rollups

from .models import PovertyIndicator, PovertyYearStandard, Review


def indicator_rows() -> list[dict]:
    """The built-in indicator lists as ``PovertyIndicator`` rows (the seed)."""
    rows = []
    for standard in poverty.STANDARDS.values():
        names = dict(standard.dimensions)
        for position, item in enumerate(standard.indicators, start=1):
            rows.append({"standard": standard.code, "code": item.code, "dimension": item.dimension,
                         "dimension_name": names[item.dimension], "name_vi": item.name_vi, "name_en": item.name_en,
                         "threshold_vi": item.threshold_vi,
                         "legal_reference": item.legal_reference or standard.indicator_reference,
                         "verified": item.verified, "position": position * 10, "active": True})
    return rows


def effective_standards() -> dict[str, poverty.Standard]:
    """Each standard with the administrator's active indicator rows (one query); a standard with
    no active row keeps its built-in list."""
    by_standard: dict[str, list[poverty.Indicator]] = {}
    for row in PovertyIndicator.objects.filter(active=True).order_by("standard", "position", "id"):
        by_standard.setdefault(row.standard, []).append(poverty.Indicator(
            code=row.code, dimension=row.dimension, name_vi=row.name_vi, name_en=row.name_en,
            threshold_vi=row.threshold_vi, verified=row.verified, legal_reference=row.legal_reference,
            dimension_vi=row.dimension_name))
    return {code: standard.with_indicators(tuple(by_standard[code])) if by_standard.get(code) else standard
            for code, standard in poverty.STANDARDS.items()}


def classify(**kwargs) -> poverty.Classification:
    """``poverty.classify`` with the administrator's year rule and indicator lists."""
    return poverty.classify(overrides=year_overrides(), standards=effective_standards(), **kwargs)


def year_overrides() -> dict[int, tuple[str, str]]:
    """The administrator's year → (standard code, reason) rows, as ``poverty`` takes them."""
    return {year: (code, reason) for year, code, reason in
            PovertyYearStandard.objects.values_list("year", "standard", "reason")}


def year_rule(year: int) -> poverty.YearRule:
    """The effective rule for ``year``; ValueError when no standard covers it."""
    return poverty.year_rule(year, year_overrides())


def standard_for(year: int) -> poverty.Standard:
    """The effective standard of a review year (the administrator's rule and indicator list);
    ValueError when no standard covers it."""
    return poverty.standard_for_year(year, year_overrides(), effective_standards())


def standard_or_none(year: int) -> poverty.Standard | None:
    try:
        return standard_for(year)
    except ValueError:
        return None


def years_with_standard(years) -> list[int]:
    """The ``years`` (in their order) a standard covers, reading the administrator's rule once:
    the year pickers asked ``standard_or_none`` year by year, two queries each."""
    overrides = year_overrides()
    kept = []
    for year in years:
        try:
            poverty.year_rule(year, overrides)
        except ValueError:
            continue
        kept.append(year)
    return kept


def year_rules() -> list[poverty.YearRule]:
    return poverty.year_rules(year_overrides())


# --- re-classifying a year's reviews ----------------------------------------------------------

@dataclass
class ReclassifyResult:
    year: int
    standard: str
    dry_run: bool
    before: Counter = field(default_factory=Counter)
    after: Counter = field(default_factory=Counter)
    changed: int = 0            # unrecognised reviews re-classified (or that would be)
    corrected: int = 0          # recognised reviews corrected, with the reason
    recognised_pending: int = 0  # recognised reviews that would change but need a reason
    unchanged: int = 0
    # Reviews whose stored indicators are not indicators of the new standard: they need the
    # household's answers under the new standard, which no program can invent.
    need_answers: int = 0
    # Reviews the new standard cannot classify from what is stored (a score-A limit it lacks…).
    unreadable: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report the command prints: counts per status before and after, then the tallies."""
        statuses = [s for s in poverty.Status if self.before[s] or self.after[s]] + \
                   [s for s in set(self.before) | set(self.after) if s not in poverty.Status.__members__.values()]
        head = f"Năm {self.year}: áp dụng {self.standard}" + (" (chạy thử, chưa ghi gì)" if self.dry_run else "")
        out = [head, f"{'Kết quả':<34}{'trước':>10}{'sau':>10}"]
        for status in statuses:
            label = poverty.STATUS_LABELS_VI.get(status, status)
            out.append(f"{label:<34}{self.before[status]:>10}{self.after[status]:>10}")
        out.append(f"{'Tổng':<34}{sum(self.before.values()):>10}{sum(self.after.values()):>10}")
        verb = "sẽ phân loại lại" if self.dry_run else "đã phân loại lại"
        out.append(f"Chưa công nhận: {verb} {self.changed}; không đổi {self.unchanged}")
        if self.corrected:
            out.append(f"Đã công nhận: {'sẽ đính chính' if self.dry_run else 'đã đính chính'} {self.corrected} (kèm lý do)")
        if self.recognised_pending:
            out.append(f"Đã công nhận: {self.recognised_pending} kết quả sẽ đổi nhưng chỉ đổi được qua đính chính; "
                       "chạy lại với --reason “lý do” để đính chính")
        if self.need_answers:
            out.append(f"Cần rà soát lại chỉ số: {self.need_answers} kết quả có chỉ số không thuộc {self.standard} "
                       "(giữ nguyên, không đoán)")
        if self.unreadable:
            out.append(f"Không phân loại được theo {self.standard}: {self.unreadable} kết quả (giữ nguyên) — "
                       + "; ".join(self.problems))
        return out


def _recompute(review: Review, overrides, standards) -> tuple[poverty.Classification | None, str]:
    """The review's own inputs under the year's effective standard, or why they cannot be read
    under it: "indicators" (codes of another standard), else the classifier's message."""
    from .services import lines_for

    standard = poverty.standard_for_year(review.year, overrides, standards)
    lacking = list(review.lacking or [])
    if any(code not in standard.indicator_codes for code in lacking):
        return None, "indicators"
    income = review.income_per_capita
    try:
        return poverty.classify(
            year=review.year, area=review.area, income=income, score_a=None if income is not None else review.score_a,
            lacking=lacking if lacking or not review.lacking_count else None,
            lacking_count=review.lacking_count if not lacking and review.lacking_count else None,
            lines=lines_for(standard.code, review.area) or None, overrides=overrides, standards=standards), ""
    except poverty.InvalidClassification as exc:
        return None, str(exc)


def reviews_reclassify(*, actor, year: int, dry_run: bool = False, reason: str = "",
                       source: str = "command") -> ReclassifyResult:
    """Re-classify the current reviews of ``year`` under the year's effective standard.

    Unrecognised reviews are updated in place (audited, one row each). A recognised review is
    frozen: it changes only through ``services.review_correct`` — a new review superseding it,
    with ``reason`` — and only when ``reason`` is given; otherwise it is counted, not touched.
    With ``dry_run`` nothing is written and ``after`` shows what would be.
    """
    from .services import apply_classification, review_correct

    overrides, standards = year_overrides(), effective_standards()
    rule = poverty.year_rule(year, overrides)  # ValueError for a year without a standard
    reason = nfc(reason or "")
    if len(reason) > 500:
        raise ValueError("Lý do dài quá 500 ký tự")
    result = ReclassifyResult(year=year, standard=rule.standard, dry_run=dry_run)
    updates = []
    with transaction.atomic():
        reviews = (Review.objects.select_for_update(of=("self",)).select_related("household")
                   .filter(year=year, is_current=True).order_by("pk"))
        for review in reviews:
            result.before[review.status] += 1
            new, problem = _recompute(review, overrides, standards)
            if new is None:
                if problem == "indicators":
                    result.need_answers += 1
                else:
                    result.unreadable += 1
                    if problem not in result.problems and len(result.problems) < 3:
                        result.problems.append(problem)
                result.after[review.status] += 1
                continue
            status = str(new.status)
            if review.standard == new.standard and review.status == status:
                result.unchanged += 1
                result.after[review.status] += 1
                continue
            if review.recognised:
                if review.lacking_count and not review.lacking:
                    # A correction takes indicator codes; a bare count cannot be carried over.
                    result.need_answers += 1
                    result.after[review.status] += 1
                    continue
                if not reason:
                    result.recognised_pending += 1
                    result.after[review.status] += 1
                    continue
                result.corrected += 1
                result.after[status] += 1
                if not dry_run:
                    review_correct(actor=actor, review=review, reason=reason, income_per_capita=review.income_per_capita,
                                   score_a=review.score_a if review.income_per_capita is None else None,
                                   lacking=list(review.lacking or []), source=source)
                continue
            result.changed += 1
            result.after[status] += 1
            if not dry_run:
                before = snapshot(review)
                apply_classification(review, new)
                review.version += 1
                review.save(update_fields=["standard", "status", "lacking", "lacking_count", "score_b",
                                           "explanation", "version", "updated_at"])
                updates.append((review, before, snapshot(review)))
                rollups.schedule(rollups.touched(review))
        if updates:
            audit_updated_many(actor=actor, changes=updates, source=source,
                               note=f"Phân loại lại kết quả rà soát năm {year} theo {rule.standard}")
    return result
