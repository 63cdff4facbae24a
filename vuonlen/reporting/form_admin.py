"""Report forms managed on the application's pages (issue 13 item 5): the province's
secretariat edits a form's sections — texts to write, figures the system fills in — and sees a
preview of exactly what a reporting unit will fill. Sections that already hold data in sent
reports keep their code and cannot be removed, so no report loses what it said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from vuonlen.accounts import roles, scoping
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.models import AuditAction
from vuonlen.core.text import nfc
from vuonlen.core.versioning import lock_version, model_update, stale_message
from vuonlen.geo.models import Level

from . import figures
from .models import FormSection, ReportForm, SectionKind, Submission

_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def can_manage_forms(user) -> bool:
    """Forms are shared by the whole province: the secretariat (or administrator) of a province
    manages them, nobody below."""
    if user is scoping.SYSTEM:
        return True
    return scoping.visible_units(user, roles.REPORT_FORMS_MANAGE).filter(level=Level.PROVINCE).exists()


def require_forms_room(user) -> None:
    if not can_manage_forms(user):
        raise Http404(_("Không tìm thấy"))


def forms_for_management():
    return ReportForm.objects.annotate(n_sections=Count("sections", distinct=True),
                                       n_schedules=Count("schedules", distinct=True)).order_by("name")


@dataclass
class SectionInput:
    """One row of the sections table as the page sends it."""

    pk: int | None
    position: int | None
    code: str
    kind: str
    title: str
    help_text: str = ""
    figure_codes: list[str] = field(default_factory=list)
    required: bool = False
    delete: bool = False


def sections_holding_data(form: ReportForm) -> dict[int, int]:
    """Section pk → how many reports hold something under it (text written, figure kept)."""
    held: dict[int, int] = {}
    submissions = list(Submission.objects.filter(schedule__form=form).values_list("values", "narrative"))
    for section in form.sections.all():
        count = 0
        for values, narrative in submissions:
            if section.kind == SectionKind.NARRATIVE and (narrative or {}).get(section.code):
                count += 1
            elif section.kind == SectionKind.FIGURES and any(c in (values or {}) for c in section.figure_codes):
                count += 1
        if count:
            held[section.pk] = count
    return held


def _section_problems(form: ReportForm | None, rows: list[SectionInput]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(row_no: int, message: str):
        errors.setdefault("sections", []).append(_("Phần %(n)s: %(m)s") % {"n": row_no, "m": message})

    existing = {s.pk: s for s in form.sections.all()} if form else {}
    held = sections_holding_data(form) if form else {}
    known = set(figures.known_codes())
    seen_codes: dict[str, int] = {}
    kept = 0
    for number, row in enumerate(rows, start=1):
        if row.pk is not None and row.pk not in existing:
            add(number, _("không thuộc biểu mẫu này."))
            continue
        old = existing.get(row.pk)
        if row.delete:
            if old is not None and old.pk in held:
                add(number, _("đã có dữ liệu trong %(k)s báo cáo, không xoá được (có thể sửa tiêu đề, gợi ý).")
                    % {"k": held[old.pk]})
            continue
        kept += 1
        if not row.title:
            add(number, _("thiếu tiêu đề."))
        if not _CODE.match(row.code):
            add(number, _("mã “%(c)s” chỉ gồm chữ thường không dấu, số, gạch ngang, gạch dưới (tối đa 40 ký tự).")
                % {"c": row.code})
        elif row.code in seen_codes:
            add(number, _("mã “%(c)s” trùng với phần %(o)s.") % {"c": row.code, "o": seen_codes[row.code]})
        else:
            seen_codes[row.code] = number
        if row.kind not in SectionKind.values:
            add(number, _("loại phần không hợp lệ."))
        if row.kind == SectionKind.FIGURES:
            if not row.figure_codes:
                add(number, _("phần số liệu cần ít nhất một chỉ tiêu."))
            unknown = [c for c in row.figure_codes if c not in known]
            if unknown:
                add(number, _("chỉ tiêu không có trong danh mục: %(c)s.") % {"c": ", ".join(unknown)})
        if old is not None and old.pk in held and (row.code != old.code or row.kind != old.kind):
            add(number, _("đã có dữ liệu trong %(k)s báo cáo: giữ nguyên mã và loại phần.") % {"k": held[old.pk]})
        if row.position is not None and not 1 <= row.position <= 99:
            add(number, _("thứ tự phải từ 1 đến 99."))
    if not kept:
        errors.setdefault("sections", []).append(_("Biểu mẫu cần ít nhất một phần."))
    return errors


def _form_problems(*, name: str, code: str, form: ReportForm | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Nhập tên biểu mẫu.")]
    if form is None:
        if not _CODE.match(code):
            errors["code"] = [_("Mã biểu mẫu chỉ gồm chữ thường không dấu, số, gạch ngang, gạch dưới.")]
        elif ReportForm.objects.filter(code=code).exists():
            errors["code"] = [_("Đã có biểu mẫu mã “%(c)s”.") % {"c": code}]
    return errors


def _apply_sections(*, actor, form: ReportForm, rows: list[SectionInput], source: str) -> None:
    existing = {s.pk: s for s in form.sections.all()}
    for number, row in enumerate(rows, start=1):
        old = existing.get(row.pk)
        if row.delete:
            if old is not None:
                before = snapshot(old)
                old.delete()
                audit_record(actor=actor, action=AuditAction.DELETE, instance=old, before=before, source=source)
            continue
        data = {"position": row.position or number, "code": row.code, "kind": row.kind, "title": row.title,
                "help_text": row.help_text,
                "figure_codes": row.figure_codes if row.kind == SectionKind.FIGURES else [],
                "required": row.required if row.kind == SectionKind.NARRATIVE else False}
        if old is None:
            section = FormSection.objects.create(form=form, **data)
            audit_record(actor=actor, action=AuditAction.CREATE, instance=section, source=source)
        else:
            before = snapshot(old)
            for key, value in data.items():
                setattr(old, key, value)
            after = snapshot(old)
            if after != before:
                old.save()
                audit_record(actor=actor, action=AuditAction.UPDATE, instance=old, before=before, after=after,
                             source=source)


def _clean_rows(rows: list[SectionInput]) -> list[SectionInput]:
    for row in rows:
        row.code, row.title, row.help_text = nfc(row.code).strip(), nfc(row.title).strip(), nfc(row.help_text).strip()
    return rows


@transaction.atomic
def report_form_create(*, actor, code: str, name: str, description: str = "", allow_attachments: bool = True,
                       sections: list[SectionInput], source: str = "web") -> ReportForm:
    require_forms_room(actor)
    code, name, description = nfc(code).strip(), nfc(name).strip(), nfc(description).strip()
    rows = _clean_rows(sections)
    errors = _form_problems(name=name, code=code, form=None) | _section_problems(None, rows)
    if errors:
        raise ValidationError(errors)
    form = ReportForm.objects.create(code=code, name=name, description=description,
                                     allow_attachments=allow_attachments)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=form, source=source)
    _apply_sections(actor=actor, form=form, rows=rows, source=source)
    return form


@transaction.atomic
def report_form_update(*, actor, form: ReportForm, version: int | None, name: str, description: str = "",
                       allow_attachments: bool = True, sections: list[SectionInput], source: str = "web") -> bool:
    """Name, guidance and sections at once, version-checked against a second editor."""
    require_forms_room(actor)
    locked = lock_version(ReportForm.objects.all(), form.pk, version, message=stale_message(_("Biểu mẫu này")))
    name, description = nfc(name).strip(), nfc(description).strip()
    rows = _clean_rows(sections)
    errors = _form_problems(name=name, code=locked.code, form=locked) | _section_problems(locked, rows)
    if errors:
        raise ValidationError(errors)
    before_sections = [snapshot(s) for s in locked.sections.all()]
    _apply_sections(actor=actor, form=locked, rows=rows, source=source)
    changed = model_update(actor=actor, instance=locked, data={"name": name, "description": description,
                                                               "allow_attachments": allow_attachments},
                           source=source)
    sections_changed = before_sections != [snapshot(s) for s in locked.sections.all()]
    if sections_changed and not changed:
        # A change of sections alone still moves the form's version, so a second editor sees it.
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
    return changed or sections_changed
